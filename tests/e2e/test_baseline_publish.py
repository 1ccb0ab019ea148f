"""Both demo baselines, end to end: trained from their configs, verified, published with
`podium baseline publish` over HTTP to the demo phases, scored by a real worker, and listed on the
leaderboards as baselines. The segmentation baseline's Dice is recomputed here with numpy."""

import gzip
import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nibabel as nib
import numpy as np
import pytest
from rest_framework.authtoken.models import Token

from challenges.bundles import import_bundle
from challenges.demo import build_bundle, build_segmentation_bundle
from leaderboard.models import Snapshot
from submissions.models import Submission
from tests.e2e.workers import start_worker, stop

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def podium(*args, timeout=600):
    out = subprocess.run([sys.executable, "-m", "mlcore.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, f"podium {' '.join(args)} failed:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}"
    return out.stdout


def wait_scored(phase, timeout=180) -> Submission:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sub = Submission.objects.filter(phase=phase, is_baseline=True).first()
        if sub and sub.status in ("succeeded", "failed"):
            assert sub.status == "succeeded", sub.error_message
            return sub
        time.sleep(0.5)
    raise AssertionError("the baseline was not scored in time")


def numpy_dice(prediction_zip: Path, labels_dir: Path, case_ids) -> float:
    values = []
    with zipfile.ZipFile(prediction_zip) as zf:
        for case in case_ids:
            pred = np.asarray(nib.Nifti1Image.from_bytes(gzip.decompress(zf.read(f"{case}.nii.gz"))).dataobj) == 1
            ref = np.asarray(nib.load(labels_dir / f"{case}.nii.gz").dataobj) == 1
            total = pred.sum() + ref.sum()
            values.append(1.0 if total == 0 else 2 * (pred & ref).sum() / total)
    return float(np.mean(values))


def test_demo_baselines_train_verify_and_publish(postgres, redis_broker, live_server, tmp_path, artifacts_dir, django_user_model):
    organizer = django_user_model.objects.create_user("organizer", is_staff=True)
    token = Token.objects.create(user=organizer).key
    tab_bundle, seg_bundle = build_bundle(tmp_path / "bc"), build_segmentation_bundle(tmp_path / "spheres")
    tab_phase = import_bundle(tab_bundle, owner=organizer).phases.get()
    seg_phase = import_bundle(seg_bundle, owner=organizer).phases.get()
    worker = start_worker(f"{artifacts_dir}/worker.log")
    try:
        run = tmp_path / "runs"
        podium("baseline", "train", "configs/baselines/breast_cancer_mlp.yaml", "--out", str(run / "bc"), "--quiet",
               "--set", "data.source=csv", "--set", f"data.path={tab_bundle / 'public' / 'train.csv'}",
               "--set", f"predict.inputs={tab_bundle / 'public' / 'test_inputs.csv'}")
        assert "verify: OK" in podium("baseline", "verify", str(run / "bc" / "bundle"))
        podium("baseline", "publish", str(run / "bc" / "bundle"), "--phase", str(tab_phase.pk), "--url", live_server.url, "--token", token)

        podium("baseline", "train", "configs/baselines/synthetic_spheres_unet.yaml", "--out", str(run / "seg"), "--quiet")
        assert "verify: OK" in podium("baseline", "verify", str(run / "seg" / "bundle"))
        predictions = run / "seg-predictions.zip"
        podium("baseline", "predict", str(run / "seg" / "bundle"), str(seg_bundle / "public" / "test_images"), str(predictions))
        podium("baseline", "publish", str(run / "seg" / "bundle"), "--phase", str(seg_phase.pk), "--predictions", str(predictions),
               "--url", live_server.url, "--token", token)
        tab, seg = wait_scored(tab_phase), wait_scored(seg_phase)
    finally:
        stop(worker)
    assert tab.is_baseline and tab.scores["auc"] > 0.95
    expected = numpy_dice(predictions, seg_bundle / "hidden" / "labels", seg_phase.case_ids)
    assert seg.is_baseline and seg.scores["dice"] == pytest.approx(expected, abs=1e-9) and expected >= 0.8
    deadline = time.monotonic() + 60
    while Snapshot.objects.filter(phase__in=[tab_phase, seg_phase], subset="public").count() < 2:
        assert time.monotonic() < deadline, "leaderboards not computed"
        time.sleep(0.5)
    for phase in (tab_phase, seg_phase):
        rows = json.loads(Snapshot.objects.get(phase=phase, subset="public").document)["rows"]
        assert [(r["is_baseline"], r["rank"]) for r in rows] == [(True, None)]
