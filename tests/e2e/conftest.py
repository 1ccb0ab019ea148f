import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import require_service


@pytest.fixture
def postgres(transactional_db):
    require_service("PostgreSQL", connection.vendor == "postgresql",
                    "set DATABASE_URL=postgres://... (scripts/test.sh starts PostgreSQL)")


@pytest.fixture
def redis_broker():
    """The Redis broker, emptied; returns a client for looking at the queues."""
    url = settings.CELERY_BROKER_URL
    require_service("Redis broker", url.startswith("redis://"), f"CELERY_BROKER_URL is {url!r}; scripts/test.sh sets a Redis URL")
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        require_service("Redis broker", False, str(exc))
    client.flushdb()
    return client
