"""The segmentation demo bundle imports: hidden label maps as the ground truth, test images as public
inputs, half the cases public; export gives the folders back."""

import pytest

from challenges.bundle_export import export_bundle
from challenges.bundles import import_bundle
from challenges.demo import build_segmentation_bundle

pytestmark = pytest.mark.django_db


def test_segmentation_demo_bundle(tmp_path):
    challenge = import_bundle(build_segmentation_bundle(tmp_path / "b"))
    phase = challenge.phases.get()
    truth = phase.read_truth()
    assert phase.task_type == "segmentation" and len(truth.case_ids) == 12 and truth.labels == (1,)
    assert phase.cases.filter(subset="public").count() == 6
    assert truth.geometries["case_000"].shape == (32, 32, 32)
    folder = export_bundle(challenge, tmp_path / "exported")
    assert sorted(p.name for p in (folder / "hidden" / "labels").iterdir()) == [f"case_{i:03d}.nii.gz" for i in range(12)]
    assert len(list((folder / "public" / "test_images").iterdir())) == 12
