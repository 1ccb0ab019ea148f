"""Boundaries of binary masks: the voxels of a mask that touch the background through a face.

Definition (stated once, used by every surface metric): the boundary of a mask M is M minus its binary
erosion with face connectivity (a cross: 4 neighbours in 2D, 6 in 3D), where voxels outside the image
count as background. This is what ``M & ~scipy.ndimage.binary_erosion(M)`` gives with scipy's default
structuring element and ``border_value=0``; it is the convention of Metrics Reloaded and of MONAI's
``get_mask_edges`` without sub-voxel areas. Distances are measured between boundary voxel centres.
"""

from __future__ import annotations

import numpy as np


def bounding_box(mask: np.ndarray) -> tuple[slice, ...] | None:
    """Smallest box holding every True voxel.

    mask: bool array of any dimension. Returns one slice per axis, or None when the mask is empty.
    """
    box = []
    for axis in range(mask.ndim):
        others = tuple(a for a in range(mask.ndim) if a != axis)
        hit = np.flatnonzero(mask.any(axis=others)) if others else np.flatnonzero(mask)
        if hit.size == 0:
            return None
        box.append(slice(int(hit[0]), int(hit[-1]) + 1))
    return tuple(box)


def union_box(a: tuple[slice, ...] | None, b: tuple[slice, ...] | None) -> tuple[slice, ...] | None:
    """Smallest box holding two boxes (either may be None for an empty mask)."""
    if a is None:
        return b
    if b is None:
        return a
    return tuple(slice(min(x.start, y.start), max(x.stop, y.stop)) for x, y in zip(a, b, strict=True))


def _interior(mask: np.ndarray) -> np.ndarray:
    """Voxels whose 2*ndim face neighbours all lie inside the mask (the face-connected erosion)."""
    inner = mask.copy()
    for axis in range(mask.ndim):
        lo = [slice(None)] * mask.ndim
        hi = [slice(None)] * mask.ndim
        lo[axis], hi[axis] = slice(None, -1), slice(1, None)
        inner[tuple(hi)] &= mask[tuple(lo)]  # neighbour at index - 1
        inner[tuple(lo)] &= mask[tuple(hi)]  # neighbour at index + 1
        first = [slice(None)] * mask.ndim
        last = [slice(None)] * mask.ndim
        first[axis], last[axis] = 0, -1
        inner[tuple(first)] = False  # outside the image is background
        inner[tuple(last)] = False
    return inner


def boundary(mask: np.ndarray) -> np.ndarray:
    """Boundary voxels of a mask: mask minus its face-connected erosion (image border = background).

    mask: bool array, any dimension (2D, 3D). Returns a bool array of the same shape.
    """
    mask = np.asarray(mask, dtype=bool)
    return mask & ~_interior(mask)


def boundary_face_areas(mask: np.ndarray, spacing) -> np.ndarray:
    """Area (mm², or mm of edge length in 2D) of the faces each voxel exposes to the background.

    A face between a mask voxel and a background voxel (or the image border) normal to axis k has area
    prod(spacing) / spacing[k]. mask: bool array; spacing: mm per axis. Returns float64 array of the
    mask's shape, zero off the boundary. Used for the optional area weighting of surface metrics.
    """
    mask = np.asarray(mask, dtype=bool)
    spacing = np.asarray(spacing, dtype=float)
    areas = np.zeros(mask.shape, dtype=float)
    for axis in range(mask.ndim):
        face = float(np.prod(spacing) / spacing[axis])
        lo = [slice(None)] * mask.ndim
        hi = [slice(None)] * mask.ndim
        lo[axis], hi[axis] = slice(None, -1), slice(1, None)
        exposed = np.zeros(mask.shape, dtype=np.int8)
        exposed[tuple(hi)] += ~mask[tuple(lo)]
        exposed[tuple(lo)] += ~mask[tuple(hi)]
        first = [slice(None)] * mask.ndim
        last = [slice(None)] * mask.ndim
        first[axis], last[axis] = 0, -1
        exposed[tuple(first)] += 1
        exposed[tuple(last)] += 1
        areas += face * exposed
    areas[~mask] = 0.0
    return areas
