import nibabel as nib
import numpy as np
import pytest
import SimpleITK as sitk

from mlcore.data import read_dicom_series, read_image, read_table

SPACING = (0.7, 0.9, 2.5)
ORIGIN = (10.0, -20.0, 5.0)
# A 90-degree rotation in the x-y plane: axis 0 points along world y, axis 1 along -x.
DIRECTION = (0.0, -1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0)


def _volume():
    return np.random.default_rng(0).integers(0, 1000, size=(5, 6, 4)).astype(np.int16)  # (X, Y, Z)


def _sitk_image(array_xyz):
    img = sitk.GetImageFromArray(array_xyz.transpose(2, 1, 0))
    img.SetSpacing(SPACING)
    img.SetOrigin(ORIGIN)
    img.SetDirection(DIRECTION)
    return img


@pytest.mark.parametrize("suffix", [".mha", ".nrrd"])
def test_itk_formats_keep_values_spacing_and_orientation(tmp_path, suffix):
    vol = _volume()
    img = _sitk_image(vol)
    sitk.WriteImage(img, str(tmp_path / f"v{suffix}"))
    array, meta = read_image(tmp_path / f"v{suffix}")
    np.testing.assert_array_equal(array, vol)
    assert meta["spacing"] == pytest.approx(SPACING)
    affine = np.array(meta["affine"])
    # Independent check: SimpleITK's own index -> physical (LPS) mapping, flipped to RAS.
    for index in [(0, 0, 0), (4, 1, 3), (2, 5, 1)]:
        lps = np.array(img.TransformIndexToPhysicalPoint(index))
        ras = affine @ np.array([*index, 1.0])
        np.testing.assert_allclose(ras[:3], lps * [-1, -1, 1], atol=1e-9)
        assert array[index] == img.GetPixel(index)


def test_nifti_written_by_sitk_and_read_by_nibabel_agrees_with_the_mha_reading(tmp_path):
    vol = _volume()
    sitk.WriteImage(_sitk_image(vol), str(tmp_path / "v.nii.gz"))
    sitk.WriteImage(_sitk_image(vol), str(tmp_path / "v.mha"))
    a_nii, m_nii = read_image(tmp_path / "v.nii.gz")  # nibabel path
    a_mha, m_mha = read_image(tmp_path / "v.mha")  # SimpleITK path
    np.testing.assert_array_equal(a_nii, a_mha)
    np.testing.assert_allclose(m_nii["affine"], m_mha["affine"], atol=1e-5)
    assert m_nii["spacing"] == pytest.approx(SPACING)
    assert isinstance(nib.load(tmp_path / "v.nii.gz"), nib.Nifti1Image)


def _write_dicom_series(folder, vol_xyz, spacing, origin):
    """One file per z slice, with the tags SimpleITK's series reader needs to place slices."""
    folder.mkdir()
    writer = sitk.ImageFileWriter()
    writer.KeepOriginalImageUIDOn()
    series_uid = "1.2.826.0.1.3680043.2.1125.1.42"
    for k in range(vol_xyz.shape[2]):
        sl = sitk.GetImageFromArray(vol_xyz[:, :, k].T.copy())
        sl.SetSpacing(spacing[:2])  # the writer takes pixel spacing from the image, not from tag 0028|0030
        position = (origin[0], origin[1], origin[2] + k * spacing[2])
        for tag, value in {
            "0008|0060": "MR", "0020|000d": "1.2.826.0.1.3680043.2.1125.1.41", "0020|000e": series_uid,
            "0020|0013": str(k + 1), "0020|0032": "\\".join(map(str, position)),
            "0020|0037": "1\\0\\0\\0\\1\\0", "0018|0050": str(spacing[2]), "0008|0018": f"{series_uid}.{k + 1}",
        }.items():
            sl.SetMetaData(tag, value)
        writer.SetFileName(str(folder / f"slice{k:03d}.dcm"))
        writer.Execute(sl)
    return series_uid


def test_dicom_series_keeps_slice_order_and_spacing(tmp_path):
    vol = _volume()
    uid = _write_dicom_series(tmp_path / "dcm", vol, (0.7, 0.9, 2.5), (10.0, -20.0, 5.0))
    array, meta = read_dicom_series(tmp_path / "dcm")
    np.testing.assert_array_equal(array, vol)
    assert meta["series_id"] == uid
    assert meta["spacing"] == pytest.approx([0.7, 0.9, 2.5])
    # Voxel (i, j, k) of an axial series at LPS origin (10, -20, 5): RAS (-(10 + 0.7 i), 20 - 0.9 j, 5 + 2.5 k).
    ras = np.array(meta["affine"]) @ [2, 3, 1, 1]
    np.testing.assert_allclose(ras[:3], [-(10 + 1.4), 20 - 2.7, 7.5], atol=1e-6)
    # A folder passed to read_image is read as a DICOM series too.
    np.testing.assert_array_equal(read_image(tmp_path / "dcm")[0], vol)


def test_read_table_csv_and_tsv_with_bids_missing_values(tmp_path):
    (tmp_path / "a.tsv").write_text("participant_id\tage\nsub-01\t34\nsub-02\tn/a\n", encoding="utf-8")
    t = read_table(tmp_path / "a.tsv")
    assert list(t["participant_id"]) == ["sub-01", "sub-02"] and t["age"].iloc[0] == 34 and np.isnan(t["age"].iloc[1])
    (tmp_path / "b.csv").write_text("case_id,x\nc1,1.5\n", encoding="utf-8")
    assert read_table(tmp_path / "b.csv")["x"].iloc[0] == 1.5


def test_load_image_refuses_values_outside_the_requested_integer_type(tmp_path):
    from mlcore.data import LoadImage, write_nifti

    write_nifti(tmp_path / "l.nii.gz", np.array([[[0, 300]]], dtype=np.int16))
    with pytest.raises(ValueError, match="values 0..300 do not fit uint8"):
        LoadImage("p", dtype="uint8")({"p": str(tmp_path / "l.nii.gz")})
    out = LoadImage("p", key_out="img", dtype="int16")({"p": str(tmp_path / "l.nii.gz")})
    assert out["img"].tolist() == [[[0, 300]]] and out["img_meta"]["shape"] == [1, 1, 2]
