"""Shared fixtures. A test that needs a real service calls `require_service`: with CI=true a missing
service fails the test; elsewhere it is skipped with the reason."""

import os

import pytest


def require_service(name: str, available: bool, how: str) -> None:
    if available:
        return
    message = f"{name} is not available: {how}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true: a missing service is a failure)")
    pytest.skip(message)


@pytest.fixture
def artifacts_dir(request, tmp_path):
    """A folder kept after the run (PODIUM_TEST_ARTIFACTS), else a temporary one."""
    root = os.environ.get("PODIUM_TEST_ARTIFACTS")
    if not root:
        return tmp_path
    path = os.path.join(root, request.node.name)
    os.makedirs(path, exist_ok=True)
    return path


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_leaderboard_cache(settings):
    """The leaderboard API's per-process cache is off in tests (its own test turns it on)."""
    settings.PODIUM_HOT_CACHE_SECONDS = 0
    try:
        from leaderboard.hot_cache import clear
    except ImportError:
        yield
        return
    clear()
    yield
    clear()
