"""Regression metrics as plain array functions and as formulas of weighted sums.

y_true, y_pred: (N,) real values in the target's unit. The `*_from_sums` formulas take the weighted
sums S[..., k] of the per-case features listed in `regression_features` (one row per resample), so a
bootstrap replicate is one matrix product.
"""

from __future__ import annotations

import numpy as np

#: Per-case features whose weighted sums determine MAE, RMSE, R^2 and Pearson's r.
FEATURES = ("one", "abs_err", "sq_err", "y", "y2", "p", "p2", "yp")


def regression_features(y_true, y_pred) -> np.ndarray:
    """(N, 8) per-case features in the order of FEATURES."""
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(y_pred, dtype=float)
    e = p - y
    return np.stack([np.ones_like(y), np.abs(e), e * e, y, y * y, p, p * p, y * p], axis=1)


def _moments(s):
    s = np.asarray(s, dtype=float)
    n = s[..., 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        my, mp = s[..., 3] / n, s[..., 5] / n
        vy = s[..., 4] / n - my * my
        vp = s[..., 6] / n - mp * mp
        cov = s[..., 7] / n - my * mp
    return n, vy, vp, cov


def mae_from_sums(s):
    """Mean absolute error."""
    return np.asarray(s)[..., 1] / np.asarray(s)[..., 0]


def rmse_from_sums(s):
    """Root mean squared error."""
    return np.sqrt(np.asarray(s)[..., 2] / np.asarray(s)[..., 0])


def r2_from_sums(s):
    """Coefficient of determination 1 - SSE / SST (SST around the mean of the truth); NaN when SST = 0."""
    n, vy, _, _ = _moments(s)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(vy > 0, 1.0 - np.asarray(s)[..., 2] / (n * np.where(vy > 0, vy, 1)), np.nan)


def pearson_from_sums(s):
    """Pearson's correlation coefficient; NaN when either variable is constant."""
    _, vy, vp, cov = _moments(s)
    den = np.sqrt(np.clip(vy, 0, None) * np.clip(vp, 0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, np.clip(cov / np.where(den > 0, den, 1), -1.0, 1.0), np.nan)


def _sums(y_true, y_pred):
    return regression_features(y_true, y_pred).sum(axis=0)


def mae(y_true, y_pred) -> float:
    """Mean absolute error, in the target's unit; lower is better."""
    return float(np.mean(np.abs(np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float))))


def rmse(y_true, y_pred) -> float:
    """Root mean squared error, in the target's unit; lower is better."""
    return float(np.sqrt(np.mean((np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)) ** 2)))


def r2(y_true, y_pred) -> float:
    """Coefficient of determination, at most 1; NaN when the truth is constant."""
    y = np.asarray(y_true, dtype=float)
    sst = ((y - y.mean()) ** 2).sum()
    return float("nan") if sst == 0 else float(1.0 - ((np.asarray(y_pred, dtype=float) - y) ** 2).sum() / sst)


def pearson(y_true, y_pred) -> float:
    """Pearson's r in [-1, 1]; NaN when either variable is constant."""
    return float(pearson_from_sums(_sums(y_true, y_pred)))


def spearman(y_true, y_pred) -> float:
    """Spearman's rho: Pearson's r of the midranks, in [-1, 1]; NaN when either variable is constant."""
    from scipy.stats import rankdata

    return pearson(rankdata(y_true), rankdata(y_pred))
