"""Readers: one axis order and one orientation convention for NIfTI, MHA, NRRD and NumPy."""

import numpy as np
import pytest

from mlcore.eval.segmentation import score_case
from mlcore.eval.segmentation.io import read_label_map, split_case_id

SPACING = (0.8, 0.9, 2.5)  # the writers' default (conftest.py)


def test_same_array_as_nifti_and_mha_compares_voxel_for_voxel(tmp_path, label_volume, write_nifti, write_itk):
    write_nifti(tmp_path / "case.nii.gz", label_volume)
    write_itk(tmp_path / "case.mha", label_volume)
    write_itk(tmp_path / "case.nrrd", label_volume)
    nii = read_label_map(tmp_path / "case.nii.gz")
    for other in ("case.mha", "case.nrrd"):
        itk = read_label_map(tmp_path / other)
        assert itk.array.shape == (12, 10, 7)
        assert np.array_equal(nii.array, itk.array)
        assert itk.geometry.spacing == pytest.approx(SPACING)
        assert nii.geometry.mismatch(itk.geometry) is None
        assert itk.geometry.orientation() == nii.geometry.orientation() == "LPS"
        assert list(score_case(nii.array, itk.array, nii.geometry.spacing).values["dice"]) == [1.0, 1.0]


def test_orientation_and_spacing_mismatch_detected(tmp_path, label_volume, write_nifti, write_itk):
    write_nifti(tmp_path / "a.nii.gz", label_volume)
    write_nifti(tmp_path / "b.nii.gz", label_volume, flip_x=True)
    write_nifti(tmp_path / "c.nii", label_volume, spacing=(1.0, 0.9, 2.5))
    a = read_label_map(tmp_path / "a.nii.gz").geometry
    assert a.mismatch(read_label_map(tmp_path / "b.nii.gz").geometry) == "orientation"
    assert a.mismatch(read_label_map(tmp_path / "c.nii").geometry) == "spacing"
    assert "orientation RPS" in read_label_map(tmp_path / "b.nii.gz").geometry.describe()


def test_numpy_files_take_configured_spacing(tmp_path, label_volume, write_nifti, write_itk):
    np.save(tmp_path / "x.npy", label_volume)
    np.savez(tmp_path / "y.npz", label=label_volume, image=label_volume * 3)
    x = read_label_map(tmp_path / "x.npy", spacing=(1, 2, 3))
    y = read_label_map(tmp_path / "y.npz")
    assert np.array_equal(x.array, label_volume) and np.array_equal(y.array, label_volume)
    assert x.geometry.spacing == (1.0, 2.0, 3.0) and y.geometry.spacing == (1.0, 1.0, 1.0)
    assert x.geometry.direction is None


def test_float_labels_must_be_integral(tmp_path):
    np.save(tmp_path / "ok.npy", np.array([[0.0, 1.0], [2.0, 0.0]]))
    np.save(tmp_path / "bad.npy", np.array([[0.0, 0.5], [1.0, 0.0]]))
    assert read_label_map(tmp_path / "ok.npy").array.dtype.kind == "i"
    with pytest.raises(ValueError, match="non-integer values such as 0.5"):
        read_label_map(tmp_path / "bad.npy")


def test_case_id_from_file_name():
    assert split_case_id("dir/case_01.nii.gz") == ("case_01", ".nii.gz")
    assert split_case_id("case.v2.mha") == ("case.v2", ".mha")
    assert split_case_id("notes.txt") is None
