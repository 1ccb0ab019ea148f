"""The thin path for real: a challenge from a YAML bundle (management command), a participant's upload
over HTTP, scoring by a separate Celery worker process on Redis and PostgreSQL, the leaderboard JSON."""

import time

import pandas as pd
import pytest
import requests
from django.core.management import call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token
from sklearn.metrics import roc_auc_score

from challenges.demo import build_bundle, write_entries
from challenges.models import Phase, Registration
from submissions.models import Submission
from tests.e2e.workers import start_worker, stop

pytestmark = pytest.mark.e2e


def wait_for_status(session, url, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = session.get(url, timeout=10).json()
        if body["status"] in ("succeeded", "failed", "cancelled"):
            return body
        time.sleep(0.3)
    raise AssertionError(f"still {body['status']} after {timeout} s")


def test_upload_scored_by_worker_appears_on_leaderboard(postgres, redis_broker, live_server, tmp_path, artifacts_dir, django_user_model):
    bundle = build_bundle(tmp_path / "bundle")
    call_command("import_challenge", str(bundle))
    phase = Phase.objects.get(challenge__slug="breast-cancer")
    entries = write_entries(bundle, tmp_path / "entries")
    user = django_user_model.objects.create_user("alice")
    Registration.objects.create(challenge=phase.challenge, user=user, status=Registration.Status.APPROVED,
                                accepted_terms_at=timezone.now())
    session = requests.Session()
    session.headers["Authorization"] = f"Token {Token.objects.create(user=user).key}"
    upload_url = f"{live_server.url}/api/phases/{phase.pk}/submissions/"

    worker = start_worker(f"{artifacts_dir}/worker.log")
    try:
        # A bad file is refused at upload: no row, no message on the broker.
        rows = pd.read_csv(entries["alice"])
        bad = pd.concat([rows.iloc[1:], rows.iloc[[2]]]).to_csv(index=False)
        resp = session.post(upload_url, files={"file": ("bad.csv", bad)})
        assert resp.status_code == 400
        messages = " ".join(p["message"] for p in resp.json()["problems"])
        assert rows.case_id[0] in messages and rows.case_id[2] in messages
        assert Submission.objects.count() == 0 and redis_broker.llen("scoring") == 0

        with open(entries["alice"], "rb") as fh:
            resp = session.post(upload_url, files={"file": fh}, data={"method_description": "logistic regression"})
        assert resp.status_code == 201, resp.text
        result = wait_for_status(session, f"{live_server.url}/api/submissions/{resp.json()['id']}/")
    finally:
        stop(worker)

    assert result["status"] == "succeeded", result
    truth = pd.read_csv(bundle / "hidden" / "truth.csv").merge(rows, on="case_id")
    public = set(phase.cases.filter(subset="public").values_list("case_id", flat=True))
    truth = truth[truth.case_id.isin(public)]  # a participant sees the public cases' scores while the phase runs
    expected = roc_auc_score(truth["label"], truth["score"])  # independent implementation
    assert result["scores"]["auc"] == pytest.approx(expected, abs=1e-12)
    sub = Submission.objects.get()
    assert "w1@" in sub.worker and sub.attempts == 1

    # the worker also recomputed the leaderboard (a coalesced task on the same queue)
    deadline = time.monotonic() + 60
    while (board := requests.get(f"{live_server.url}/api/phases/{phase.pk}/leaderboard/", timeout=10).json()).get("status") == "pending":
        assert time.monotonic() < deadline, "the leaderboard was not computed"
        time.sleep(0.5)
    [row] = board["rows"]
    assert row["participant"] == "alice" and row["rank"] == 1
    assert row["metrics"]["auc"]["ci_low"] <= row["metrics"]["auc"]["estimate"] <= row["metrics"]["auc"]["ci_high"]
