"""Per-case scoring of a reference label map against a predicted one: every metric, per label.

`score_case` is the one function that turns a (reference, prediction) pair into per-label metric values
and per-label counts; `SegmentationTask`, `evaluate_folders` and the benchmark all call it.

Per label l (the phase's labels, or by default every non-zero value found in either map, so a label
present only in the prediction is scored too), both maps are reduced to the masks ``map == l`` and
cropped to the bounding box of their union (cropping changes no value). Axes of length 1 are dropped
first (a single slice is a 2D image), so a 2D image stored as (x, y, 1) has 2D boundaries.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from itertools import zip_longest

import numpy as np
from scipy import ndimage

from . import distances as dist
from . import lesions as les
from .boundary import union_box
from .overlap import dice_from_counts, iou_from_counts, relative_volume_difference, volume_difference
from .policy import EmptyPolicy, empty_state

OVERLAP_METRICS = ("dice", "iou", "volume_difference", "relative_volume_difference")
SURFACE_METRICS = ("hausdorff", "hd95", "assd", "masd", "nsd")
LESION_METRICS = ("lesion_precision", "lesion_recall", "lesion_f1", "lesion_dice", "lesion_count_error")
ALL_METRICS = OVERLAP_METRICS + SURFACE_METRICS + LESION_METRICS

#: Per-label counts stored with every scored case (the platform keeps them as arrays):
#: voxel TP/FP/FN, volumes in mm³, lesion TP/FN/FP and the number of predicted lesions.
COUNT_NAMES = ("tp", "fp", "fn", "reference_volume_mm3", "prediction_volume_mm3",
               "lesion_tp", "lesion_fn", "lesion_fp", "predicted_lesions")

#: Direction of each metric for ranking (True: higher is better).
HIGHER_IS_BETTER = {"dice": True, "iou": True, "nsd": True, "lesion_precision": True, "lesion_recall": True,
                    "lesion_f1": True, "lesion_dice": True, "hausdorff": False, "hd95": False, "assd": False,
                    "masd": False, "volume_difference": False, "relative_volume_difference": False,
                    "lesion_count_error": False}


@dataclass(frozen=True)
class ScoringOptions:
    """How a pair is scored.

    tolerance_mm: NSD tolerance in mm (default 1.0; set it per task, e.g. to the inter-rater variation).
    hd_percentile: percentile of the ``hd95`` metric (default 95).
    area_weighted: weight boundary voxels by their exposed face area (default False: count voxels).
    connectivity: lesion connectivity, 1 (face) .. ndim (full, the default, None).
    min_overlap_voxels, min_overlap_fraction: lesion overlap rule (default: any overlap).
    policy: the empty-mask policy (default Metrics Reloaded, see `policy`).
    """

    tolerance_mm: float = 1.0
    hd_percentile: float = 95.0
    area_weighted: bool = False
    connectivity: int | None = None
    min_overlap_voxels: int = 1
    min_overlap_fraction: float = 0.0
    policy: EmptyPolicy = field(default_factory=EmptyPolicy)


@dataclass(frozen=True)
class CaseScores:
    """Scores of one case.

    labels: (L,) scored label values. values: {metric: (L,) float}. counts: {count name: (L,) float}
    (lesion counts are NaN when lesions were not counted). state: (L,) empty state per label.
    """

    labels: tuple[int, ...]
    values: dict[str, np.ndarray]
    counts: dict[str, np.ndarray]
    state: tuple[str, ...]


def check_metrics(metrics) -> tuple[str, ...]:
    """Validate metric names; None means all of `ALL_METRICS`."""
    if metrics is None:
        return ALL_METRICS
    metrics = (metrics,) if isinstance(metrics, str) else tuple(metrics)
    for m in metrics:
        if m not in ALL_METRICS:
            close = difflib.get_close_matches(m, ALL_METRICS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise KeyError(f"unknown segmentation metric {m!r}{hint} expected one of {', '.join(ALL_METRICS)}")
    return metrics


def labels_present(label_map: np.ndarray) -> set[int]:
    """Non-zero label values of an integer or bool map (bincount for small non-negative ints)."""
    a = np.asarray(label_map)
    if a.dtype == bool:
        return {1} if a.any() else set()
    if a.size and a.min() >= 0 and a.max() < 65536:
        return {int(v) for v in np.flatnonzero(np.bincount(a.ravel().astype(np.intp, copy=False))) if v}
    return {int(v) for v in np.unique(a) if v}


def _squeeze(reference, prediction, spacing):
    keep = [i for i, n in enumerate(reference.shape) if n > 1] if reference.ndim > 2 else list(range(reference.ndim))
    if len(keep) < 2:
        keep = list(range(reference.ndim))[-2:]
    shape = tuple(reference.shape[i] for i in keep)
    return reference.reshape(shape), prediction.reshape(shape), spacing[keep]


def _boxes(label_map: np.ndarray) -> list:
    """Bounding box of each label 1..max (None where absent), one pass over the map."""
    a = label_map.view(np.uint8) if label_map.dtype == bool else label_map
    if not np.issubdtype(a.dtype, np.integer):
        a = a.astype(np.int64)
    return ndimage.find_objects(a) if a.size else []


def _surface_values(sd, metrics, options: ScoringOptions) -> dict[str, float]:
    """Only the requested surface metrics (each reads the same two distance arrays)."""
    fns = {"hausdorff": dist.hausdorff, "hd95": lambda s: dist.hausdorff_percentile(s, options.hd_percentile),
           "assd": dist.assd, "masd": dist.masd, "nsd": lambda s: dist.nsd(s, options.tolerance_mm)}
    return {m: fns[m](sd) for m in metrics if m in fns}


def score_case(reference, prediction, spacing=None, labels=None, metrics=None,
               options: ScoringOptions | None = None, lesion_counts: bool = False) -> CaseScores:
    """Score a predicted label map against a reference label map.

    reference, prediction: integer (or bool) arrays of one shape, 2D or 3D, voxel for voxel.
    spacing: mm per axis (None: 1 mm). labels: label values to score (None: every non-zero value in
    either map). metrics: names from `ALL_METRICS` (None: all). options: `ScoringOptions`.
    lesion_counts: count lesions even when no lesion metric is requested (the task stores them).
    Returns `CaseScores`; values already follow the empty-mask policy.
    """
    options = options or ScoringOptions()
    metrics = check_metrics(metrics)
    reference, prediction = np.asarray(reference), np.asarray(prediction)
    if reference.shape != prediction.shape:
        raise ValueError(f"reference shape {reference.shape} differs from prediction shape {prediction.shape}")
    spacing = np.ones(reference.ndim) if spacing is None else np.broadcast_to(np.asarray(spacing, float), (reference.ndim,))
    reference, prediction, spacing = _squeeze(reference, prediction, np.asarray(spacing, float))
    ref_boxes, pred_boxes = _boxes(reference), _boxes(prediction)
    if labels is None:
        labels = [i + 1 for i, (r, p) in enumerate(zip_longest(ref_boxes, pred_boxes)) if r is not None or p is not None]
    labels = tuple(int(v) for v in labels)
    diagonal = float(np.sqrt(np.sum(((np.array(reference.shape) - 1) * spacing) ** 2)))
    voxel_mm3 = float(np.prod(spacing))
    n_boxes = max(labels, default=0)
    ref_boxes = list(ref_boxes) + [None] * (n_boxes - len(ref_boxes))
    pred_boxes = list(pred_boxes) + [None] * (n_boxes - len(pred_boxes))
    need_surface = any(m in SURFACE_METRICS for m in metrics)
    need_lesions = lesion_counts or any(m in LESION_METRICS for m in metrics)
    values = {m: np.full(len(labels), np.nan) for m in metrics}
    counts = {c: np.full(len(labels), np.nan) for c in COUNT_NAMES}
    states = []
    for i, label in enumerate(labels):
        if label <= 0:
            raise ValueError(f"labels must be positive integers (0 is background), got {label}")
        box = union_box(ref_boxes[label - 1], pred_boxes[label - 1])
        if box is None:
            ref_m = pred_m = np.zeros((1,) * reference.ndim, dtype=bool)
        else:
            ref_m, pred_m = reference[box] == label, prediction[box] == label
        tp = int(np.count_nonzero(ref_m & pred_m))
        fp, fn = int(np.count_nonzero(pred_m)) - tp, int(np.count_nonzero(ref_m)) - tp
        state = empty_state(tp + fn, tp + fp)
        states.append(state)
        raw = {"dice": dice_from_counts(tp, fp, fn), "iou": iou_from_counts(tp, fp, fn),
               "volume_difference": volume_difference((tp + fn) * voxel_mm3, (tp + fp) * voxel_mm3),
               "relative_volume_difference": relative_volume_difference((tp + fn) * voxel_mm3, (tp + fp) * voxel_mm3)}
        for name, v in zip(COUNT_NAMES[:5], (tp, fp, fn, (tp + fn) * voxel_mm3, (tp + fp) * voxel_mm3), strict=True):
            counts[name][i] = v
        if need_surface:
            sd = dist.surface_distances_cropped(ref_m, pred_m, spacing, options.area_weighted)
            raw.update(_surface_values(sd, metrics, options))
        if need_lesions:
            lc = les.lesion_counts(ref_m, pred_m, options.connectivity, options.min_overlap_voxels,
                                   options.min_overlap_fraction)
            raw.update(lesion_precision=les.lesion_precision(lc), lesion_recall=les.lesion_recall(lc),
                       lesion_f1=les.lesion_f1(lc), lesion_dice=les.lesion_dice(lc),
                       lesion_count_error=les.lesion_count_error(lc))
            for name, v in zip(COUNT_NAMES[5:], (lc.tp, lc.fn, lc.fp, lc.predicted), strict=True):
                counts[name][i] = v
        for m in metrics:
            worst = _worst(m, options, diagonal, voxel_mm3 * reference.size)
            values[m][i] = options.policy.apply(m, state, raw[m], worst)
    return CaseScores(labels, values, counts, tuple(states))


def _worst(metric: str, options: ScoringOptions, diagonal_mm: float, image_mm3: float) -> float:
    """The value ``"worst"`` stands for: distances the policy's distance_worst or the FOV diagonal."""
    if metric in ("hausdorff", "hd95", "assd", "masd"):
        return diagonal_mm if options.policy.distance_worst is None else options.policy.distance_worst
    if metric == "volume_difference":
        return image_mm3
    if metric in ("relative_volume_difference", "lesion_count_error"):
        return float("inf")
    return 0.0
