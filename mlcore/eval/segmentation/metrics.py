"""The `Metric` records of the segmentation task: name, direction, range and a one-line description.

Per-case metrics (`scoring.ALL_METRICS`) are means of per-case values; aggregate metrics
(`AGGREGATE_METRICS`) are ratios of counts summed over cases (see `statistics`). A record's ``fn``
scores one pair of label maps with unit spacing (handy for ad hoc use); the task scores cases with
`scoring.score_case` and resamples through `SegmentationTask.case_statistic`.
"""

from __future__ import annotations

import numpy as np

from ..metrics.base import Metric
from .scoring import ALL_METRICS, HIGHER_IS_BETTER, score_case


def _metric_fn(name: str):
    def fn(y_true, y_pred) -> float:
        scores = score_case(y_true, y_pred, metrics=(name,))
        return float(np.nanmean(scores.values[name])) if scores.labels else 1.0
    return fn


DESCRIPTIONS = {
    "dice": "Dice overlap per case and label, 2TP/(2TP+FP+FN)",
    "iou": "intersection over union per case and label, TP/(TP+FP+FN)",
    "hausdorff": "Hausdorff distance between boundaries, mm",
    "hd95": "larger of the two directed percentile boundary distances (95th by default), mm",
    "assd": "average symmetric surface distance over both boundaries, mm",
    "masd": "mean of the two directed average surface distances, mm",
    "nsd": "normalised surface distance: boundary fraction within the tolerance",
    "volume_difference": "absolute volume difference, mm3",
    "relative_volume_difference": "absolute volume difference relative to the reference volume",
    "lesion_precision": "detected lesions per predicted lesion, per case",
    "lesion_recall": "detected reference lesions per reference lesion, per case",
    "lesion_f1": "lesion detection F1 per case, 2TP/(2TP+FP+FN) over lesions",
    "lesion_dice": "lesion-wise Dice (missed and false-positive lesions score 0)",
    "lesion_count_error": "absolute difference of lesion counts",
    "global_dice": "Dice of voxel counts summed over cases",
    "global_iou": "IoU of voxel counts summed over cases",
    "pooled_lesion_f1": "lesion detection F1 of lesion counts summed over cases",
    "pooled_lesion_precision": "lesion precision of lesion counts summed over cases",
    "pooled_lesion_recall": "lesion recall of lesion counts summed over cases",
}
#: The per-case metric each aggregate metric reduces to on a single case.
AGGREGATE_BASE = {"global_dice": "dice", "global_iou": "iou", "pooled_lesion_f1": "lesion_f1",
                  "pooled_lesion_precision": "lesion_precision", "pooled_lesion_recall": "lesion_recall"}
#: Metrics that are not a mean of per-case values: rebuilt from summed counts for every resample.
AGGREGATE_METRICS = tuple(AGGREGATE_BASE)


def metric_records() -> dict[str, Metric]:
    records = {}
    for name in ALL_METRICS:
        bounded = name in ("dice", "iou", "nsd", "lesion_precision", "lesion_recall", "lesion_f1", "lesion_dice")
        records[name] = Metric(name, _metric_fn(name), HIGHER_IS_BETTER[name], (0.0, 1.0) if bounded else (0.0, None),
                               undefined="empty-mask policy (mlcore.eval.segmentation.policy)",
                               description=DESCRIPTIONS[name])
    for name, base in AGGREGATE_BASE.items():
        records[name] = Metric(name, _metric_fn(base), True, (0.0, 1.0), undefined="1 when every drawn case is empty",
                               description=DESCRIPTIONS[name])
    return records


