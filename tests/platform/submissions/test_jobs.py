"""Job state in the database: claiming, heartbeats, the watchdog (lost workers, deadlines, lost
messages), a broker that is down at commit, re-score jobs with progress."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from kombu.exceptions import OperationalError

from submissions.models import FailureCause, RescoreJob, Status, Submission
from submissions.tasks import Heartbeat, claim_submission, rescore_phase, score_submission
from submissions.views import start_rescore
from submissions.watchdog import run_watchdog
from tests.platform.factories import PhaseFactory, UserFactory
from tests.platform.submissions.helpers import GOOD_CSV, client_for, participant, stored

pytestmark = pytest.mark.django_db


def running(phase, user, worker="w-dead", heartbeat_age=0.0, **fields):
    return stored(phase, user, status=Status.SCORING, worker=worker, attempts=1, started_at=timezone.now(),
                  heartbeat_at=timezone.now() - timedelta(seconds=heartbeat_age), **fields)


def test_watchdog_requeues_a_job_whose_worker_stopped_heartbeating(settings, django_capture_on_commit_callbacks):
    settings.PODIUM_HEARTBEAT_STALE_S = 30
    phase, user = PhaseFactory(), UserFactory()
    lost = running(phase, user, heartbeat_age=31)
    alive = running(phase, user, worker="w-alive", heartbeat_age=5)
    with mock.patch("submissions.tasks.score_submission.apply_async") as send, \
            django_capture_on_commit_callbacks(execute=True):
        acted = run_watchdog()
    assert acted["requeued"] == [lost.pk]
    send.assert_called_once_with((lost.pk,), queue="scoring", expires=settings.PODIUM_MESSAGE_EXPIRES_S)
    lost.refresh_from_db(), alive.refresh_from_db()
    assert (lost.status, lost.worker, lost.heartbeat_at) == (Status.QUEUED, "", None)
    assert alive.status == Status.SCORING and alive.worker == "w-alive"
    # the next worker claims it at once, although the dead worker's claim is less than the broker's visibility timeout old
    assert score_submission.run(lost.pk) == "succeeded"
    lost.refresh_from_db()
    assert lost.attempts == 2 and lost.scores["auc"] == pytest.approx(6 / 9, abs=1e-12)


def test_a_requeued_job_gets_a_fresh_deadline_when_claimed_again(settings, django_capture_on_commit_callbacks):
    settings.PODIUM_HEARTBEAT_STALE_S = 30
    old_deadline = timezone.now() + timedelta(seconds=60)
    lost = running(PhaseFactory(), UserFactory(), heartbeat_age=31, deadline_at=old_deadline)
    with mock.patch("submissions.tasks.score_submission.apply_async"), django_capture_on_commit_callbacks(execute=True):
        assert run_watchdog()["requeued"] == [lost.pk]
    lost.refresh_from_db()
    assert lost.status == Status.QUEUED and lost.deadline_at is None
    # it waits in the queue past the lost claim's deadline, then a worker claims it: a deadline of its own
    later = old_deadline + timedelta(seconds=10)
    with mock.patch("django.utils.timezone.now", return_value=later):
        claimed = claim_submission(lost.pk, "w-next")
    assert claimed.deadline_at == later + timedelta(seconds=settings.PODIUM_SCORING_DEADLINE_S)
    with django_capture_on_commit_callbacks(execute=True):
        acted = run_watchdog(now=later + timedelta(seconds=1))
    assert lost.pk not in acted["failed"]
    lost.refresh_from_db()
    assert lost.status == Status.RUNNING and lost.worker == "w-next"


def test_a_job_held_by_a_live_worker_is_not_claimed_twice():
    sub = running(PhaseFactory(), UserFactory(), worker="w-alive", heartbeat_age=1)
    assert claim_submission(sub.pk, "w-other") is None
    assert score_submission.run(sub.pk) == "skipped"
    sub.refresh_from_db()
    assert (sub.status, sub.worker, sub.attempts) == (Status.SCORING, "w-alive", 1)


def test_watchdog_fails_a_job_past_its_deadline_with_the_reason(django_capture_on_commit_callbacks):
    sub = running(PhaseFactory(), UserFactory(), worker="w-slow", heartbeat_age=1,
                  deadline_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert run_watchdog()["failed"] == [sub.pk]
    sub.refresh_from_db()
    assert (sub.status, sub.failure_cause) == (Status.FAILED, FailureCause.PLATFORM)
    assert "did not finish by its deadline" in sub.error_message and "w-slow" in sub.error_message
    assert not sub.counts_against_limits


def test_watchdog_fails_after_too_many_lost_workers(settings, django_capture_on_commit_callbacks):
    settings.PODIUM_MAX_ATTEMPTS = 2
    sub = running(PhaseFactory(), UserFactory(), heartbeat_age=3600)
    Submission.objects.filter(pk=sub.pk).update(attempts=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_watchdog()["failed"] == [sub.pk]
    sub.refresh_from_db()
    assert sub.status == Status.FAILED and sub.failure_cause == FailureCause.PLATFORM
    assert "started 2 times" in sub.error_message


def test_a_lost_message_is_sent_again(settings, django_capture_on_commit_callbacks):
    settings.PODIUM_QUEUED_RESEND_S = 60
    phase, user = PhaseFactory(), UserFactory()
    waiting = stored(phase, user, status=Status.QUEUED, queued_at=timezone.now() - timedelta(seconds=61))
    fresh = stored(phase, user, status=Status.QUEUED, queued_at=timezone.now())
    with mock.patch("submissions.tasks.score_submission.apply_async") as send, \
            django_capture_on_commit_callbacks(execute=True):
        assert run_watchdog()["resent"] == [waiting.pk]
    assert send.call_args.args == ((waiting.pk,),)
    waiting.refresh_from_db(), fresh.refresh_from_db()
    assert waiting.status == fresh.status == Status.QUEUED and timezone.now() - waiting.queued_at < timedelta(seconds=5)


def test_broker_down_at_commit_keeps_the_submission_queued(django_capture_on_commit_callbacks):
    phase = PhaseFactory()
    client = client_for(participant(phase.challenge))
    with mock.patch("submissions.tasks.score_submission.apply_async", side_effect=OperationalError("connection refused")), \
            django_capture_on_commit_callbacks(execute=True):
        resp = client.post(f"/api/phases/{phase.pk}/submissions/", {"file": SimpleUploadedFile("p.csv", GOOD_CSV)}, format="multipart")
    assert resp.status_code == 201
    sub = Submission.objects.get()
    assert sub.status == Status.QUEUED and sub.queued_at is not None  # the watchdog sends it once it is overdue


@pytest.mark.django_db(transaction=True)
def test_heartbeat_thread_stamps_the_row_and_notices_when_the_job_is_taken_away():
    sub = running(PhaseFactory(), UserFactory(), worker="w1", heartbeat_age=100)
    old = Submission.objects.get(pk=sub.pk).heartbeat_at
    with Heartbeat(Submission, sub.pk, "w1", (Status.SCORING,), interval=0.05) as beat:
        time.sleep(0.4)
        assert Submission.objects.get(pk=sub.pk).heartbeat_at > old
        Submission.objects.filter(pk=sub.pk).update(worker="w2")
        time.sleep(0.3)
        assert beat.lost


def test_rescore_job_rescores_every_scored_submission_with_progress(django_capture_on_commit_callbacks):
    phase = PhaseFactory(metrics=["auc"])
    organizer, user = UserFactory(), UserFactory()
    subs = [stored(phase, user) for _ in range(3)]
    for s in subs:
        assert score_submission.run(s.pk) == "skipped"  # already succeeded: nothing to do
    Submission.objects.filter(pk__in=[s.pk for s in subs]).update(scores={"auc": 0.0})
    stored(phase, user, status=Status.FAILED)  # not re-scored
    phase.metrics = ["auc", "accuracy@0.5"]
    phase.save()
    with mock.patch("submissions.tasks.rescore_phase.apply_async") as send, django_capture_on_commit_callbacks(execute=True):
        job = start_rescore(phase, organizer, "added accuracy")
    assert send.call_args.args == ((job.pk,),) and job.total == 3 and job.progress == 0
    assert rescore_phase.run(job.pk) == "succeeded"
    job.refresh_from_db()
    assert (job.status, job.done, job.failed, job.progress) == (RescoreJob.State.SUCCEEDED, 3, 0, 1.0)
    # c1..c6 scores 0.9 0.8 0.7 0.1 0.4 0.5, labels 1 0 1 0 1 0; positive when score >= 0.5:
    # predicted 1 1 1 0 0 1, correct for c1, c3, c4 -> 3/6
    for s in Submission.objects.filter(pk__in=[s.pk for s in subs]):
        assert s.scores["auc"] == pytest.approx(6 / 9, abs=1e-12) and s.scores["accuracy@0.5"] == pytest.approx(3 / 6)
    assert rescore_phase.run(job.pk) == "skipped"


def test_a_resumed_rescore_job_skips_what_it_already_did(django_capture_on_commit_callbacks):
    phase, user = PhaseFactory(), UserFactory()
    subs = [stored(phase, user, scores={"auc": 0.0}) for _ in range(2)]
    job = RescoreJob.objects.create(phase=phase, created_by=user, total=2, status=RescoreJob.State.RUNNING, worker="w-dead",
                                    heartbeat_at=timezone.now() - timedelta(hours=1))
    Submission.objects.filter(pk=subs[0].pk).update(scores={"auc": 0.5}, scores_updated_at=timezone.now())
    with mock.patch("submissions.tasks.rescore_phase.apply_async") as send, django_capture_on_commit_callbacks(execute=True):
        assert run_watchdog()["rescores"] == [job.pk]
    assert send.called
    rescore_phase.run(job.pk)
    job.refresh_from_db()
    assert (job.done, job.status) == (2, RescoreJob.State.SUCCEEDED)
    assert Submission.objects.get(pk=subs[0].pk).scores == {"auc": 0.5}  # done before the worker was lost: left alone
    assert Submission.objects.get(pk=subs[1].pk).scores["auc"] == pytest.approx(6 / 9)


def test_rescore_records_submissions_that_no_longer_fit_the_truth():
    phase, user = PhaseFactory(), UserFactory()
    ok = stored(phase, user)
    bad = stored(phase, user)
    bad.file.save("short.csv", ContentFile(b"case_id,score\nc1,0.5\n"))
    job = RescoreJob.objects.create(phase=phase, created_by=user, total=2)
    rescore_phase.run(job.pk)
    job.refresh_from_db()
    assert (job.done, job.failed) == (1, 1) and job.errors[0]["submission"] == bad.pk
    assert "missing: c2, c3, c4, c5, c6" in job.errors[0]["message"]
    assert Submission.objects.get(pk=ok.pk).scores_updated_at is not None


def test_beat_schedules_the_watchdog_task_that_workers_register(django_capture_on_commit_callbacks):
    from podium.celery import app
    from submissions.tasks import watchdog

    entry = app.conf.beat_schedule["submissions-watchdog"]
    assert app.tasks[entry["task"]].name == watchdog.name == "submissions.tasks.watchdog"
    sub = running(PhaseFactory(), UserFactory(), heartbeat_age=3600)
    with mock.patch("submissions.tasks.score_submission.apply_async"), django_capture_on_commit_callbacks(execute=True):
        assert watchdog.run()["requeued"] == [sub.pk]


def test_watchdog_management_command_runs_one_pass(django_capture_on_commit_callbacks):
    import json
    from io import StringIO

    from django.core.management import call_command

    sub = running(PhaseFactory(), UserFactory(), heartbeat_age=3600)
    out = StringIO()
    with mock.patch("submissions.tasks.score_submission.apply_async"), django_capture_on_commit_callbacks(execute=True):
        call_command("watchdog", stdout=out)
    assert json.loads(out.getvalue())["requeued"] == [sub.pk]


def test_rescoring_replaces_the_stored_predictions_file(django_capture_on_commit_callbacks):
    phase, user = PhaseFactory(), UserFactory()
    sub = stored(phase, user, status=Status.QUEUED)
    score_submission.run(sub.pk)
    sub.refresh_from_db()
    old = sub.predictions.name
    job = RescoreJob.objects.create(phase=phase, created_by=user, total=1)
    with django_capture_on_commit_callbacks(execute=True):
        rescore_phase.run(job.pk)
    sub.refresh_from_db()
    assert sub.predictions.name != old and sub.predictions.storage.exists(sub.predictions.name)
    assert not sub.predictions.storage.exists(old)


@pytest.mark.django_db(transaction=True)
def test_a_stale_file_that_cannot_be_deleted_does_not_stop_a_rescore_job():
    phase, user = PhaseFactory(), UserFactory()
    subs = [stored(phase, user, status=Status.QUEUED) for _ in range(2)]
    for s in subs:
        score_submission.run(s.pk)
    Submission.objects.update(scores={"auc": 0.0})
    job = RescoreJob.objects.create(phase=phase, created_by=user, total=2)
    storage = type(Submission.objects.get(pk=subs[0].pk).predictions.storage)
    with mock.patch.object(storage, "delete", side_effect=OSError("storage unavailable")) as delete:
        assert rescore_phase.run(job.pk) == "succeeded"
    assert delete.call_count >= 2  # tried after each submission's commit
    job.refresh_from_db()
    assert (job.status, job.done, job.failed) == (RescoreJob.State.SUCCEEDED, 2, 0)
    assert all(s.scores["auc"] == pytest.approx(6 / 9) for s in Submission.objects.all())


def test_the_watchdog_resends_a_container_job_to_the_task_registered_for_its_kind(settings, django_capture_on_commit_callbacks):
    from submissions import tasks

    settings.PODIUM_QUEUED_RESEND_S = 1
    sub = stored(PhaseFactory(), UserFactory(), status=Status.QUEUED, kind=Submission.Kind.CONTAINER,
                 queued_at=timezone.now() - timedelta(seconds=5))
    sent = []
    with mock.patch.dict(tasks.JOB_SENDERS, {Submission.Kind.CONTAINER: lambda s: sent.append(s.pk)}), \
            mock.patch("submissions.tasks.score_submission.apply_async") as scoring, \
            django_capture_on_commit_callbacks(execute=True):
        assert run_watchdog()["resent"] == [sub.pk]
    assert sent == [sub.pk] and not scoring.called


def test_a_job_no_worker_started_for_too_long_fails_as_the_platforms(settings, django_capture_on_commit_callbacks):
    settings.PODIUM_QUEUED_DEADLINE_S = 3600
    phase, user = PhaseFactory(), UserFactory()
    old = stored(phase, user, status=Status.QUEUED, queued_at=timezone.now())
    young = stored(phase, user, status=Status.QUEUED, queued_at=timezone.now())
    Submission.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=1, seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert run_watchdog()["failed"] == [old.pk]
    old.refresh_from_db(), young.refresh_from_db()
    assert old.status == Status.FAILED and "no worker started this job within 1 h" in old.error_message
    assert not old.counts_against_limits and young.status == Status.QUEUED
