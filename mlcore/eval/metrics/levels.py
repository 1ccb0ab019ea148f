"""Rank metrics from class-conditional counts per score level.

After one sort, a set of scores is a list of L distinct levels in ascending order. A (weighted) case
set is then summarised by two count arrays: cpos[..., l] and cneg[..., l], the total multiplicity of
positive and negative cases whose score equals level l. Every rank metric here is a formula of these
counts, vectorised over leading axes (one row per bootstrap resample), so resampling never re-sorts.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse


def score_levels(y_score) -> tuple[np.ndarray, int]:
    """level: (N,) int index of each case's score among the L sorted distinct scores; returns (level, L)."""
    uniq, level = np.unique(np.asarray(y_score, dtype=float), return_inverse=True)
    return level.astype(np.int64), int(uniq.size)


def level_counts(y_true, level, n_levels: int, weights=None):
    """(cpos, cneg): multiplicity of positives and negatives per level.

    y_true: (N,) 0/1. level: (N,) from `score_levels`. weights: None (all ones) or (b, N) multiplicities.
    Returns arrays of shape (L,) or (b, L).
    """
    y = np.asarray(y_true).astype(bool)
    n = y.size
    onehot = sparse.csr_matrix((np.ones(n), (np.arange(n), level)), shape=(n, n_levels))
    if weights is None:
        return np.bincount(level[y], minlength=n_levels).astype(float), np.bincount(level[~y], minlength=n_levels).astype(float)
    w = np.asarray(weights, dtype=float)
    cpos = np.asarray((onehot.T @ (w * y).T).T)
    cneg = np.asarray((onehot.T @ (w * ~y).T).T)
    return cpos, cneg


def _nan_where(cond, values):
    return np.where(cond, np.nan, values)


def auc_from_levels(cpos, cneg):
    """AUC = sum_l cpos_l (negatives below l + cneg_l / 2) / (n1 n0); ties count one half. NaN if a class is absent."""
    cpos, cneg = np.asarray(cpos, dtype=float), np.asarray(cneg, dtype=float)
    below = np.cumsum(cneg, axis=-1) - cneg
    n1, n0 = cpos.sum(axis=-1), cneg.sum(axis=-1)
    num = (cpos * (below + 0.5 * cneg)).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _nan_where((n1 == 0) | (n0 == 0), num / (n1 * n0))


def average_precision_from_levels(cpos, cneg):
    """Average precision = sum over descending thresholds of (recall step) x precision (scikit-learn's
    definition, no interpolation). NaN without positives."""
    cpos, cneg = np.asarray(cpos, dtype=float), np.asarray(cneg, dtype=float)
    tp = np.flip(np.cumsum(np.flip(cpos, -1), axis=-1), -1)  # positives with score >= level
    fp = np.flip(np.cumsum(np.flip(cneg, -1), axis=-1), -1)
    n1 = cpos.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(tp + fp > 0, tp / np.where(tp + fp > 0, tp + fp, 1), 0.0)
        return _nan_where(n1 == 0, (cpos * precision).sum(axis=-1) / n1)


def _rates(cpos, cneg):
    """Sensitivity and specificity of the rule 'positive iff score >= level l', for every l, plus the
    rule that calls nothing positive (appended last: sensitivity 0, specificity 1)."""
    cpos, cneg = np.asarray(cpos, dtype=float), np.asarray(cneg, dtype=float)
    n1 = cpos.sum(axis=-1, keepdims=True)
    n0 = cneg.sum(axis=-1, keepdims=True)
    pos_at_or_above = np.flip(np.cumsum(np.flip(cpos, -1), axis=-1), -1)
    neg_below = np.cumsum(cneg, axis=-1) - cneg
    with np.errstate(divide="ignore", invalid="ignore"):
        sens = pos_at_or_above / n1
        spec = neg_below / n0
    zeros = np.zeros_like(sens[..., :1])
    return np.concatenate([sens, zeros], axis=-1), np.concatenate([spec, zeros + 1.0], axis=-1), n1[..., 0], n0[..., 0]


def sensitivity_at_specificity_from_levels(cpos, cneg, specificity: float):
    """Highest sensitivity among thresholds whose specificity is at least `specificity` (in [0, 1])."""
    sens, spec, n1, n0 = _rates(cpos, cneg)
    best = np.where(spec >= specificity - 1e-12, sens, -np.inf).max(axis=-1)
    return _nan_where((n1 == 0) | (n0 == 0), best)


def specificity_at_sensitivity_from_levels(cpos, cneg, sensitivity: float):
    """Highest specificity among thresholds whose sensitivity is at least `sensitivity` (in [0, 1])."""
    sens, spec, n1, n0 = _rates(cpos, cneg)
    best = np.where(sens >= sensitivity - 1e-12, spec, -np.inf).max(axis=-1)
    return _nan_where((n1 == 0) | (n0 == 0), best)
