"""Ranking methods and tie groups (challengeR's three families).

- aggregate-then-rank: rank entries by their aggregate metric value (the metric itself, or the mean or
  median of per-case values);
- rank-then-aggregate: rank entries within each case by the per-case value, then average the ranks;
- test-then-rank: count, for each entry, the other entries it significantly beats after a multiplicity
  correction, and rank by that count (more wins = better). `compare_entries` feeds it the two-sided
  verdicts restricted to the better entry of each pair, so it agrees with the pairwise table and tiers.
Ranks are 1 = best with competition ties (1, 1, 3). Missing values (NaN) rank last.
"""

from __future__ import annotations

import numpy as np

from .distribution import ranks

METHODS = ("aggregate_then_rank", "rank_then_aggregate", "test_then_rank")


def aggregate_then_rank(values, higher_is_better: bool = True) -> np.ndarray:
    """(S,) ranks of aggregate values (S,)."""
    return ranks(values, higher_is_better)


def aggregate_per_case(per_case, how: str = "mean") -> np.ndarray:
    """(S,) mean or median over cases of per-case values (S, N)."""
    fn = {"mean": np.mean, "median": np.median}[how]
    return fn(np.asarray(per_case, dtype=float), axis=1)


def rank_then_aggregate(per_case, higher_is_better: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(mean rank (S,), final ranks (S,)). per_case: (S, N) per-case values of S entries.

    Within a case, tied entries share the mean of their ranks (midranks), so each case gives S (S+1)/2.
    """
    from scipy.stats import rankdata

    v = np.asarray(per_case, dtype=float)
    key = -v if higher_is_better else v
    key = np.where(np.isnan(key), np.inf, key)
    mean_rank = rankdata(key, method="average", axis=0).mean(axis=1)
    return mean_rank, ranks(mean_rank, higher_is_better=False)


def test_then_rank(p_greater_adjusted, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """(wins (S,), ranks (S,)). p_greater_adjusted: (S, S) adjusted one-sided p-values of "i better than j"
    (diagonal ignored). wins[i] = #{j: p[i, j] < alpha}."""
    p = np.array(p_greater_adjusted, dtype=float)
    np.fill_diagonal(p, np.nan)
    wins = np.nansum(p < alpha, axis=1).astype(np.int64)
    return wins, ranks(wins, higher_is_better=True)


def tiers(order_values, p_two_sided_adjusted, higher_is_better: bool = True, alpha: float = 0.05) -> list[list[int]]:
    """Tie groups: tier 1 is the best entry and every entry not significantly different from it
    (adjusted two-sided p >= alpha); tier 2 repeats this among the rest, and so on.

    order_values: (S,) point estimates; p_two_sided_adjusted: (S, S). Returns lists of entry indices,
    best first. The tiers use the same adjusted p-values as the pairwise table, so both agree.
    """
    v = np.asarray(order_values, dtype=float)
    p = np.asarray(p_two_sided_adjusted, dtype=float)
    key = np.where(np.isnan(v), -np.inf, v if higher_is_better else -v)
    remaining = [int(i) for i in np.argsort(-key, kind="stable")]
    out = []
    while remaining:
        lead = remaining[0]
        group = [lead] + [j for j in remaining[1:] if not (p[lead, j] < alpha)]
        out.append(group)
        remaining = [j for j in remaining if j not in group]
    return out
