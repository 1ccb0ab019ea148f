"""The Celery app. Queues: `scoring` (prediction files), `containers-cpu`, `containers-gpu`.

Tasks are acknowledged late (a message is removed only after its task finished, so a killed worker's
job is delivered again) and enqueued on transaction commit by the code that creates them. The
database, not the broker, is the authority on a job's state.
"""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "podium.settings")

app = Celery("podium")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_default_queue="scoring",
    task_queues=[Queue("scoring"), Queue("containers-cpu"), Queue("containers-gpu")],
    task_routes={"submissions.tasks.score_submission": {"queue": "scoring"}},
    task_ignore_result=True,
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)
app.autodiscover_tasks()
