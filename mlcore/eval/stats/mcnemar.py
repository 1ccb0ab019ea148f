"""McNemar's test for paired binary outcomes (e.g. correct/incorrect of two classifiers on the same cases)."""

from __future__ import annotations

import numpy as np
from scipy.stats import binom, chi2

VARIANTS = ("exact", "chi2_corrected", "chi2")


def mcnemar_test(table=None, *, correct_a=None, correct_b=None, variant: str = "exact") -> dict:
    """McNemar's test on a paired 2 x 2 table [[a, b], [c, d]] (only the discordant cells b and c matter),
    or on boolean vectors correct_a, correct_b (N,) from which b = #(a right, b wrong), c = #(a wrong, b right).

    variant: ``exact`` (two-sided binomial test of b ~ Bin(b + c, 1/2); statistic min(b, c)),
    ``chi2_corrected`` ((|b - c| - 1)^2 / (b + c), Edwards' continuity correction) or ``chi2``
    ((b - c)^2 / (b + c)), both with 1 degree of freedom. p = 1 when b + c = 0.
    """
    if table is None:
        a, b = np.asarray(correct_a, dtype=bool), np.asarray(correct_b, dtype=bool)
        table = [[int((a & b).sum()), int((a & ~b).sum())], [int((~a & b).sum()), int((~a & ~b).sum())]]
    t = np.asarray(table, dtype=float)
    b, c = t[0, 1], t[1, 0]
    n = b + c
    if variant == "exact":
        stat = min(b, c)
        p = 1.0 if n == 0 else min(1.0, 2.0 * binom.cdf(stat, n, 0.5))
    elif variant in ("chi2_corrected", "chi2"):
        num = (abs(b - c) - 1.0) ** 2 if variant == "chi2_corrected" else (b - c) ** 2
        stat = num / n if n else 0.0
        p = float(chi2.sf(stat, 1)) if n else 1.0
    else:
        raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
    return {"statistic": float(stat), "p_value": float(p), "b": int(b), "c": int(c), "variant": variant, "method": "mcnemar"}
