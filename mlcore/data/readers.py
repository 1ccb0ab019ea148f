"""Readers for tables and images, keeping geometry.

Images come back as ``(array, meta)``: ``array`` indexed (X, Y, Z) (nibabel's order; SimpleITK's
(Z, Y, X) arrays are transposed), and ``meta`` a JSON-able dict with ``spacing`` (mm per voxel along
X, Y, Z), ``affine`` (4 x 4, voxel index -> RAS+ world mm, the NIfTI convention), ``shape`` and ``source``.
SimpleITK's LPS geometry is converted to RAS by negating the first two world axes. nibabel and
SimpleITK are imported inside the functions that need them.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

_LPS_TO_RAS = np.diag([-1.0, -1.0, 1.0, 1.0])


def read_table(path, **kwargs):
    """A CSV (or TSV, by extension ``.tsv``) as a pandas DataFrame; ``n/a`` is read as missing (BIDS)."""
    import pandas as pd

    sep = "\t" if str(path).endswith(".tsv") else ","
    return pd.read_csv(path, sep=sep, na_values=["n/a"], **kwargs)


#: Identifier columns stay text: "007" is not 7.
ID_COLUMNS = ("case_id", "subject", "participant_id", "session_id")


def _parse_value(text: str | None):
    if text is None or text in ("", "n/a", "NA", "nan", "NaN"):  # None: a short row's missing cells
        return None
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def read_records(path) -> list[dict]:
    """A CSV (TSV by extension ``.tsv``) as a list of row dicts, without pandas: numbers parsed as int or
    float (identifier columns, `ID_COLUMNS`, stay text), empty, missing and ``n/a`` cells as None,
    anything else kept as text; extra cells beyond the header are dropped."""
    import csv

    with open(path, newline="", encoding="utf-8-sig") as fh:  # -sig: a byte-order mark is not part of a name
        rows = csv.DictReader(fh, delimiter="\t" if str(path).endswith(".tsv") else ",")
        return [{k: (v if k in ID_COLUMNS else _parse_value(v)) for k, v in row.items() if k is not None} for row in rows]


def _is_nifti(path: str) -> bool:
    return path.endswith((".nii", ".nii.gz"))


def read_image(path) -> tuple[np.ndarray, dict]:
    """Read NIfTI (nibabel), MHA/MHD/NRRD (SimpleITK) or a DICOM series folder (SimpleITK)."""
    path = str(path)
    if os.path.isdir(path):
        return read_dicom_series(path)
    if _is_nifti(path):
        import nibabel as nib

        img = nib.load(path)
        array = np.asanyarray(img.dataobj)
        spacing = [float(z) for z in img.header.get_zooms()[:3]]
        return array, {"spacing": spacing, "affine": img.affine.tolist(), "shape": list(array.shape), "source": path}
    import SimpleITK as sitk

    return _from_sitk(sitk.ReadImage(path), path)


def read_dicom_series(folder, series_id: str | None = None) -> tuple[np.ndarray, dict]:
    """Read one DICOM series from ``folder`` (the first series found unless ``series_id`` is given)."""
    import SimpleITK as sitk

    reader = sitk.ImageSeriesReader()
    ids = reader.GetGDCMSeriesIDs(str(folder))
    if not ids:
        raise FileNotFoundError(f"no DICOM series found in {folder}")
    if series_id is not None and series_id not in ids:
        raise KeyError(f"DICOM series {series_id!r} not in {folder}; found {', '.join(ids)}")
    reader.SetFileNames(reader.GetGDCMSeriesFileNames(str(folder), series_id or ids[0]))
    array, meta = _from_sitk(reader.Execute(), str(folder))
    meta["series_id"] = series_id or ids[0]
    return array, meta


def sitk_affine(image) -> np.ndarray:
    """4 x 4 voxel -> RAS affine of a SimpleITK image (its direction, spacing and origin are LPS)."""
    direction = np.array(image.GetDirection(), dtype=float).reshape(3, 3)
    lps = np.eye(4)
    lps[:3, :3] = direction * np.array(image.GetSpacing(), dtype=float)
    lps[:3, 3] = image.GetOrigin()
    return _LPS_TO_RAS @ lps


def _from_sitk(image, source: str) -> tuple[np.ndarray, dict]:
    import SimpleITK as sitk

    if image.GetDimension() != 3:
        raise ValueError(f"{source}: expected a 3D image, found {image.GetDimension()}D")
    array = sitk.GetArrayFromImage(image).transpose(2, 1, 0)
    return np.ascontiguousarray(array), {"spacing": [float(s) for s in image.GetSpacing()],
                                         "affine": sitk_affine(image).tolist(), "shape": list(array.shape), "source": source}


def write_nifti(path, array, affine=None) -> Path:
    """Write ``array`` (X, Y, Z) with ``affine`` (4 x 4 RAS, identity by default) as NIfTI (.nii or .nii.gz)."""
    import nibabel as nib

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nib.save(nib.Nifti1Image(np.asarray(array), np.eye(4) if affine is None else np.asarray(affine, dtype=float)), str(path))
    return path
