"""The Celery app. Queues: `scoring` (prediction files), `containers-cpu`, `containers-gpu`.

Tasks are acknowledged late (a message is removed only after its task finished, so a killed worker's
job is delivered again) and enqueued on transaction commit by the code that creates them. The
database, not the broker, is the authority on a job's state.

The watchdog (submissions/watchdog.py) runs in two places: in a thread of every worker process (so the
demo's single worker needs nothing else), and, in production, from `celery -A podium beat`, which sends
`submissions.tasks.watchdog` every PODIUM_WATCHDOG_INTERVAL_S seconds. Passes are safe to overlap.
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
    task_routes={
        "submissions.tasks.score_submission": {"queue": "scoring"},
        "submissions.tasks.rescore_phase": {"queue": "scoring"},
        "submissions.tasks.watchdog": {"queue": "scoring"},
    },
    task_ignore_result=True,
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)
app.autodiscover_tasks()


def _beat_schedule() -> dict:
    from django.conf import settings

    interval = settings.PODIUM_WATCHDOG_INTERVAL_S
    # A watchdog message older than one interval is useless: the next one is already on its way.
    schedule = {"submissions-watchdog": {"task": "submissions.tasks.watchdog", "schedule": interval,
                                         "options": {"expires": interval}}}
    # Each container worker node: remove containers past their deadline, prune unused cached images.
    # (Workers consuming a container queue also do this in a thread; passes are safe to overlap.)
    every = settings.PODIUM_CONTAINER_MAINTENANCE_S
    for queue in ("containers-cpu", "containers-gpu"):
        schedule[f"container-maintenance-{queue}"] = {"task": "submissions.tasks.container_maintenance", "schedule": every,
                                                      "options": {"queue": queue, "expires": every}}
    return schedule


@app.on_after_configure.connect
def _schedule(sender, **kwargs):
    sender.conf.beat_schedule = _beat_schedule()
