"""Bootstrap-ready statistics for segmentation metrics that are not a mean of per-case values.

They follow `mlcore.eval.resampling.CaseStatistic`: a resample is a vector of case multiplicities; a
chunk of b resamples is W (b, N). A pooled ratio sums its counts over the resampled cases (weighted by
multiplicity) before dividing, which is exactly what re-aggregating the resampled cases would give.

- `global_dice`: 2 sum(TP) / (2 sum(TP) + sum(FP) + sum(FN)) over voxels, per label, then the mean
  over labels (a label with no voxel in any drawn case takes ``empty_value``, 1 by default).
- `pooled_lesion_f1`: the same formula over lesion counts (lesion TP/FP/FN).
- `MeanOfDefinedCases`: the mean over cases where a metric is defined (NaN cases carry no weight).
"""

from __future__ import annotations

import numpy as np


class PooledRatio:
    """sum_i w_i num_i / sum_i w_i den_i per label, averaged over labels.

    numerator, denominator: (N,) or (N, L) per-case counts. empty_value: value of a label whose
    pooled denominator is 0.
    """

    def __init__(self, numerator, denominator, empty_value: float = 1.0):
        num = np.asarray(numerator, dtype=float)
        den = np.asarray(denominator, dtype=float)
        self.numerator = num[:, None] if num.ndim == 1 else num
        self.denominator = den[:, None] if den.ndim == 1 else den
        if self.numerator.shape != self.denominator.shape:
            raise ValueError(f"numerator {self.numerator.shape} and denominator {self.denominator.shape} differ")
        self.empty_value = float(empty_value)

    def point(self) -> float:
        return float(self.replicates(np.ones((1, self.numerator.shape[0])))[0])

    def replicates(self, weights: np.ndarray) -> np.ndarray:
        """weights: (b, N) case multiplicities. Returns (b,) values."""
        weights = np.asarray(weights, dtype=float)
        num = weights @ self.numerator
        den = weights @ self.denominator
        with np.errstate(invalid="ignore", divide="ignore"):
            per_label = np.where(den > 0, num / np.where(den > 0, den, 1.0), self.empty_value)
        return per_label.mean(axis=1)


def global_dice(tp, fp, fn, empty_value: float = 1.0) -> PooledRatio:
    """Global (aggregate) Dice from per-case voxel counts, each (N,) or (N, L)."""
    tp = np.asarray(tp, dtype=float)
    return PooledRatio(2 * tp, 2 * tp + np.asarray(fp, float) + np.asarray(fn, float), empty_value)


def global_iou(tp, fp, fn, empty_value: float = 1.0) -> PooledRatio:
    """Global IoU: sum(TP) / (sum(TP) + sum(FP) + sum(FN)), per label then averaged."""
    tp = np.asarray(tp, dtype=float)
    return PooledRatio(tp, tp + np.asarray(fp, float) + np.asarray(fn, float), empty_value)


def pooled_lesion_f1(lesion_tp, lesion_fp, lesion_fn, empty_value: float = 1.0) -> PooledRatio:
    """Lesion-wise detection F1 from summed lesion counts: 2 TP / (2 TP + FP + FN)."""
    return global_dice(lesion_tp, lesion_fp, lesion_fn, empty_value)


def pooled_lesion_precision(lesion_tp, lesion_fp, empty_value: float = 1.0) -> PooledRatio:
    """sum(lesion TP) / (sum(lesion TP) + sum(lesion FP))."""
    tp = np.asarray(lesion_tp, dtype=float)
    return PooledRatio(tp, tp + np.asarray(lesion_fp, float), empty_value)


def pooled_lesion_recall(lesion_tp, lesion_fn, empty_value: float = 1.0) -> PooledRatio:
    """sum(lesion TP) / (sum(lesion TP) + sum(lesion FN))."""
    tp = np.asarray(lesion_tp, dtype=float)
    return PooledRatio(tp, tp + np.asarray(lesion_fn, float), empty_value)


class MeanOfDefinedCases:
    """Mean of per-case values over the cases where they are defined (not NaN).

    values: (N,) per-case values, NaN where undefined. A resample drawing no defined case gives NaN.
    """

    def __init__(self, values):
        values = np.asarray(values, dtype=float)
        self.defined = ~np.isnan(values)
        self.values = np.where(self.defined, values, 0.0)

    def point(self) -> float:
        return float(self.replicates(np.ones((1, self.values.size)))[0])

    def replicates(self, weights: np.ndarray) -> np.ndarray:
        weights = np.asarray(weights, dtype=float)
        den = weights @ self.defined
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, (weights @ self.values) / np.where(den > 0, den, 1.0), np.nan)
