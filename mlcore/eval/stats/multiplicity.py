"""Multiplicity corrections of a family of p-values: Holm, Bonferroni, Benjamini-Hochberg.

NaN p-values (tests that could not be computed) are left NaN and not counted in the family.
"""

from __future__ import annotations

import numpy as np

METHODS = ("holm", "bonferroni", "bh", "none")


def adjust_p_values(p_values, method: str = "holm") -> np.ndarray:
    """Adjusted p-values, same shape as the input, each in [0, 1].

    holm: step-down max_{j<=i} (m - j + 1) p_(j); bonferroni: m p; bh: step-up
    min_{j>=i} m p_(j) / j (false discovery rate); none: unchanged.
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    vals = p[ok]
    m = vals.size
    if m == 0 or method == "none":
        out[ok] = vals
        return out
    order = np.argsort(vals, kind="stable")
    ranked = vals[order]
    if method == "bonferroni":
        adj = np.minimum(1.0, ranked * m)
    elif method == "holm":
        adj = np.minimum(1.0, np.maximum.accumulate(ranked * (m - np.arange(m))))
    elif method == "bh":
        adj = np.minimum(1.0, np.minimum.accumulate((ranked * m / np.arange(1, m + 1))[::-1])[::-1])
    else:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    res = np.empty(m)
    res[order] = adj
    out[ok] = res
    return out
