"""Validation metrics with confidence intervals: the one adapter between training and mlcore.eval.

`metric_with_ci` is the single place that decides how a CI is computed. It uses the statistics engine
(`mlcore.eval.stats`: a `BootstrapPlan` of seeded resamples, stratified by class when strata are given,
`replicates`, `percentile_ci`) when present, and otherwise a seeded percentile bootstrap over case
multiplicity vectors drawn with ``numpy.random.default_rng(seed).multinomial``. Either way a statistic
follows the resampling contract of `mlcore.eval.resampling` (``point()`` and ``replicates(W)``).
"""

from __future__ import annotations

import numpy as np


class _MeanOfCases:
    """Mean of per-case values (N,); the contract of `mlcore.eval.resampling.MeanOfCases`, for when
    mlcore.eval's dependencies are not installed (a bare GPU machine with torch only)."""

    def __init__(self, values):
        self.values = np.asarray(values, dtype=float)

    def point(self) -> float:
        return float(self.values.mean())

    def replicates(self, weights) -> np.ndarray:
        weights = np.asarray(weights, dtype=float)
        return weights @ self.values / weights.sum(axis=1)


def mean_of_cases(values):
    """`mlcore.eval.resampling.MeanOfCases` when mlcore.eval imports, else the local equivalent."""
    try:
        from mlcore.eval.resampling import MeanOfCases
    except ImportError:
        return _MeanOfCases(values)
    return MeanOfCases(values)


class WeightedAUC:
    """AUC as a resampleable statistic: with weights w, AUC = sum over (pos i, neg j) w_i w_j [s_i > s_j]
    (+ 1/2 on ties) / (W_pos W_neg). Scores are sorted once; a resample only re-weights tie levels.

    y_true: (N,) 0/1. y_score: (N,) real scores.
    """

    def __init__(self, y_true, y_score):
        y = np.asarray(y_true).astype(bool)
        s = np.asarray(y_score, dtype=float)
        _, self.level = np.unique(s, return_inverse=True)
        onehot = np.zeros((s.size, int(self.level.max()) + 1 if s.size else 0))
        onehot[np.arange(s.size), self.level] = 1.0
        self.pos_levels, self.neg_levels = onehot * y[:, None], onehot * (~y)[:, None]  # (N, L)

    def _auc(self, w):  # w: (b, N) -> (b,)
        p, n = w @ self.pos_levels, w @ self.neg_levels  # weighted counts per tie level, ascending score
        below = np.cumsum(n, axis=1) - n
        num = (p * (below + 0.5 * n)).sum(1)
        den = p.sum(1) * n.sum(1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, num / den, np.nan)

    def point(self) -> float:
        return float(self._auc(np.ones((1, self.level.size)))[0])

    def replicates(self, weights) -> np.ndarray:
        return self._auc(np.asarray(weights, dtype=float))


def auc_statistic(y_true, y_score):
    """The engine's AUC statistic when present (fused bootstrap path), else `WeightedAUC`."""
    try:
        from mlcore.eval.metrics.rank_statistics import AUCStatistic
    except ImportError:
        return WeightedAUC(y_true, y_score)
    return AUCStatistic(y_true, y_score)


def metric_with_ci(statistic, n_resamples: int = 1000, seed: int = 0, alpha: float = 0.05, strata=None) -> dict:
    """Point estimate and percentile bootstrap CI of a resampleable statistic over N cases.

    statistic: an object with ``point()`` and ``replicates(weights (b, N))``, or an (N,) array of per-case
    values (wrapped in `MeanOfCases`). strata: None or (N,) labels; each resample keeps the stratum sizes
    (engine path only). Returns ``{value, low, high, level, method, n_resamples, seed, engine}``; NaN
    replicates (a class absent from a resample) are left out of the percentiles.
    """
    if not hasattr(statistic, "replicates"):
        statistic = mean_of_cases(np.asarray(statistic, dtype=float))
    n = _n_cases(statistic)
    try:
        from mlcore.eval.stats.engine import replicates
        from mlcore.eval.stats.intervals import percentile_ci
        from mlcore.eval.stats.plan import BootstrapPlan
    except ImportError:
        weights = np.random.default_rng(seed).multinomial(n, np.full(n, 1.0 / n), size=n_resamples)
        reps = np.asarray(statistic.replicates(weights), dtype=float)
        reps = reps[np.isfinite(reps)]
        low, high = np.quantile(reps, [alpha / 2, 1 - alpha / 2]) if reps.size else (np.nan, np.nan)
        engine = "numpy multinomial"
    else:
        plan = BootstrapPlan(tuple(range(n)), int(n_resamples), int(seed), None if strata is None else tuple(np.asarray(strata).tolist()))
        low, high = percentile_ci(replicates(plan, statistic), 1 - alpha)
        engine = "mlcore.eval.stats" + (" (stratified)" if strata is not None else "")
    return {"value": float(statistic.point()), "low": float(low), "high": float(high), "level": 1 - alpha,
            "method": "percentile bootstrap", "n_resamples": int(n_resamples), "seed": int(seed), "engine": engine}


def _n_cases(statistic) -> int:
    for attr in ("values", "is_pos"):
        if hasattr(statistic, attr):
            return int(np.asarray(getattr(statistic, attr)).shape[0])
    if isinstance(statistic, WeightedAUC):
        return statistic.level.size
    return int(statistic.n_cases)
