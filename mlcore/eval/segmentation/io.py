"""Reading label maps: NIfTI (nibabel), MHA/NRRD (SimpleITK), NumPy .npy/.npz, in one axis order.

Axis order: arrays are returned in the order (x, y, z) of the image's index axes (i, j, k), which is
what nibabel gives. SimpleITK gives (z, y, x), so its arrays are transposed; a .nii reference and an
.mha prediction of the same image therefore compare voxel for voxel. Spacing (mm) is in the same axis
order. Orientation is kept as direction cosines in RAS+ world coordinates (ITK's LPS directions are
converted), so the same physical orientation compares equal whichever format wrote it.

A .npy/.npz file has no header: its spacing is the configured one (default 1 mm per axis) and it has
no orientation; a NumPy prediction is taken to share its reference's geometry (only shape is checked).
An .npz holds one array, or several with one named ``label``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

#: Accepted file suffixes, longest first so ``.nii.gz`` wins over ``.gz``.
SUFFIXES = (".nii.gz", ".nii", ".mha", ".nrrd", ".npy", ".npz")


def split_case_id(filename: str) -> tuple[str, str] | None:
    """(case id, suffix) of a label-map file name, or None when the suffix is not accepted."""
    base = os.path.basename(filename)
    for suffix in SUFFIXES:
        if base.lower().endswith(suffix) and len(base) > len(suffix):
            return base[: -len(suffix)], suffix
    return None


@dataclass(frozen=True)
class Geometry:
    """Where a label map's voxels are.

    shape: voxels per axis (x, y, z order). spacing: mm per axis, same order.
    direction: (ndim, ndim) direction cosines in RAS+ (column k = world direction of axis k), or None
    for headerless NumPy files.
    """

    shape: tuple[int, ...]
    spacing: tuple[float, ...]
    direction: tuple[tuple[float, ...], ...] | None = None

    def orientation(self) -> str:
        """Axis codes such as ``RAS`` or ``LPS`` (closest world axis of each array axis), or ``none``."""
        if self.direction is None:
            return "none"
        d = np.asarray(self.direction)
        codes = []
        for k in range(d.shape[1]):
            w = int(np.argmax(np.abs(d[:, k])))
            codes.append(("RL", "AP", "SI")[w][0 if d[w, k] > 0 else 1])
        return "".join(codes)

    def describe(self) -> str:
        spacing = ", ".join(f"{s:g}" for s in self.spacing)
        return f"shape {self.shape}, spacing ({spacing}) mm, orientation {self.orientation()}"

    def mismatch(self, other: Geometry, spacing_tol: float = 1e-3, direction_tol: float = 1e-3) -> str | None:
        """Why `other` does not share this geometry voxel for voxel (None when it does).

        Spacing is compared with a relative tolerance, direction cosines with an absolute one; a
        geometry without direction (NumPy) matches any shape-equal geometry on spacing and direction.
        """
        if self.shape != other.shape:
            return "shape"
        if self.direction is None or other.direction is None:
            return None
        if not np.allclose(self.spacing, other.spacing, rtol=spacing_tol, atol=0):
            return "spacing"
        if not np.allclose(self.direction, other.direction, rtol=0, atol=direction_tol):
            return "orientation"
        return None


@dataclass(frozen=True)
class LabelMap:
    """A label map: integer array (x, y, z order) and its geometry."""

    array: np.ndarray
    geometry: Geometry


def _plain(matrix: np.ndarray) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(float(x) for x in row) for row in np.asarray(matrix).round(6))


def _as_labels(array: np.ndarray, path) -> np.ndarray:
    array = np.asarray(array)
    while array.ndim > 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim not in (2, 3):
        raise ValueError(f"expected a 2D or 3D label map, found shape {array.shape}")
    if array.dtype == bool or np.issubdtype(array.dtype, np.integer):
        return array
    if not np.issubdtype(array.dtype, np.floating):
        raise ValueError(f"expected integer labels, found values of type {array.dtype}")
    rounded = np.rint(array)
    if not np.array_equal(rounded, array):
        bad = array[rounded != array][:3]
        raise ValueError(f"expected integer labels, found non-integer values such as {', '.join(f'{v:g}' for v in bad)}")
    return rounded.astype(np.int32)


def _read_nifti(path) -> LabelMap:
    import nibabel as nib

    img = nib.load(os.fspath(path))
    array = _as_labels(np.asanyarray(img.dataobj), path)
    ndim = array.ndim
    zooms = tuple(round(float(z), 6) for z in img.header.get_zooms()[:ndim])
    affine = np.asarray(img.affine, dtype=float)
    rot = affine[:3, :3] / np.where(np.linalg.norm(affine[:3, :3], axis=0) > 0, np.linalg.norm(affine[:3, :3], axis=0), 1.0)
    direction = rot[:ndim, :ndim] if ndim == 2 else rot
    return LabelMap(array, Geometry(array.shape, zooms, _plain(direction)))


def _read_itk(path) -> LabelMap:
    import SimpleITK as sitk

    img = sitk.ReadImage(os.fspath(path))
    if img.GetNumberOfComponentsPerPixel() != 1:
        raise ValueError(f"expected one label per voxel, found {img.GetNumberOfComponentsPerPixel()} components")
    ndim = img.GetDimension()
    array = sitk.GetArrayFromImage(img).transpose(tuple(range(ndim))[::-1])  # (z, y, x) -> (x, y, z)
    array = _as_labels(array, path)
    lps = np.asarray(img.GetDirection(), dtype=float).reshape(ndim, ndim)
    flip = np.diag([-1.0, -1.0, 1.0][:ndim])  # ITK world is LPS; RAS flips x and y
    direction = flip @ lps
    return LabelMap(array, Geometry(array.shape, tuple(float(s) for s in img.GetSpacing()), _plain(direction)))


def _read_numpy(path, spacing) -> LabelMap:
    if str(path).lower().endswith(".npz"):
        with np.load(os.fspath(path), allow_pickle=False) as z:
            keys = list(z.keys())
            if len(keys) == 1:
                array = z[keys[0]]
            elif "label" in keys:
                array = z["label"]
            else:
                raise ValueError(f"expected one array or one named 'label' in the .npz, found {', '.join(keys)}")
    else:
        array = np.load(os.fspath(path), allow_pickle=False)
    array = _as_labels(array, path)
    spacing = (1.0,) * array.ndim if spacing is None else tuple(float(s) for s in np.broadcast_to(spacing, (array.ndim,)))
    return LabelMap(array, Geometry(array.shape, spacing, None))


def read_label_map(path, spacing=None) -> LabelMap:
    """Read one label map file (.nii, .nii.gz, .mha, .nrrd, .npy, .npz).

    spacing: mm per axis for NumPy files (ignored for files with a header). Raises ValueError (or the
    reader's own error) with the reason when the file cannot be read as an integer label map.
    """
    parts = split_case_id(str(path))
    if parts is None:
        raise ValueError(f"unsupported file type {os.path.basename(str(path))!r}; expected one of {', '.join(SUFFIXES)}")
    suffix = parts[1]
    if suffix in (".nii", ".nii.gz"):
        return _read_nifti(path)
    if suffix in (".mha", ".nrrd"):
        return _read_itk(path)
    return _read_numpy(path, spacing)
