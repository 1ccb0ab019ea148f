"""The watchdog: the database is the authority; the broker is only a doorbell.

One pass (`run_watchdog`):
1. a running or scoring job past its deadline is failed, with the reason (the platform's failure: it
   does not count against the team's limits);
2. a running or scoring job whose worker stopped heartbeating is re-queued at once (not after the
   broker's visibility timeout) and its message sent again; after `PODIUM_MAX_ATTEMPTS` lost workers it
   is failed as the platform's failure;
3. a queued job whose message may be lost (broker down at commit, message expired) is sent again; one
   that no worker started within `PODIUM_QUEUED_DEADLINE_S` of its upload is failed (the platform's);
4. re-score jobs: the same for a lost worker or a lost message.

Passes are safe to run concurrently (every worker runs one; Celery beat may run another): each row is
re-read under its lock before it changes, and a duplicate message is harmless (tasks are idempotent).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import FailureCause, RescoreJob, Status, Submission

log = logging.getLogger(__name__)
ACTIVE = (Status.RUNNING, Status.SCORING)


def _fail(sub: Submission, message: str) -> None:
    sub.move_to(Status.FAILED, failure_cause=FailureCause.PLATFORM, error_message=message)
    sub.save()


def run_watchdog(now=None) -> dict:
    """One pass; returns the ids it acted on: {"failed": [...], "requeued": [...], "resent": [...], "rescores": [...]}."""
    from .tasks import send_job, send_rescore

    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.PODIUM_HEARTBEAT_STALE_S)
    resend = now - timedelta(seconds=settings.PODIUM_QUEUED_RESEND_S)
    waited_too_long = now - timedelta(seconds=settings.PODIUM_QUEUED_DEADLINE_S)
    acted = {"failed": [], "requeued": [], "resent": [], "rescores": []}

    candidates = Submission.objects.filter(
        Q(status__in=ACTIVE, deadline_at__lt=now) | Q(status__in=ACTIVE, heartbeat_at__lt=stale)
        | Q(status__in=ACTIVE, heartbeat_at__isnull=True) | Q(status=Status.QUEUED, queued_at__lt=resend)
        | Q(status=Status.QUEUED, queued_at__isnull=True) | Q(status=Status.QUEUED, created_at__lt=waited_too_long)
    ).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            sub = Submission.objects.select_for_update().filter(pk=pk).first()
            if sub is None:
                continue
            if sub.status in ACTIVE and sub.deadline_at and sub.deadline_at < now:
                limit = (sub.deadline_at - (sub.started_at or sub.deadline_at)).total_seconds()
                _fail(sub, f"the job did not finish by its deadline ({sub.deadline_at:%Y-%m-%d %H:%M:%S} UTC, "
                           f"{limit:.0f} s after it started; last worker {sub.worker or 'none'}); "
                           "this failure is the platform's and does not count against your limits")
                acted["failed"].append(pk)
            elif sub.status in ACTIVE and (sub.heartbeat_at is None or sub.heartbeat_at < stale):
                last = f"{sub.heartbeat_at:%H:%M:%S} UTC" if sub.heartbeat_at else "never"
                if sub.attempts >= settings.PODIUM_MAX_ATTEMPTS:
                    _fail(sub, f"scoring was started {sub.attempts} times and its worker was lost each time "
                               f"(last heartbeat {last} from {sub.worker}); this failure is the platform's and "
                               "does not count against your limits")
                    acted["failed"].append(pk)
                    continue
                log.warning("submission %s: worker %s stopped heartbeating (last %s); re-queued", pk, sub.worker, last)
                # The deadline was the lost claim's: the next claim sets its own (a job that waited in the
                # queue past the old one would otherwise be failed right after being claimed).
                sub.move_to(Status.QUEUED, worker="", heartbeat_at=None, queued_at=now, deadline_at=None)
                sub.save()
                transaction.on_commit(lambda sub=sub: send_job(sub), robust=True)
                acted["requeued"].append(pk)
            elif sub.status == Status.QUEUED and sub.created_at < waited_too_long:
                hours = settings.PODIUM_QUEUED_DEADLINE_S / 3600
                _fail(sub, f"no worker started this job within {hours:g} h of its upload (the {sub.kind} queue has no "
                           "running worker); this failure is the platform's and does not count against your limits")
                acted["failed"].append(pk)
            elif sub.status == Status.QUEUED and (sub.queued_at is None or sub.queued_at < resend):
                sub.queued_at = now
                sub.save(update_fields=["queued_at"])
                transaction.on_commit(lambda sub=sub: send_job(sub), robust=True)
                acted["resent"].append(pk)

    jobs = RescoreJob.objects.filter(
        Q(status=RescoreJob.State.RUNNING, heartbeat_at__lt=stale) | Q(status=RescoreJob.State.QUEUED, queued_at__lt=resend)
    ).values_list("pk", flat=True)
    for pk in list(jobs):
        with transaction.atomic():
            job = RescoreJob.objects.select_for_update().get(pk=pk)
            lost = job.status == RescoreJob.State.RUNNING and job.heartbeat_at and job.heartbeat_at < stale
            waiting = job.status == RescoreJob.State.QUEUED and job.queued_at and job.queued_at < resend
            if not (lost or waiting):
                continue
            if lost and job.attempts >= settings.PODIUM_MAX_ATTEMPTS:
                job.status, job.finished_at = RescoreJob.State.FAILED, now
                job.errors = [*job.errors, {"submission": None, "message": f"the re-score worker was lost {job.attempts} times"}]
                job.save()
                continue
            job.status, job.worker, job.queued_at = RescoreJob.State.QUEUED, "", now
            job.save()
            transaction.on_commit(lambda pk=pk: send_rescore(pk), robust=True)
            acted["rescores"].append(pk)
    if any(acted.values()):
        log.info("watchdog: %s", acted)
    return acted
