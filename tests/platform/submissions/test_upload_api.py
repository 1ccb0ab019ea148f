"""Upload validation over the API: bad files are refused with the offending case ids, nothing is stored
and nothing is queued; a valid file is stored and queued once the transaction commits."""

from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from submissions.models import Status, Submission
from tests.platform.factories import CASES, PhaseFactory
from tests.platform.submissions.helpers import client_for, participant

pytestmark = pytest.mark.django_db

GOOD = {c: s for c, s in zip(CASES, ["0.9", "0.8", "0.7", "0.1", "0.4", "0.5"], strict=True)}


def csv_of(rows) -> bytes:
    return ("case_id,score\n" + "".join(f"{c},{s}\n" for c, s in rows)).encode()


BAD_FILES = {
    "missing": (csv_of([(c, s) for c, s in GOOD.items() if c != "c6"]), "missing_cases", ["c6"]),
    "duplicate": (csv_of([*GOOD.items(), ("c1", "0.3")]), "duplicate_cases", ["c1"]),
    "non_numeric": (csv_of([(c, "high" if c == "c3" else s) for c, s in GOOD.items()]), "non_numeric", ["c3"]),
    "unknown": (csv_of([*GOOD.items(), ("c99", "0.2")]), "unknown_cases", ["c99"]),
}


@pytest.fixture
def client_and_phase():
    phase = PhaseFactory()
    return client_for(participant(phase.challenge)), phase


def stored_submission_files() -> list[Path]:
    root = Path(settings.PRIVATE_ROOT) / "submissions"
    return sorted(root.rglob("*")) if root.exists() else []


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_predictions_are_refused_naming_the_cases(kind, client_and_phase, django_capture_on_commit_callbacks):
    client, phase = client_and_phase
    content, code, ids = BAD_FILES[kind]
    files_before = stored_submission_files()
    with mock.patch("submissions.tasks.score_submission.apply_async") as send, \
            django_capture_on_commit_callbacks(execute=True) as callbacks:
        resp = client.post(f"/api/phases/{phase.pk}/submissions/", {"file": SimpleUploadedFile("p.csv", content)}, format="multipart")
    assert resp.status_code == 400
    problem = next(p for p in resp.json()["problems"] if p["code"] == code)
    assert problem["case_ids"] == ids
    assert all(i in problem["message"] for i in ids)
    assert Submission.objects.count() == 0
    assert stored_submission_files() == files_before
    assert callbacks == [] and not send.called


def test_all_problems_are_reported_at_once(client_and_phase):
    client, phase = client_and_phase
    content = csv_of([("c1", "0.9"), ("c1", "0.2"), ("c2", "x"), ("c99", "0.1")])
    resp = client.post(f"/api/phases/{phase.pk}/submissions/", {"file": SimpleUploadedFile("p.csv", content)}, format="multipart")
    codes = sorted(p["code"] for p in resp.json()["problems"])
    assert codes == ["duplicate_cases", "missing_cases", "non_numeric", "unknown_cases"]
    missing = next(p for p in resp.json()["problems"] if p["code"] == "missing_cases")
    assert missing["case_ids"] == ["c3", "c4", "c5", "c6"]


def test_valid_predictions_are_stored_and_queued_on_commit(client_and_phase, django_capture_on_commit_callbacks):
    client, phase = client_and_phase
    with mock.patch("submissions.tasks.score_submission.apply_async") as send, \
            django_capture_on_commit_callbacks(execute=True) as callbacks:
        resp = client.post(f"/api/phases/{phase.pk}/submissions/",
                           {"file": SimpleUploadedFile("p.csv", csv_of(GOOD.items())), "method_description": "m"}, format="multipart")
    assert resp.status_code == 201, resp.json()
    sub = Submission.objects.get()
    assert (resp.json()["id"], resp.json()["status"]) == (sub.pk, Status.QUEUED)
    assert len(callbacks) == 1
    send.assert_called_once_with((sub.pk,), queue="scoring", expires=settings.PODIUM_MESSAGE_EXPIRES_S)
    assert sub.file.read() == csv_of(GOOD.items())


def test_anonymous_upload_is_refused(client_and_phase):
    _, phase = client_and_phase
    resp = APIClient().post(f"/api/phases/{phase.pk}/submissions/", {"file": SimpleUploadedFile("p.csv", b"x")}, format="multipart")
    assert resp.status_code in (401, 403)
    assert Submission.objects.count() == 0
