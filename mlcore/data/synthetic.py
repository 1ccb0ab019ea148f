"""Synthetic 3D segmentation data: random ellipsoids in noise, seeded (the segmentation demo's data).

Each volume holds 1 to ``max_objects`` ellipsoids (label 1) with semi-axes drawn uniformly in
``radius`` (fractions of the smallest dimension: 3.8 to 9 voxels at 32^3); image = foreground contrast (U(0.8, 1.2)) inside, 0 outside, a smooth linear bias
field, plus Gaussian noise of ``noise`` standard deviation. Same seed, same data, on any machine.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def make_volume(shape=(32, 32, 32), rng=None, max_objects: int = 2, radius=(0.12, 0.28), noise: float = 0.35):
    """One (image float32 (X, Y, Z), label uint8 (X, Y, Z)) pair."""
    rng = rng if rng is not None else np.random.default_rng(0)
    grid = np.stack(np.meshgrid(*[np.arange(n, dtype=np.float32) for n in shape], indexing="ij"), axis=-1)
    label = np.zeros(shape, dtype=bool)
    image = np.zeros(shape, dtype=np.float32)
    for _ in range(int(rng.integers(1, max_objects + 1))):
        axes = rng.uniform(*radius, size=3) * min(shape)
        centre = np.array([rng.uniform(a + 1, n - a - 1) for a, n in zip(axes, shape, strict=True)])
        rot, _ = np.linalg.qr(rng.normal(size=(3, 3)))
        local = (grid - centre) @ rot
        inside = ((local / axes) ** 2).sum(-1) <= 1.0
        label |= inside
        image[inside] = rng.uniform(0.8, 1.2)
    bias = (grid @ rng.uniform(-0.005, 0.005, size=3)).astype(np.float32)
    image = image + bias + rng.normal(0.0, noise, size=shape).astype(np.float32)
    return image.astype(np.float32), label.astype(np.uint8)


def write_dataset(root, n_cases: int = 40, shape=(32, 32, 32), seed: int = 0, spacing=(1.0, 1.0, 1.0), **kwargs) -> Path:
    """Write ``images/case_NNN.nii.gz``, ``labels/case_NNN.nii.gz`` and ``cases.csv`` under ``root``.

    cases.csv columns: case_id, subject, image, label (relative paths), n_voxels (foreground count).
    Returns the table's path. Existing files are overwritten; the output depends only on the arguments.
    """
    import csv

    from .readers import write_nifti

    root = Path(root)
    affine = np.diag([*map(float, spacing), 1.0])
    rows = []
    for i in range(n_cases):
        image, label = make_volume(tuple(shape), np.random.default_rng([seed, i]), **kwargs)
        case = f"case_{i:03d}"
        write_nifti(root / "images" / f"{case}.nii.gz", image, affine)
        write_nifti(root / "labels" / f"{case}.nii.gz", label, affine)
        rows.append({"case_id": case, "subject": f"sub-{i:03d}", "image": f"images/{case}.nii.gz",
                     "label": f"labels/{case}.nii.gz", "n_voxels": int(label.sum())})
    with open(root / "cases.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return root / "cases.csv"
