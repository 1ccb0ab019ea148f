"""Celery tasks of the submission pipeline: idempotent, acknowledged late, row-locked.

The database is the authority on a job's state. A task claims its row under a lock, records its worker
and keeps a heartbeat (a thread) while it works; it writes its result only while it still holds the job.
Messages carry only the row id and expire (`PODIUM_MESSAGE_EXPIRES_S`): a job whose message was lost or
expired is sent again by the watchdog, which also re-queues jobs whose worker stopped heartbeating.
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from celery import shared_task
from celery.signals import worker_ready, worker_shutdown
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from mlcore.eval import InvalidInput

from .evaluation import score_submission_file
from .models import TERMINAL, FailureCause, RescoreJob, Status, Submission

log = logging.getLogger(__name__)
PLATFORM_FAILURE = "scoring failed because of a platform error; it does not count against your limits"


def stale_after() -> timedelta:
    return timedelta(seconds=settings.PODIUM_HEARTBEAT_STALE_S)


def worker_id(task) -> str:
    return f"{task.request.hostname or socket.gethostname()}/pid{os.getpid()}"


class Heartbeat:
    """Context manager: a thread that stamps `heartbeat_at` on the job's row every interval while this
    worker still holds it (`worker` matches and the status is one of `statuses`). `lost` becomes True
    once the row was taken away (re-queued by the watchdog, cancelled)."""

    def __init__(self, model, pk, worker: str, statuses, interval: float | None = None):
        self.model, self.pk, self.worker, self.statuses = model, pk, worker, tuple(statuses)
        self.interval = interval or settings.PODIUM_HEARTBEAT_INTERVAL_S
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{model.__name__}-{pk}", daemon=True)

    def _run(self):
        try:
            while not self._stop.wait(self.interval):
                held = self.model.objects.filter(pk=self.pk, worker=self.worker, status__in=self.statuses).update(
                    heartbeat_at=timezone.now())
                if not held:
                    self.lost = True
                    return
        except Exception:  # a database hiccup must not kill the job; the watchdog judges staleness
            log.exception("heartbeat of %s %s failed", self.model.__name__, self.pk)
        finally:
            connection.close()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=10)
        return False


def claim_submission(submission_id: int, worker: str):
    """Lock the row and move it to running; None when another live worker holds it or it is finished.

    Every task that works on a submission (scoring here, container runs) starts with this, keeps a
    `Heartbeat` while it works and ends with `finish_submission`. A preset `deadline_at` is kept (a
    container run sets it from the phase's time limit); otherwise it is now + PODIUM_SCORING_DEADLINE_S.
    """
    with transaction.atomic():
        sub = Submission.objects.select_for_update().select_related("phase").filter(pk=submission_id).first()
        if sub is None or sub.status in TERMINAL:
            return None
        now = timezone.now()
        fresh = sub.heartbeat_at and now - sub.heartbeat_at < stale_after()
        if sub.status in (Status.RUNNING, Status.SCORING) and fresh and sub.worker != worker:
            return None
        if sub.attempts >= settings.PODIUM_MAX_ATTEMPTS:
            if sub.status == Status.PENDING:
                sub.move_to(Status.VALIDATING)
            sub.move_to(Status.FAILED, failure_cause=FailureCause.PLATFORM,
                        error_message=f"scoring was started {sub.attempts} times and its worker was lost each time; "
                                      "this failure is the platform's and does not count against your limits")
            sub.save()
            return None
        if sub.status == Status.PENDING:
            sub.move_to(Status.VALIDATING)
        if sub.status != Status.QUEUED:
            sub.move_to(Status.QUEUED)
        deadline = sub.deadline_at or now + timedelta(seconds=settings.PODIUM_SCORING_DEADLINE_S)
        sub.move_to(Status.RUNNING, worker=worker, heartbeat_at=now, started_at=sub.started_at or now,
                    attempts=sub.attempts + 1, deadline_at=deadline)
        sub.save()
        return sub


def finish_submission(submission_id: int, worker: str, status: str, **fields) -> bool:
    """Write the outcome if this worker still holds the job (True when written)."""
    with transaction.atomic():
        sub = Submission.objects.select_for_update().get(pk=submission_id)
        if sub.status in TERMINAL or sub.worker != worker:
            log.warning("submission %s: result of %s dropped (now %s, held by %r)", submission_id, worker, sub.status, sub.worker)
            return False
        if status == Status.SUCCEEDED and sub.status == Status.RUNNING:
            sub.move_to(Status.SCORING)
        sub.move_to(status, heartbeat_at=timezone.now(), **fields)
        sub.save()
        return True


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, name="submissions.tasks.score_submission")
def score_submission(self, submission_id: int) -> str:
    """Score one submission; safe to run twice or concurrently (a held or finished job is left alone)."""
    worker = worker_id(self)
    sub = claim_submission(submission_id, worker)
    if sub is None:
        return "skipped"
    Submission.objects.filter(pk=submission_id, worker=worker, status=Status.RUNNING).update(status=Status.SCORING)
    with Heartbeat(Submission, submission_id, worker, (Status.RUNNING, Status.SCORING)):
        try:
            scores = score_submission_file(sub)
        except InvalidInput as exc:
            # The file passed the same Task's validation at upload, so the phase changed since (cases,
            # ground truth): not the participant's fault, and it does not consume their quota.
            finish_submission(submission_id, worker, Status.FAILED, failure_cause=FailureCause.PLATFORM,
                    error_message=f"the file no longer matches the phase, which changed after the upload: {exc}\n"
                                  "this failure does not count against your limits")
            return "failed"
        except Exception:
            log.exception("scoring submission %s failed", submission_id)
            finish_submission(submission_id, worker, Status.FAILED, error_message=PLATFORM_FAILURE, failure_cause=FailureCause.PLATFORM)
            return "failed"
    done = finish_submission(submission_id, worker, Status.SUCCEEDED, scores=scores, public_scores=sub.public_scores, scores_updated_at=timezone.now(),
                   predictions=sub.predictions.name or "", per_case=sub.per_case.name or "", error_message="")
    log.info("submission %s scored: %s", submission_id, scores)
    return "succeeded" if done else "dropped"


def send_scoring(submission_id: int, queue: str = "scoring") -> None:
    """Send the scoring message now (short-lived: it expires; the watchdog sends it again if needed)."""
    score_submission.apply_async((submission_id,), queue=queue, expires=settings.PODIUM_MESSAGE_EXPIRES_S)


#: kind -> callable(submission) that sends the job's message; container runs register theirs
#: (`register_job_sender`) so that the watchdog re-sends a lost container job to its own task and queue.
JOB_SENDERS = {Submission.Kind.PREDICTIONS: lambda sub: send_scoring(sub.pk)}


def register_job_sender(kind: str, sender) -> None:
    JOB_SENDERS[kind] = sender


def send_job(submission: Submission) -> None:
    """Send the message that runs `submission` (by its kind)."""
    try:
        sender = JOB_SENDERS[submission.kind]
    except KeyError:
        log.error("submission %s: no task is registered for kind %r; it stays queued", submission.pk, submission.kind)
        return
    sender(submission)


def enqueue_scoring(submission: Submission) -> None:
    """Queue the job once the current transaction commits (never for a row that may roll back).

    robust: a broker that is down must not turn a stored submission into an error page; the job stays
    queued in the database, which is the authority, and the watchdog sends it again later.
    """
    transaction.on_commit(lambda: send_job(submission), robust=True)


# -- re-scoring a phase -----------------------------------------------------------------------------
def rescore_targets(phase):
    """Submissions a re-score job covers: every scored (succeeded) submission of the phase (trial runs
    of containers are never scored)."""
    return phase.submissions.filter(status=Status.SUCCEEDED, is_trial=False).order_by("pk")


def claim_rescore(job_id: int, worker: str):
    with transaction.atomic():
        job = RescoreJob.objects.select_for_update().select_related("phase").filter(pk=job_id).first()
        if job is None or job.status in (RescoreJob.State.SUCCEEDED, RescoreJob.State.FAILED):
            return None
        fresh = job.heartbeat_at and timezone.now() - job.heartbeat_at < stale_after()
        if job.status == RescoreJob.State.RUNNING and fresh and job.worker != worker:
            return None
        job.status, job.worker, job.heartbeat_at, job.attempts = RescoreJob.State.RUNNING, worker, timezone.now(), job.attempts + 1
        job.save()
        return job


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, name="submissions.tasks.rescore_phase")
def rescore_phase(self, job_id: int) -> str:
    """Re-score every scored submission of a job's phase; resumable (each submission once per job)."""
    worker = worker_id(self)
    job = claim_rescore(job_id, worker)
    if job is None:
        return "skipped"
    failed_ids = {e["submission"] for e in job.errors}
    with Heartbeat(RescoreJob, job_id, worker, (RescoreJob.State.RUNNING,)) as beat:
        for pk in rescore_targets(job.phase).values_list("pk", flat=True):
            if beat.lost:
                return "lost"
            if pk in failed_ids:
                continue
            error = _rescore_one(pk, job.created_at)
            with transaction.atomic():
                job = RescoreJob.objects.select_for_update().get(pk=job_id)
                if error:
                    job.errors = [*job.errors, {"submission": pk, "message": error}]
                    failed_ids.add(pk)
                job.failed = len(job.errors)
                job.done = rescore_targets(job.phase).filter(scores_updated_at__gte=job.created_at).count()
                job.save(update_fields=["errors", "failed", "done"])
    RescoreJob.objects.filter(pk=job_id, worker=worker).update(status=RescoreJob.State.SUCCEEDED, finished_at=timezone.now())
    return "succeeded"


def _rescore_one(submission_id: int, since) -> str:
    """Re-score one submission under its row lock; '' on success (or already done), else the reason."""
    with transaction.atomic():
        sub = Submission.objects.select_for_update().select_related("phase").get(pk=submission_id)
        if sub.status != Status.SUCCEEDED or (sub.scores_updated_at and sub.scores_updated_at >= since):
            return ""
        old_files = [f.name for f in (sub.predictions, sub.per_case) if f]
        try:
            sub.scores = score_submission_file(sub)
        except InvalidInput as exc:
            return str(exc)
        except Exception as exc:
            log.exception("re-scoring submission %s failed", submission_id)
            return f"platform error: {type(exc).__name__}"
        sub.scores_updated_at = timezone.now()
        sub.save(update_fields=["scores", "public_scores", "scores_updated_at", "predictions", "per_case"])
        stale = [name for name in old_files if name not in (sub.predictions.name, sub.per_case.name)]
        # robust: the scores are committed; a file that cannot be deleted now must not stop the re-score job
        transaction.on_commit(lambda: [sub.predictions.storage.delete(name) for name in stale], robust=True)
        return ""


def send_rescore(job_id: int) -> None:
    rescore_phase.apply_async((job_id,), queue="scoring", expires=settings.PODIUM_MESSAGE_EXPIRES_S)


# -- the watchdog ---------------------------------------------------------------------------------
@shared_task(name="submissions.tasks.watchdog", ignore_result=True)
def watchdog() -> dict:
    """Run the watchdog once (Celery beat schedules it; see podium/celery.py)."""
    from .watchdog import run_watchdog

    return run_watchdog()


_watchdog_stop = threading.Event()


def _watchdog_loop(interval: float) -> None:
    from .watchdog import run_watchdog

    while not _watchdog_stop.wait(interval):
        try:
            close_old_connections()
            run_watchdog()
        except Exception:
            log.exception("watchdog pass failed")
        finally:
            connection.close()


@worker_ready.connect
def _start_watchdog_in_worker(sender=None, **kwargs):
    """Every worker also runs the watchdog in a thread, so one worker process (the demo) needs no beat
    process, and a worker that survives another's death re-queues its job within seconds."""
    if settings.PODIUM_WATCHDOG_IN_WORKERS:
        _watchdog_stop.clear()
        threading.Thread(target=_watchdog_loop, args=(settings.PODIUM_WATCHDOG_INTERVAL_S,), name="podium-watchdog",
                         daemon=True).start()


@worker_shutdown.connect
def _stop_watchdog(sender=None, **kwargs):
    _watchdog_stop.set()


from . import container_tasks  # noqa: E402,F401  (registers the container job's sender and tasks)
