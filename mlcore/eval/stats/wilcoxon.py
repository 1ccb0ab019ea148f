"""Wilcoxon signed-rank test for paired per-case values, with R's conventions (wilcox.test).

Zero differences are dropped; V is the sum of the ranks (midranks on ties) of |d| over positive d.
Exact null distribution when n < 50 and there are neither ties nor zeros (method="auto"), else the
normal approximation with the tie correction of the variance and, optionally, a continuity correction
of 0.5 towards the mean.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr
from scipy.stats import rankdata

EXACT_MAX_N = 50


def signed_rank_null_counts(n: int) -> np.ndarray:
    """(n (n + 1) / 2 + 1,) number of subsets of {1..n} with each rank sum (the exact null of V x 2^n)."""
    counts = np.zeros(n * (n + 1) // 2 + 1)
    counts[0] = 1.0
    for k in range(1, n + 1):
        counts[k:] = counts[k:] + counts[:-k].copy()
    return counts


def wilcoxon_test(x, y=None, alternative: str = "two-sided", method: str = "auto", correction: bool = True) -> dict:
    """Signed-rank test of x - y (or of x alone) against a zero location shift.

    alternative: ``two-sided``, ``greater`` (x tends to exceed y) or ``less``.
    method: ``auto``, ``exact`` or ``normal``. Returns statistic V, p_value, n (non-zero differences),
    method used and, for the normal approximation, z.
    """
    if alternative not in ("two-sided", "greater", "less"):
        raise ValueError(f"alternative must be two-sided, greater or less, got {alternative!r}")
    d = np.asarray(x, dtype=float) - (0.0 if y is None else np.asarray(y, dtype=float))
    d = d[d != 0]
    n = d.size
    if n == 0:
        return {"statistic": 0.0, "p_value": 1.0, "n": 0, "method": "wilcoxon", "variant": "none", "alternative": alternative}
    ranks = rankdata(np.abs(d))
    v = float(ranks[d > 0].sum())
    ties = np.unique(ranks, return_counts=True)[1]
    has_ties = bool((ties > 1).any())
    if method == "auto":
        method = "exact" if n < EXACT_MAX_N and not has_ties else "normal"
    if method == "exact":
        if has_ties:
            raise ValueError("the exact Wilcoxon distribution needs untied |differences|; use method='normal'")
        counts = signed_rank_null_counts(n)
        pmf = counts / counts.sum()
        upper = float(pmf[int(round(v)):].sum())  # P(V >= v)
        lower = float(pmf[: int(round(v)) + 1].sum())  # P(V <= v)
        p = {"greater": upper, "less": lower}.get(alternative, min(1.0, 2 * min(upper, lower)))
        return {"statistic": v, "p_value": p, "n": n, "method": "wilcoxon", "variant": "exact", "alternative": alternative}
    mean = n * (n + 1) / 4.0
    sigma = np.sqrt(n * (n + 1) * (2 * n + 1) / 24.0 - (ties**3 - ties).sum() / 48.0)
    z = v - mean
    cc = 0.0
    if correction:
        cc = {"greater": 0.5, "less": -0.5}.get(alternative, 0.5 * np.sign(z))
    z = (z - cc) / sigma
    p = {"greater": ndtr(-z), "less": ndtr(z)}.get(alternative, 2 * min(ndtr(z), ndtr(-z)))
    if alternative not in ("two-sided", "greater", "less"):
        raise ValueError(f"alternative must be two-sided, greater or less, got {alternative!r}")
    return {"statistic": v, "p_value": float(min(1.0, p)), "z": float(z), "n": n, "method": "wilcoxon",
            "variant": "normal_cc" if correction else "normal", "alternative": alternative}
