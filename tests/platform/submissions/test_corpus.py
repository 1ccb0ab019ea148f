"""The malformed-upload corpus (tests/platform/submissions/corpus, written by make_corpus.py): every file
gets its expected, specific problem; none creates a row, stores a file or reaches the broker."""

import json
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from submissions.models import Submission
from submissions.tasks import score_submission
from tests.platform.submissions.helpers import client_for, participant
from tests.platform.submissions.phases import CORPUS, PHASES

pytestmark = pytest.mark.django_db
EXPECTED = json.loads((CORPUS / "expected.json").read_text())


def row_counts() -> dict:
    """Rows of every table of the site (the database must be unchanged by a refused upload)."""
    from django.apps import apps

    return {m._meta.label: m.objects.count() for m in apps.get_models()}


def private_files() -> list[tuple[str, int]]:
    root = Path(settings.PRIVATE_ROOT)
    return sorted((str(p), p.stat().st_size) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_the_corpus_is_large_and_covers_every_task_type():
    assert len(EXPECTED) >= 30
    assert {e["phase"] for e in EXPECTED} == set(PHASES)
    assert all((CORPUS / e["file"]).is_file() for e in EXPECTED)


@pytest.mark.parametrize("entry", EXPECTED, ids=lambda e: e["file"])
def test_malformed_upload_gets_its_specific_problem(entry, settings, django_capture_on_commit_callbacks):
    phase = PHASES[entry["phase"]]()
    client = client_for(participant(phase.challenge))
    if "max_upload_bytes" in entry:
        settings.PODIUM_MAX_UPLOAD_BYTES = entry["max_upload_bytes"]
    content = (CORPUS / entry["file"]).read_bytes()
    files_before, rows_before = private_files(), row_counts()
    with mock.patch("submissions.tasks.score_submission.apply_async") as send, \
            django_capture_on_commit_callbacks(execute=True) as callbacks:
        resp = client.post(f"/api/phases/{phase.pk}/submissions/",
                           {"file": SimpleUploadedFile(Path(entry["file"]).name, content)}, format="multipart")
    assert resp.status_code == 400, resp.content[:500]
    problems = resp.json()["problems"]
    matching = [p for p in problems if p["code"] == entry["code"]]
    assert matching, f"expected {entry['code']}, got {problems}"
    assert any(entry["message"] in p["message"] for p in matching), f"{entry['message']!r} not in {matching}"
    if "case_ids" in entry:
        assert any(p["case_ids"] == entry["case_ids"] for p in matching)
    assert row_counts() == rows_before
    assert private_files() == files_before
    assert callbacks == [] and not send.called


@pytest.mark.parametrize("kind", sorted(PHASES))
def test_a_valid_upload_to_each_corpus_phase_is_accepted_and_scored(kind, django_capture_on_commit_callbacks):
    """The corpus phases themselves accept a correct file, so each refusal above is the file's fault.

    Expected scores by hand: binary AUC 6/9 (see test_scoring_task); multiclass predictions put 0.8 on
    the true class, so every one-vs-rest AUC is 1; regression predictions are the targets + 1, MAE 1;
    segmentation predictions are the references themselves, Dice 1."""
    phase = PHASES[kind]()
    valid = {
        "binary": (b"case_id,score\nc1,0.9\nc2,0.8\nc3,0.7\nc4,0.1\nc5,0.4\nc6,0.5\n", "p.csv", "auc", 6 / 9),
        "multiclass": (("case_id,A,B,C\n" + "".join(
            f"{c},{','.join('0.8' if k == y else '0.1' for k in 'ABC')}\n" for c, y in zip(
                ["c1", "c2", "c3", "c4", "c5", "c6"], "ABCABC", strict=True))).encode(), "p.csv", "auc_macro", 1.0),
        "regression": (b"case_id,value\nc1,11\nc2,13.5\nc3,10\nc4,15\nc5,12\nc6,14.5\n", "p.csv", "mae", 1.0),
        "segmentation": ((CORPUS / "segmentation" / "truth.zip").read_bytes(), "p.zip", "dice", 1.0),
    }[kind]
    client = client_for(participant(phase.challenge))
    with mock.patch("submissions.tasks.score_submission.apply_async") as send, \
            django_capture_on_commit_callbacks(execute=True):
        resp = client.post(f"/api/phases/{phase.pk}/submissions/", {"file": SimpleUploadedFile(valid[1], valid[0])}, format="multipart")
    assert resp.status_code == 201, resp.content[:800]
    assert send.call_count == 1
    assert score_submission.run(resp.json()["id"]) == "succeeded"
    sub = Submission.objects.get(pk=resp.json()["id"])
    assert sub.scores[valid[2]] == pytest.approx(valid[3], abs=1e-12)


def test_a_replaced_segmentation_reference_is_read_again(django_capture_on_commit_callbacks):
    """The per-process cache of reference geometry is keyed by the stored file's size and time too."""
    import os
    import time

    from submissions import evaluation

    phase = PHASES["segmentation"]()
    _, before = evaluation.read_truth(phase)
    assert before.geometries["c1"].shape == (8, 8, 4)
    smaller = (CORPUS / "segmentation" / "missing_case.zip").read_bytes()  # c1 and c2 only
    path = phase.ground_truth.path
    with open(path, "wb") as fh:
        fh.write(smaller)
    os.utime(path, (time.time() + 5, time.time() + 5))
    from mlcore.eval import InvalidInput

    with pytest.raises(InvalidInput, match="missing: c3"):
        evaluation.read_truth(phase)
