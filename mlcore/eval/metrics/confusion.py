"""Binary confusion-matrix metrics as formulas of (weighted) counts.

Every formula takes the four counts tp, fp, fn, tn as floats or as arrays of any shape (for instance
(b,) counts of b bootstrap resamples, each count being a sum of case multiplicities) and returns an
array of the same shape. A ratio whose denominator is zero is undefined and gives NaN (documented
convention; Metrics Reloaded reports such cases as undefined rather than 0 or 1).
"""

from __future__ import annotations

import numpy as np


def _ratio(num, den):
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def confusion_counts(y_true, y_pred, weights=None):
    """Counts (tp, fp, fn, tn) of binary labels.

    y_true, y_pred: (N,) arrays of 0/1 (or bool). weights: None or (b, N) case multiplicities, in
    which case each count is a (b,) array.
    """
    y = np.asarray(y_true).astype(bool)
    p = np.asarray(y_pred).astype(bool)
    cells = np.stack([y & p, ~y & p, y & ~p, ~y & ~p], axis=1).astype(float)  # (N, 4)
    sums = cells.sum(axis=0) if weights is None else np.asarray(weights, dtype=float) @ cells
    return tuple(sums[..., k] for k in range(4))


def sensitivity_from_counts(tp, fp, fn, tn):
    """True positive rate tp / (tp + fn); NaN without positives."""
    return _ratio(tp, np.add(tp, fn))


def specificity_from_counts(tp, fp, fn, tn):
    """True negative rate tn / (tn + fp); NaN without negatives."""
    return _ratio(tn, np.add(tn, fp))


def ppv_from_counts(tp, fp, fn, tn):
    """Positive predictive value (precision) tp / (tp + fp); NaN when nothing is called positive."""
    return _ratio(tp, np.add(tp, fp))


def npv_from_counts(tp, fp, fn, tn):
    """Negative predictive value tn / (tn + fn); NaN when nothing is called negative."""
    return _ratio(tn, np.add(tn, fn))


def f1_from_counts(tp, fp, fn, tn):
    """F1 = 2 tp / (2 tp + fp + fn); NaN when there are no positives and none is called positive."""
    return _ratio(np.multiply(tp, 2.0), np.multiply(tp, 2.0) + fp + fn)


def accuracy_from_counts(tp, fp, fn, tn):
    """(tp + tn) / N."""
    return _ratio(np.add(tp, tn), np.add(tp, tn) + fp + fn)


def balanced_accuracy_from_counts(tp, fp, fn, tn):
    """Mean of sensitivity and specificity; NaN when a class is absent."""
    return (sensitivity_from_counts(tp, fp, fn, tn) + specificity_from_counts(tp, fp, fn, tn)) / 2.0


def mcc_from_counts(tp, fp, fn, tn):
    """Matthews correlation coefficient in [-1, 1].

    Convention: 0 when a marginal is empty (denominator 0), as scikit-learn does.
    """
    tp, fp, fn, tn = (np.asarray(v, dtype=float) for v in (tp, fp, fn, tn))
    den = np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    out = _ratio(tp * tn - fp * fn, den)
    return np.where(den > 0, out, 0.0)


def kappa_from_counts(tp, fp, fn, tn):
    """Cohen's kappa of predicted vs true labels in [-1, 1]; NaN when expected agreement is 1."""
    tp, fp, fn, tn = (np.asarray(v, dtype=float) for v in (tp, fp, fn, tn))
    n = tp + fp + fn + tn
    po = _ratio(tp + tn, n)
    pe = _ratio((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn), n * n)
    return _ratio(po - pe, 1.0 - pe)
