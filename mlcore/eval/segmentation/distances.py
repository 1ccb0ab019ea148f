"""Surface distances between two masks, and the metrics derived from them.

For every boundary voxel of the prediction, the Euclidean distance (mm, using the voxel spacing) from
its centre to the nearest boundary voxel centre of the reference, and vice versa (see `boundary` for
the boundary definition). Both directed sets come from one nearest-neighbour query per direction
(a KD-tree over the other mask's boundary voxel coordinates; voxels on both boundaries are at distance
0 and are not queried; when boundaries fill more than 1/8 of the box, as for noise-like masks, one
exact Euclidean distance transform of the other boundary's complement with ``sampling=spacing`` is
cheaper and gives the same distances), after cropping both masks to the bounding box of their union, which changes
no distance. Hausdorff, HD95, ASSD, MASD and NSD are then all read off the same two arrays.

Area weighting (optional): each boundary voxel is weighted by the area of the faces it exposes to the
background (`boundary_face_areas`), instead of counting 1. Means become weighted means, NSD a weighted
fraction, and a percentile the smallest distance whose cumulative weight reaches the percentile.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage
from scipy.spatial import cKDTree

from .boundary import boundary, boundary_face_areas, bounding_box, union_box

#: NSD counts a distance d as within tolerance t when d <= t * (1 + NSD_RELATIVE_SLACK); the slack only
#: absorbs floating-point rounding (0.1 * 3 > 0.3), it never admits a voxel a tolerance should exclude.
NSD_RELATIVE_SLACK = 1e-9


@dataclass(frozen=True)
class SurfaceDistances:
    """Directed boundary distances of one mask pair.

    pred_to_ref: (n_pred_boundary,) mm, each prediction boundary voxel to the nearest reference one.
    ref_to_pred: (n_ref_boundary,) mm, the other direction.
    pred_weights, ref_weights: per-voxel weights (1 each, or face areas in mm² when area-weighted).
    Either array is empty when its mask is empty; every metric is then NaN (undefined), and the
    empty-mask policy (`policy`) decides the value a case receives.
    """

    pred_to_ref: np.ndarray
    ref_to_pred: np.ndarray
    pred_weights: np.ndarray
    ref_weights: np.ndarray
    area_weighted: bool = False

    @property
    def defined(self) -> bool:
        return self.pred_to_ref.size > 0 and self.ref_to_pred.size > 0


def _nearest(query_points: np.ndarray, tree_points: np.ndarray) -> np.ndarray:
    if query_points.shape[0] == 0:
        return np.zeros(0)
    return cKDTree(tree_points, leafsize=32, balanced_tree=False, compact_nodes=False).query(query_points, k=1)[0]


#: Boundary voxels per box voxel above which the distance transform replaces the KD-tree ("auto").
DENSE_BOUNDARY_FRACTION = 1 / 8


def _directed(src_b: np.ndarray, dst_b: np.ndarray, spacing: np.ndarray, method: str) -> np.ndarray:
    """Distances (mm) from each voxel of boundary src_b to the nearest voxel of boundary dst_b.

    Returned in np.argwhere(src_b) order. method: "kdtree", "edt" or "auto" (see module doc).
    """
    if method == "auto":
        dense = np.count_nonzero(src_b) + np.count_nonzero(dst_b) > DENSE_BOUNDARY_FRACTION * src_b.size
        method = "edt" if dense else "kdtree"
    if method == "edt":
        return ndimage.distance_transform_edt(~dst_b, sampling=spacing)[src_b]
    if method != "kdtree":
        raise ValueError(f"unknown distance method {method!r}; expected 'auto', 'kdtree' or 'edt'")
    shared = dst_b[src_b]
    out = np.zeros(shared.shape[0])
    todo = np.argwhere(src_b & ~dst_b).astype(float) * spacing
    out[~shared] = _nearest(todo, np.argwhere(dst_b).astype(float) * spacing)
    return out


def surface_distances_cropped(reference: np.ndarray, prediction: np.ndarray, spacing,
                              area_weighted: bool = False, method: str = "auto") -> SurfaceDistances:
    """`surface_distances` on masks already cropped to a box holding their union (no cropping here)."""
    spacing = np.asarray(spacing, dtype=float)
    ref_b = boundary(reference)
    pred_b = boundary(prediction)
    if not ref_b.any() or not pred_b.any():
        empty = np.zeros(0)
        return SurfaceDistances(empty, empty, empty, empty)
    pred_to_ref = _directed(pred_b, ref_b, spacing, method)
    ref_to_pred = _directed(ref_b, pred_b, spacing, method)
    if area_weighted:
        pred_w = boundary_face_areas(prediction, spacing)[pred_b]
        ref_w = boundary_face_areas(reference, spacing)[ref_b]
    else:
        pred_w, ref_w = np.ones(pred_to_ref.size), np.ones(ref_to_pred.size)
    return SurfaceDistances(pred_to_ref, ref_to_pred, pred_w, ref_w, area_weighted)


def surface_distances(reference, prediction, spacing=None, area_weighted: bool = False,
                      method: str = "auto") -> SurfaceDistances:
    """Directed boundary-to-boundary distances between two masks.

    reference, prediction: bool arrays of one shape (2D or 3D; axes of length 1 are kept here, while
    `scoring.score_case` drops them). spacing: mm per axis (None: 1 mm). method: "auto", "kdtree" or
    "edt" (same values; see module doc). Returns `SurfaceDistances` (empty arrays when a mask is empty).
    """
    reference = np.asarray(reference, dtype=bool)
    prediction = np.asarray(prediction, dtype=bool)
    if reference.shape != prediction.shape:
        raise ValueError(f"reference shape {reference.shape} differs from prediction shape {prediction.shape}")
    spacing = np.ones(reference.ndim) if spacing is None else np.broadcast_to(np.asarray(spacing, float), (reference.ndim,))
    box = union_box(bounding_box(reference), bounding_box(prediction))
    if box is None:
        empty = np.zeros(0)
        return SurfaceDistances(empty, empty, empty, empty)
    return surface_distances_cropped(reference[box], prediction[box], spacing, area_weighted, method)


def _percentile(d: np.ndarray, w: np.ndarray, q: float, weighted: bool) -> float:
    if not weighted:
        return float(np.percentile(d, q))  # linear interpolation, as numpy and torch.quantile
    order = np.argsort(d)
    cum = np.cumsum(w[order]) / w.sum()
    i = min(int(np.searchsorted(cum, q / 100.0 - 1e-12)), d.size - 1)
    return float(d[order][i])


def hausdorff(sd: SurfaceDistances) -> float:
    """Hausdorff distance (mm): the largest distance from a boundary voxel to the other boundary."""
    if not sd.defined:
        return float("nan")
    return float(max(sd.pred_to_ref.max(), sd.ref_to_pred.max()))


def hausdorff_percentile(sd: SurfaceDistances, percentile: float = 95.0) -> float:
    """Percentile Hausdorff (HD95 for 95; mm): the larger of the two directed percentiles.

    Unweighted: numpy's linear-interpolation percentile of each directed set (MONAI and Metrics
    Reloaded convention). Area-weighted: the smallest distance whose cumulative area fraction reaches
    percentile / 100.
    """
    if not sd.defined:
        return float("nan")
    weighted = sd.area_weighted
    return max(_percentile(sd.pred_to_ref, sd.pred_weights, percentile, weighted),
               _percentile(sd.ref_to_pred, sd.ref_weights, percentile, weighted))


def assd(sd: SurfaceDistances) -> float:
    """Average symmetric surface distance (mm): the mean over both boundaries' voxels together."""
    if not sd.defined:
        return float("nan")
    if not sd.area_weighted:
        return float((sd.pred_to_ref.sum() + sd.ref_to_pred.sum()) / (sd.pred_to_ref.size + sd.ref_to_pred.size))
    total = np.dot(sd.pred_weights, sd.pred_to_ref) + np.dot(sd.ref_weights, sd.ref_to_pred)
    return float(total / (sd.pred_weights.sum() + sd.ref_weights.sum()))


