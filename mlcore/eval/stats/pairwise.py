"""Pairwise paired-bootstrap comparisons of S entries evaluated on the same resamples.

For entries i and j the replicate differences are d_b = theta_i,b - theta_j,b. The percentile interval
of d is the CI of the difference; p_greater[i, j] = (1 + #{s d_b <= -margin}) / (B' + 1) is the
one-sided p-value of "i better than j by more than -margin" (s = +1 when higher is better, -1 when
lower is better; B' usable resamples), as in `bootstrap_test.paired_bootstrap_test`.
"""

from __future__ import annotations

import numpy as np

from .intervals import _quantiles


def pairwise_bootstrap(reps, higher_is_better: bool = True, level: float = 0.95, margin: float = 0.0) -> dict:
    """reps: (S, B). Returns ci_low, ci_high, p_greater, p_two_sided, all (S, S) (diagonal NaN).

    p_two_sided[i, j] = min(1, 2 min(p_greater[i, j], p_greater[j, i])) with margin 0.
    """
    r = np.asarray(reps, dtype=float)
    s = r.shape[0]
    sign = 1.0 if higher_is_better else -1.0
    lo = np.full((s, s), np.nan)
    hi = np.full((s, s), np.nan)
    pg = np.full((s, s), np.nan)
    a = (1.0 - level) / 2.0
    for i in range(s - 1):
        d = r[i][None, :] - r[i + 1:]  # (S - i - 1, B)
        q = _quantiles(d, [a, 1.0 - a])
        lo[i, i + 1:], hi[i, i + 1:] = q[:, 0], q[:, 1]
        lo[i + 1:, i], hi[i + 1:, i] = -q[:, 1], -q[:, 0]
        valid = (~np.isnan(d)).sum(axis=1)
        sd = sign * d
        pg[i, i + 1:] = (1 + (sd <= -margin).sum(axis=1)) / (valid + 1)
        pg[i + 1:, i] = (1 + (sd >= margin).sum(axis=1)) / (valid + 1)
    p0 = pg if margin == 0 else pairwise_bootstrap(reps, higher_is_better, level, 0.0)["p_greater"]
    two = np.minimum(1.0, 2 * np.minimum(p0, p0.T))
    return {"ci_low": lo, "ci_high": hi, "p_greater": pg, "p_two_sided": two}
