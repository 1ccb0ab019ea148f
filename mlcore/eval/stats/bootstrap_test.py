"""Paired bootstrap test of a difference between two entries evaluated on the same resamples.

With d_b = theta_A,b - theta_B,b oriented so that d > 0 means "A is better" (sign flipped for metrics
where lower is better), the one-sided p-value of H0: delta <= -margin is (1 + #{d_b <= -margin}) / (B + 1):
the percentile-interval inversion with the usual +1 so that p is never 0. margin = 0 tests superiority,
margin > 0 non-inferiority. Two-sided: 2 min(p_greater, p_less), at most 1, with margin 0.
NaN replicates are left out.
"""

from __future__ import annotations

import numpy as np

from .intervals import percentile_ci


def paired_bootstrap_test(reps_a, reps_b, point_a: float, point_b: float, higher_is_better: bool = True,
                          alternative: str = "greater", margin: float = 0.0, level: float = 0.95) -> dict:
    """reps_a, reps_b: (B,) replicates on the same resamples. alternative: ``greater`` (A better),
    ``less`` (A worse) or ``two-sided``. Returns difference (A - B in metric units), its percentile CI,
    p_value, margin and the number of usable resamples."""
    sign = 1.0 if higher_is_better else -1.0
    d = sign * (np.asarray(reps_a, dtype=float) - np.asarray(reps_b, dtype=float))
    d = d[~np.isnan(d)]
    b = d.size
    p_greater = (1 + np.count_nonzero(d <= -margin)) / (b + 1)
    p_less = (1 + np.count_nonzero(d >= margin)) / (b + 1)
    if alternative == "greater":
        p = p_greater
    elif alternative == "less":
        p = p_less
    elif alternative == "two-sided":
        p = min(1.0, 2 * min(p_greater, p_less))
    else:
        raise ValueError(f"alternative must be greater, less or two-sided, got {alternative!r}")
    lo, hi = percentile_ci(np.asarray(reps_a, dtype=float) - np.asarray(reps_b, dtype=float), level)
    return {"difference": float(point_a - point_b), "ci_low": float(lo), "ci_high": float(hi), "p_value": float(p),
            "alternative": alternative, "margin": float(margin), "n_resamples": int(b), "level": level,
            "method": "paired_bootstrap"}
