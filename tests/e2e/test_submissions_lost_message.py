"""The broker is down when a submission commits: the upload still succeeds (the database is the
authority), and a worker started later finds the queued job through its watchdog and scores it."""

import time
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from kombu.exceptions import OperationalError

from submissions.models import Status, Submission
from tests.e2e.workers import start_worker, stop
from tests.platform.factories import PhaseFactory
from tests.platform.submissions.helpers import GOOD_CSV, client_for, participant

pytestmark = pytest.mark.e2e


def test_a_job_whose_message_was_lost_is_sent_again(postgres, redis_broker, artifacts_dir, monkeypatch):
    monkeypatch.setenv("PODIUM_QUEUED_RESEND_S", "2")
    monkeypatch.setenv("PODIUM_WATCHDOG_INTERVAL_S", "1")
    phase = PhaseFactory()
    client = client_for(participant(phase.challenge))
    with mock.patch("submissions.tasks.score_submission.apply_async", side_effect=OperationalError("broker down")):
        resp = client.post(f"/api/phases/{phase.pk}/submissions/", {"file": SimpleUploadedFile("p.csv", GOOD_CSV)}, format="multipart")
    assert resp.status_code == 201
    pk = resp.json()["id"]
    assert redis_broker.llen("scoring") == 0 and Submission.objects.get(pk=pk).status == Status.QUEUED

    worker = start_worker(f"{artifacts_dir}/worker.log")
    try:
        deadline = time.monotonic() + 60
        while Submission.objects.get(pk=pk).status != Status.SUCCEEDED and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        stop(worker)
    sub = Submission.objects.get(pk=pk)
    assert sub.status == Status.SUCCEEDED and sub.attempts == 1
    assert sub.scores["auc"] == pytest.approx(6 / 9, abs=1e-12)  # hand count in test_scoring_task
