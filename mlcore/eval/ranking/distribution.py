"""Rank distributions over bootstrap resamples and Kendall's tau.

Ranks are 1 = best. Ties share the best of their ranks ("min" or competition ranking: 1, 1, 3).
A NaN value (metric undefined, or a missing entry) ranks last.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata


def ranks(values, higher_is_better: bool = True) -> np.ndarray:
    """Competition ranks along axis 0. values: (S,) or (S, B) -> same shape, ints from 1."""
    v = np.asarray(values, dtype=float)
    key = -v if higher_is_better else v
    key = np.where(np.isnan(key), np.inf, key)
    return rankdata(key, method="min", axis=0).astype(np.int64)


def rank_distribution(reps, higher_is_better: bool = True, level: float = 0.95) -> dict:
    """Summary of each entry's rank across resamples.

    reps: (S, B) replicates on shared resamples. Returns ranks (S, B), median_rank (S,),
    rank_ci_low/high (S,) (the (1 -/+ level)/2 quantiles, lower and higher rank sides), p_best (S,):
    the fraction of resamples in which the entry ranks first, a tie for first sharing the resample equally
    (so p_best sums to 1), and rank_counts (S, S): how often entry i took rank r + 1. Resamples on
    which every entry is undefined (NaN) are left out.
    """
    reps = np.asarray(reps, dtype=float)
    # A resample on which no entry's metric is defined ranks nobody: leave it out (not a tie for first).
    defined = ~np.isnan(reps).all(axis=0) if reps.ndim == 2 else np.ones(0, bool)
    if reps.ndim == 2 and not defined.all() and defined.any():
        reps = reps[:, defined]
    r = ranks(reps, higher_is_better)
    s, b = r.shape
    firsts = r == 1
    share = firsts / np.maximum(firsts.sum(axis=0, keepdims=True), 1)
    a = (1.0 - level) / 2.0
    counts = np.stack([np.bincount(row - 1, minlength=s) for row in r]) if b else np.zeros((s, s), int)
    return {"ranks": r, "median_rank": np.median(r, axis=1),
            "rank_ci_low": np.quantile(r, a, axis=1, method="lower"),
            "rank_ci_high": np.quantile(r, 1 - a, axis=1, method="higher"),
            "p_best": share.sum(axis=1) / b, "rank_counts": counts}


def kendall_tau(a, b) -> np.ndarray:
    """Kendall's tau-b between ranking a (S,) and each column of b (S,) or (S, B); returns () or (B,).

    tau-b = (concordant - discordant) / sqrt((n0 - ties_a) (n0 - ties_b)) with n0 = S (S - 1) / 2;
    NaN when either ranking is constant.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    single = b.ndim == 1
    b = b[:, None] if single else b
    i, j = np.triu_indices(a.size, k=1)
    sa = np.sign(a[i] - a[j]).astype(np.int8)[:, None]
    num = np.empty(b.shape[1])
    ties_b = np.empty(b.shape[1])
    # Columns in chunks: the pair-by-resample sign matrix stays small (int8, a few MB).
    step = max(1, 2**24 // max(i.size, 1))
    for c0 in range(0, b.shape[1], step):
        sb = np.sign(b[i, c0:c0 + step] - b[j, c0:c0 + step]).astype(np.int8)
        num[c0:c0 + step] = (sa * sb).sum(axis=0, dtype=np.int64)
        ties_b[c0:c0 + step] = np.count_nonzero(sb, axis=0)
    den = np.sqrt(np.count_nonzero(sa) * ties_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
    return tau[0] if single else tau
