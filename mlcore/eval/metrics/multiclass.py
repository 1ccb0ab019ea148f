"""Multiclass metrics as plain array functions.

y_true: (N,) int class indices 0..K-1 (the order of the task's class columns; for quadratic weighted
kappa this order is taken as the ordinal order). y_prob: (N, K) probabilities, rows summing to 1.
The predicted class is the argmax of a row (the first class on ties).
Count formulas take a confusion matrix C of shape (..., K, K) (rows: true class, columns: predicted),
possibly a (b, K, K) stack of weighted matrices, one per bootstrap resample.
"""

from __future__ import annotations

import numpy as np

from .classification import roc_auc


def confusion_matrix(y_true, y_pred, n_classes: int, weights=None) -> np.ndarray:
    """(K, K) counts, or (b, K, K) when weights (b, N) are case multiplicities."""
    cell = np.asarray(y_true, dtype=np.int64) * n_classes + np.asarray(y_pred, dtype=np.int64)
    if weights is None:
        return np.bincount(cell, minlength=n_classes**2).reshape(n_classes, n_classes).astype(float)
    onehot = np.zeros((cell.size, n_classes**2))
    onehot[np.arange(cell.size), cell] = 1.0
    return (np.asarray(weights, dtype=float) @ onehot).reshape(-1, n_classes, n_classes)


def _diag(c):
    return np.diagonal(c, axis1=-2, axis2=-1)


def accuracy_from_confusion(c):
    """Trace / total."""
    return _diag(c).sum(-1) / c.sum((-2, -1))


def balanced_accuracy_from_confusion(c):
    """Mean recall over classes present in the truth (scikit-learn's convention)."""
    support = c.sum(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        recall = _diag(c) / support
    return np.nanmean(np.where(support > 0, recall, np.nan), axis=-1)


def macro_f1_from_confusion(c):
    """Unweighted mean of per-class F1 = 2 tp / (2 tp + fp + fn); a class never seen nor predicted scores 0."""
    tp = _diag(c)
    den = c.sum(-1) + c.sum(-2)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, 2 * tp / np.where(den > 0, den, 1), 0.0).mean(-1)


def quadratic_kappa_from_confusion(c):
    """Quadratic weighted kappa: 1 - sum(w O) / sum(w E), w_ij = (i - j)^2 / (K - 1)^2, E the outer
    product of the marginals / N. In [-1, 1]; NaN when E has no weight off the diagonal."""
    k = c.shape[-1]
    i, j = np.indices((k, k))
    w = (i - j) ** 2 / max(k - 1, 1) ** 2
    n = c.sum((-2, -1))[..., None, None]
    expected = c.sum(-1)[..., :, None] * c.sum(-2)[..., None, :] / n
    den = (w * expected).sum((-2, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, 1.0 - (w * c).sum((-2, -1)) / np.where(den > 0, den, 1), np.nan)


def _labels(y_prob):
    return np.asarray(y_prob, dtype=float).argmax(axis=1)


def _cm(y_true, y_prob):
    p = np.asarray(y_prob, dtype=float)
    return confusion_matrix(y_true, _labels(p), p.shape[1])


def accuracy(y_true, y_prob) -> float:
    """Fraction of cases whose argmax class is the true class."""
    return float(accuracy_from_confusion(_cm(y_true, y_prob)))


def balanced_accuracy(y_true, y_prob) -> float:
    """Mean per-class recall of the argmax class."""
    return float(balanced_accuracy_from_confusion(_cm(y_true, y_prob)))


def macro_f1(y_true, y_prob) -> float:
    """Unweighted mean of per-class F1 of the argmax class."""
    return float(macro_f1_from_confusion(_cm(y_true, y_prob)))


def quadratic_weighted_kappa(y_true, y_prob) -> float:
    """Quadratic weighted kappa of the argmax class against the truth (classes in column order)."""
    return float(quadratic_kappa_from_confusion(_cm(y_true, y_prob)))


def ovr_auc_per_class(y_true, y_prob) -> np.ndarray:
    """(K,) AUC of each class against the rest using its probability column; NaN for an absent class."""
    y = np.asarray(y_true)
    p = np.asarray(y_prob, dtype=float)
    return np.array([roc_auc(y == k, p[:, k]) for k in range(p.shape[1])])


def ovr_auc_macro(y_true, y_prob) -> float:
    """Unweighted mean of one-vs-rest AUCs; NaN when a class is absent from the truth."""
    return float(ovr_auc_per_class(y_true, y_prob).mean())


def ovr_auc_weighted(y_true, y_prob) -> float:
    """Prevalence-weighted mean of one-vs-rest AUCs (weights: class frequencies in the truth)."""
    aucs = ovr_auc_per_class(y_true, y_prob)
    prev = np.bincount(np.asarray(y_true, dtype=np.int64), minlength=aucs.size) / len(y_true)
    return float(np.nan if np.isnan(aucs).any() else (aucs * prev).sum())


def brier_per_case(y_true, y_prob) -> np.ndarray:
    """(N,) sum over classes of (p_k - [y = k])^2, in [0, 2]."""
    p = np.asarray(y_prob, dtype=float)
    onehot = np.eye(p.shape[1])[np.asarray(y_true, dtype=np.int64)]
    return ((p - onehot) ** 2).sum(axis=1)


def multiclass_brier(y_true, y_prob) -> float:
    """Mean over cases of sum over classes of (p_k - [y = k])^2, in [0, 2]; lower is better."""
    return float(brier_per_case(y_true, y_prob).mean())
