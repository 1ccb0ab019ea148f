"""Celery tasks of the submission pipeline: idempotent, acknowledged late, row-locked."""

import logging
import socket
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from mlcore.eval import InvalidInput

from .models import TERMINAL, Status, Submission
from .scoring import score_predictions

log = logging.getLogger(__name__)
HEARTBEAT_STALE = timedelta(seconds=60)


def _claim(submission_id: int, worker: str):
    """Lock the row and move it to running; None when another worker holds it or it is finished."""
    with transaction.atomic():
        sub = Submission.objects.select_for_update().select_related("phase").get(pk=submission_id)
        if sub.status in TERMINAL:
            return None
        fresh = sub.heartbeat_at and timezone.now() - sub.heartbeat_at < HEARTBEAT_STALE
        if sub.status in (Status.RUNNING, Status.SCORING) and fresh and sub.worker != worker:
            return None
        if sub.status != Status.QUEUED:
            sub.move_to(Status.QUEUED)
        sub.move_to(Status.RUNNING, worker=worker, heartbeat_at=timezone.now(), started_at=timezone.now(), attempts=sub.attempts + 1)
        sub.save()
        return sub


def _finish(submission_id: int, worker: str, status: str, **fields) -> None:
    with transaction.atomic():
        sub = Submission.objects.select_for_update().get(pk=submission_id)
        if sub.status in TERMINAL or sub.worker != worker:
            return
        if status == Status.SUCCEEDED and sub.status == Status.RUNNING:
            sub.move_to(Status.SCORING)
        sub.move_to(status, heartbeat_at=timezone.now(), **fields)
        sub.save()


@shared_task(acks_late=True, reject_on_worker_lost=True, name="submissions.tasks.score_submission")
def score_submission(submission_id: int) -> str:
    """Score one submission; safe to run twice (a finished job is left alone)."""
    worker = f"{socket.gethostname()}:{score_submission.request.hostname or 'local'}"
    sub = _claim(submission_id, worker)
    if sub is None:
        return "skipped"
    try:
        scores = score_predictions(sub)
    except InvalidInput as exc:
        _finish(submission_id, worker, Status.FAILED, error_message=str(exc))
        return "failed"
    except Exception:
        log.exception("scoring submission %s failed", submission_id)
        _finish(submission_id, worker, Status.FAILED, error_message="scoring failed because of a platform error; it does not count against your limits")
        return "failed"
    _finish(submission_id, worker, Status.SUCCEEDED, scores=scores, predictions=sub.predictions.name)
    log.info("submission %s scored: %s", submission_id, scores)
    return "succeeded"


def enqueue_scoring(submission: Submission) -> None:
    """Queue scoring once the current transaction commits (never for a row that may roll back).

    robust: a broker that is down must not turn a stored submission into an error page; the job stays
    queued in the database, which is the authority, and is sent again when the broker is back.
    """
    transaction.on_commit(lambda: score_submission.apply_async((submission.pk,), queue="scoring"), robust=True)
