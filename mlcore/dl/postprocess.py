"""Segmentation postprocessing (numpy + scipy, no torch): array functions and keyed ops.

Masks are boolean or 0/1 arrays (X, Y[, Z]); connectivity is the full neighbourhood (26 in 3D, 8 in 2D),
the common convention for lesion counting. Sizes are in voxels.
"""

from __future__ import annotations

import numpy as np

from mlcore.data.ops import ArrayOp


def _ndimage():
    from scipy import ndimage  # imported on use: importing the ops (config registry) needs no scipy

    return ndimage


def _structure(ndim: int):
    return np.ones((3,) * ndim, dtype=bool)


def threshold(prob, level: float = 0.5) -> np.ndarray:
    """uint8 mask of prob >= level (probabilities in [0, 1])."""
    return (np.asarray(prob) >= level).astype(np.uint8)


def fill_holes(mask) -> np.ndarray:
    """Fill background regions not connected to the array border (face connectivity for the background)."""
    return _ndimage().binary_fill_holes(np.asarray(mask, dtype=bool)).astype(np.uint8)


def remove_small_objects(mask, min_size: int = 10) -> np.ndarray:
    """Drop connected components smaller than ``min_size`` voxels."""
    labels, n = _ndimage().label(np.asarray(mask, dtype=bool), structure=_structure(np.ndim(mask)))
    if n == 0:
        return np.zeros(np.shape(mask), np.uint8)
    sizes = np.bincount(labels.ravel())
    keep = sizes >= min_size
    keep[0] = False
    return keep[labels].astype(np.uint8)


def keep_largest_component(mask) -> np.ndarray:
    """Keep only the largest connected component (the lowest label wins a tie); empty stays empty."""
    labels, n = _ndimage().label(np.asarray(mask, dtype=bool), structure=_structure(np.ndim(mask)))
    if n == 0:
        return np.zeros(np.shape(mask), np.uint8)
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    return (labels == int(np.argmax(sizes))).astype(np.uint8)


class Threshold(ArrayOp):
    """Keyed `threshold`: probabilities -> uint8 mask."""

    def __init__(self, key_in: str, level: float = 0.5, key_out: str | None = None):
        super().__init__(key_in, key_out)
        self.level = level

    def fn(self, array):
        return threshold(array, self.level)


class FillHoles(ArrayOp):
    """Keyed `fill_holes`."""

    def fn(self, array):
        return fill_holes(array)


class RemoveSmallObjects(ArrayOp):
    """Keyed `remove_small_objects` (min_size in voxels)."""

    def __init__(self, key_in: str, min_size: int = 10, key_out: str | None = None):
        super().__init__(key_in, key_out)
        self.min_size = min_size

    def fn(self, array):
        return remove_small_objects(array, self.min_size)


class KeepLargestComponent(ArrayOp):
    """Keyed `keep_largest_component`."""

    def fn(self, array):
        return keep_largest_component(array)


POSTPROCESS_OPS = {c.__name__: c for c in (Threshold, FillHoles, RemoveSmallObjects, KeepLargestComponent)}
