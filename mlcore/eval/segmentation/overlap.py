"""Voxel overlap of two masks: confusion counts, Dice, IoU and volume differences.

All functions here are formulas of counts, so aggregate (global) versions are the same formulas of
summed counts (see `statistics`). Empty masks give NaN where a formula divides by zero; the empty-mask
policy (`policy`) decides the value a case receives.
"""

from __future__ import annotations

import numpy as np


def confusion_counts(reference: np.ndarray, prediction: np.ndarray) -> tuple[int, int, int]:
    """(true positive, false positive, false negative) voxel counts of two bool masks of one shape."""
    reference = np.asarray(reference, dtype=bool)
    prediction = np.asarray(prediction, dtype=bool)
    tp = int(np.count_nonzero(reference & prediction))
    return tp, int(np.count_nonzero(prediction)) - tp, int(np.count_nonzero(reference)) - tp


def _ratio(num, den):
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return out if out.ndim else float(out)


def dice_from_counts(tp, fp, fn):
    """Dice = 2 TP / (2 TP + FP + FN); NaN when both masks are empty. Scalars or arrays."""
    tp = np.asarray(tp, dtype=float)
    return _ratio(2 * tp, 2 * tp + np.asarray(fp) + np.asarray(fn))


def iou_from_counts(tp, fp, fn):
    """IoU (Jaccard) = TP / (TP + FP + FN); NaN when both masks are empty. Scalars or arrays."""
    tp = np.asarray(tp, dtype=float)
    return _ratio(tp, tp + np.asarray(fp) + np.asarray(fn))


def volume_difference(reference_volume, prediction_volume):
    """Absolute volume difference |V_pred - V_ref| (mm³); volumes in mm³."""
    return np.abs(np.asarray(prediction_volume, float) - np.asarray(reference_volume, float)) + 0.0


def relative_volume_difference(reference_volume, prediction_volume):
    """Relative absolute volume difference |V_pred - V_ref| / V_ref; NaN when the reference is empty."""
    return _ratio(volume_difference(reference_volume, prediction_volume), reference_volume)


def dice(reference, prediction) -> float:
    """Dice of two bool masks (NaN when both are empty; see `policy` for the case value)."""
    return float(dice_from_counts(*confusion_counts(reference, prediction)))


def iou(reference, prediction) -> float:
    """IoU of two bool masks (NaN when both are empty)."""
    return float(iou_from_counts(*confusion_counts(reference, prediction)))
