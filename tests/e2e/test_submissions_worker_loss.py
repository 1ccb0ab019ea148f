"""A worker process is SIGKILLed while it scores; another worker finishes the job within a couple of
minutes; the submission ends succeeded exactly once, with one score.

The scoring is slow for a legitimate reason: the phase has many cases (PODIUM_TEST_KILL_CASES, default
300,000), so reading, aligning and scoring the predictions takes seconds. Workers run with short
heartbeat settings (the same environment variables production reads), so the surviving worker's
watchdog notices the lost heartbeat in seconds, far sooner than Redis's visibility timeout (1 hour)
would redeliver the unacknowledged message.
"""

import os
import re
import signal
import time
from pathlib import Path

import numpy as np
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from sklearn.metrics import roc_auc_score

from challenges.models import Case
from submissions.models import Status, Submission
from tests.e2e.workers import start_worker, stop
from tests.platform.factories import PhaseFactory
from tests.platform.submissions.helpers import client_for, participant

pytestmark = pytest.mark.e2e
N_CASES = int(os.environ.get("PODIUM_TEST_KILL_CASES", 300_000))


def big_phase(n: int, rng):
    ids = [f"case{i:07d}" for i in range(n)]
    labels = rng.integers(0, 2, n)
    truth = "case_id,label\n" + "".join(f"{c},{y}\n" for c, y in zip(ids, labels, strict=True))
    phase = PhaseFactory(ground_truth=ContentFile(truth.encode(), name="truth.csv"), limit_concurrent=0)
    phase.cases.all().delete()
    Case.objects.bulk_create((Case(phase=phase, case_id=c, order=i) for i, c in enumerate(ids)), batch_size=10_000)
    phase.__dict__.pop("case_ids", None)
    return phase, ids, labels


def wait_for(predicate, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{what} did not happen within {timeout:.0f} s")


def test_a_killed_worker_does_not_lose_the_submission(postgres, redis_broker, artifacts_dir, monkeypatch):
    monkeypatch.setenv("PODIUM_HEARTBEAT_INTERVAL_S", "0.5")
    monkeypatch.setenv("PODIUM_HEARTBEAT_STALE_S", "3")
    monkeypatch.setenv("PODIUM_WATCHDOG_INTERVAL_S", "1")
    rng = np.random.default_rng(7)
    phase, ids, labels = big_phase(N_CASES, rng)
    scores = rng.random(N_CASES).round(6)
    body = "case_id,score\n" + "".join(f"{c},{s}\n" for c, s in zip(ids, scores, strict=True))
    client = client_for(participant(phase.challenge))

    first = start_worker(f"{artifacts_dir}/worker-1.log", name="w1")
    second = None
    try:
        resp = client.post(f"/api/phases/{phase.pk}/submissions/", {"file": SimpleUploadedFile("p.csv", body.encode())}, format="multipart")
        assert resp.status_code == 201, resp.content[:500]
        pk = resp.json()["id"]

        def held_by_w1():
            sub = Submission.objects.get(pk=pk)
            assert sub.status != Status.SUCCEEDED, "w1 finished before it could be killed: raise PODIUM_TEST_KILL_CASES"
            return sub.status in (Status.RUNNING, Status.SCORING) and "w1@" in sub.worker

        wait_for(held_by_w1, 60, "w1 claiming the job")
        time.sleep(0.5)  # inside the scoring itself, past the claim
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        killed_at = time.monotonic()
        sub = Submission.objects.get(pk=pk)
        assert sub.status in (Status.RUNNING, Status.SCORING) and "w1@" in sub.worker, sub.status

        second = start_worker(f"{artifacts_dir}/worker-2.log", name="w2")
        done = wait_for(lambda: Submission.objects.filter(pk=pk, status__in=[Status.SUCCEEDED, Status.FAILED]).first(),
                        120, "another worker finishing the job", interval=0.2)
        took = time.monotonic() - killed_at
        time.sleep(3)  # a few more watchdog passes: nothing may change any more
        after = Submission.objects.get(pk=pk)
    finally:
        if first.poll() is None:
            first.kill()
        if second is not None:
            stop(second)

    assert done.status == Status.SUCCEEDED, done.error_message
    assert "w2@" in done.worker and done.attempts == 2
    expected = roc_auc_score(labels, scores)  # an independent implementation
    assert done.scores == {"auc": pytest.approx(expected, abs=1e-12)}
    assert (after.status, after.scores, after.finished_at, after.attempts) == (done.status, done.scores, done.finished_at, 2)
    logs = Path(f"{artifacts_dir}/worker-1.log").read_text() + Path(f"{artifacts_dir}/worker-2.log").read_text()
    assert len(re.findall(rf"submission {pk} scored", logs)) == 1  # scored exactly once
    assert f"submission {pk}: worker" in Path(f"{artifacts_dir}/worker-2.log").read_text()  # re-queued by w2's watchdog
    print(f"{N_CASES} cases: finished by w2 {took:.1f} s after w1 was killed")
