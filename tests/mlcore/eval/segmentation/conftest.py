"""Writers for label-map files in the formats the readers accept."""

import nibabel as nib
import numpy as np
import pytest
import SimpleITK as sitk

SPACING = (0.8, 0.9, 2.5)


def _write_nifti(path, array, spacing=SPACING, flip_x=False):
    """array in (x, y, z) order; affine in RAS with the same world orientation as ITK's identity (LPS)."""
    affine = np.diag([-spacing[0], -spacing[1], spacing[2], 1.0])
    if flip_x:
        affine[0, 0] = spacing[0]
    nib.save(nib.Nifti1Image(np.asarray(array), affine), str(path))


def _write_itk(path, array, spacing=SPACING):
    """array in (x, y, z) order; SimpleITK expects (z, y, x)."""
    img = sitk.GetImageFromArray(np.ascontiguousarray(np.asarray(array).transpose(2, 1, 0)))
    img.SetSpacing(tuple(float(s) for s in spacing))
    sitk.WriteImage(img, str(path))


@pytest.fixture
def label_volume():
    rng = np.random.default_rng(11)
    vol = np.zeros((12, 10, 7), dtype=np.uint8)  # deliberately non-cubic: a transposition shows
    vol[2:7, 3:8, 1:5] = 1
    vol[8:11, 1:4, 2:6] = 2
    vol[rng.random(vol.shape) > 0.97] = 1
    return vol


@pytest.fixture
def write_nifti():
    return _write_nifti


@pytest.fixture
def write_itk():
    return _write_itk