def masd(sd: SurfaceDistances) -> float:
    """Mean average surface distance (mm): the mean of the two directed mean distances."""
    if not sd.defined:
        return float("nan")
    if not sd.area_weighted:
        return float((sd.pred_to_ref.mean() + sd.ref_to_pred.mean()) / 2.0)
    a = np.dot(sd.pred_weights, sd.pred_to_ref) / sd.pred_weights.sum()
    b = np.dot(sd.ref_weights, sd.ref_to_pred) / sd.ref_weights.sum()
    return float((a + b) / 2.0)


def nsd(sd: SurfaceDistances, tolerance_mm: float) -> float:
    """Normalised surface distance (surface Dice) at a tolerance (mm), in [0, 1].

    (boundary voxels of both masks within tolerance of the other boundary) / (all boundary voxels),
    with d <= tolerance counted as within.
    """
    if not sd.defined:
        return float("nan")
    limit = tolerance_mm * (1.0 + NSD_RELATIVE_SLACK)
    if not sd.area_weighted:
        good = np.count_nonzero(sd.pred_to_ref <= limit) + np.count_nonzero(sd.ref_to_pred <= limit)
        return float(good / (sd.pred_to_ref.size + sd.ref_to_pred.size))
    good = np.dot(sd.pred_weights, sd.pred_to_ref <= limit) + np.dot(sd.ref_weights, sd.ref_to_pred <= limit)
    return float(good / (sd.pred_weights.sum() + sd.ref_weights.sum()))
