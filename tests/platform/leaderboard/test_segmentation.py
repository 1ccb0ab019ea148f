"""A segmentation leaderboard from stored per-case values and counts: the entries' Dice equals a Dice
computed here with numpy from the label maps."""

import gzip
import io
import json
import zipfile

import nibabel as nib
import numpy as np
import pytest

from leaderboard.models import Snapshot
from leaderboard.refresh import recompute
from submissions.models import Status, Submission
from submissions.tasks import score_submission
from tests.platform.factories import UserFactory
from tests.platform.submissions.helpers import participant, stored
from tests.platform.submissions.phases import CORPUS, segmentation_phase

pytestmark = pytest.mark.django_db


def label_maps(zip_bytes) -> dict:
    out = {}
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as zf:
        for name in zf.namelist():
            img = nib.Nifti1Image.from_bytes(gzip.decompress(zf.read(name)))
            out[name.split(".")[0]] = (np.asarray(img.dataobj).astype(int), img)
    return out


def dice(a, b) -> float:
    both = a.sum() + b.sum()
    return 1.0 if both == 0 else 2.0 * (a & b).sum() / both


def test_segmentation_leaderboard_dice_from_stored_counts(tmp_path):
    truth_zip = (CORPUS / "segmentation" / "truth.zip").read_bytes()
    phase = segmentation_phase(bootstrap_resamples=200)
    maps = label_maps(truth_zip)
    worse = io.BytesIO()
    with zipfile.ZipFile(worse, "w") as zf:
        for case, (arr, img) in maps.items():
            pred = np.where(arr == 2, 0, arr) if case == "c2" else arr  # label 2 missed in c2
            image = nib.Nifti1Image(pred.astype(np.uint8), img.affine, img.header)
            zf.writestr(f"{case}.nii.gz", gzip.compress(image.to_bytes()))
    subs = {}
    for name, content in (("perfect", truth_zip), ("misses", worse.getvalue())):
        sub = stored(phase, participant(phase.challenge, user=UserFactory(username=name)), status=Status.QUEUED, content=content)
        assert score_submission.run(sub.pk) == "succeeded", Submission.objects.get(pk=sub.pk).error_message
        subs[name] = sub
    recompute(phase)
    rows = {r["participant"]: r for r in json.loads(Snapshot.objects.get(phase=phase, subset="public").document)["rows"]}
    assert rows["perfect"]["metrics"]["dice"]["estimate"] == 1.0 and rows["perfect"]["rank"] == 1
    # the numpy Dice of the flawed entry: per case, the mean over labels 1 and 2 present; then the case mean
    per_case = []
    for case, (arr, _) in sorted(maps.items()):
        pred = np.where(arr == 2, 0, arr) if case == "c2" else arr
        labels = [v for v in (1, 2) if (arr == v).any() or (pred == v).any()]
        per_case.append(np.mean([dice(arr == v, pred == v) for v in labels]))
    assert rows["misses"]["metrics"]["dice"]["estimate"] == pytest.approx(np.mean(per_case), abs=1e-12)
    assert rows["misses"]["metrics"]["dice"]["estimate"] < 1 and rows["misses"]["rank"] == 2
