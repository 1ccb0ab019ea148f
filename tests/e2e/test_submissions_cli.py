"""`podium submit` against a live server and a real worker: a streamed upload with a progress bar,
live status with --wait and the score; a malformed file and the daily limit refused with the reasons."""

import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token
from sklearn.metrics import roc_auc_score

from submissions.models import Submission
from tests.e2e.workers import start_worker, stop
from tests.platform.factories import LABELS, PhaseFactory
from tests.platform.submissions.helpers import GOOD_CSV, participant

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def podium(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "mlcore.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def test_podium_submit_streams_waits_and_reports(postgres, redis_broker, live_server, tmp_path, artifacts_dir):
    phase = PhaseFactory(limit_per_day=2, limit_concurrent=0)
    user = participant(phase.challenge)
    token = Token.objects.create(user=user).key
    good = tmp_path / "predictions.csv"
    good.write_bytes(GOOD_CSV)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"case_id,score\nc1,0.9\nc2,0.1\n")
    common = ["submit", "--url", live_server.url, "--token", token, "--phase", str(phase.pk)]

    worker = start_worker(f"{artifacts_dir}/worker.log")
    try:
        done = podium(*common, "--method", "logistic regression", "--code-url", "https://example.org/code", "--wait", str(good))
        refused = podium(*common, str(bad))
        second = podium(*common, str(good))
        limited = podium(*common, str(good))
    finally:
        stop(worker)

    assert done.returncode == 0, done.stderr
    first = Submission.objects.order_by("pk").first()
    assert f"submission {first.pk}: queued" in done.stdout and "succeeded" in done.stdout
    auc = roc_auc_score(LABELS, [0.9, 0.8, 0.7, 0.1, 0.4, 0.5])
    assert f"scores: auc={auc:.4f}" in done.stdout
    assert f"uploading {good.name}" in done.stderr and "100%" in done.stderr  # the progress bar reached the end
    assert first.file.read() == GOOD_CSV and first.code_url == "https://example.org/code"
    assert first.method_description == "logistic regression"

    assert refused.returncode == 1
    assert "[missing_cases]" in refused.stderr and "missing: c3, c4, c5, c6" in refused.stderr
    assert second.returncode == 0
    assert limited.returncode == 1 and "daily limit" in limited.stderr and "you can submit again from" in limited.stderr
    assert Submission.objects.count() == 2
