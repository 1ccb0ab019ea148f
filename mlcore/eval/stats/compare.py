"""From every entry's bootstrap replicates to a leaderboard's statistics, in one call.

`compare_entries` is what the leaderboard calls with cached replicates: it needs only point estimates,
(B,) replicates per entry on one shared plan and, for BCa, jackknife values. It returns per-entry
intervals and rank distributions, pairwise difference intervals and paired bootstrap p-values, an
optional analytic pairwise test (e.g. DeLong matrices) as the verdict test, multiplicity-adjusted
p-values, tie groups and test-then-rank.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..ranking import kendall_tau, rank_distribution, ranks, test_then_rank, tiers
from .intervals import basic_ci, bca_ci, percentile_ci, undefined_fraction
from .multiplicity import adjust_p_values
from .pairwise import pairwise_bootstrap


def entry_intervals(points, reps, method: str = "percentile", level: float = 0.95, jackknives=None):
    """(low (S,), high (S,)) of the chosen method. points (S,), reps (S, B), jackknives (S, U) for BCa."""
    if method == "percentile":
        return percentile_ci(reps, level)
    if method == "basic":
        return basic_ci(points, reps, level)
    if method == "bca":
        if jackknives is None:
            raise ValueError("BCa intervals need jackknife values (engine.jackknife) for every entry")
        return bca_ci(points, reps, jackknives, level)
    raise ValueError(f"unknown interval method {method!r}; expected percentile, basic or bca")


def _adjust_pairs(p_matrix, method, upper_only):
    """Adjust the off-diagonal family: the S (S - 1) / 2 unordered pairs (two-sided) or all ordered pairs."""
    p = np.asarray(p_matrix, dtype=float)
    s = p.shape[0]
    mask = np.triu(np.ones((s, s), bool), 1) if upper_only else ~np.eye(s, dtype=bool)
    out = np.full_like(p, np.nan)
    out[mask] = adjust_p_values(p[mask], method)
    if upper_only:
        out.T[mask] = out[mask]
    return out


def compare_entries(points: Mapping[str, float], reps: Mapping[str, np.ndarray], higher_is_better: bool = True,
                    level: float = 0.95, ci_method: str = "percentile", jackknives: Mapping | None = None,
                    correction: str = "holm", alpha: float = 0.05, verdict: dict | None = None, plan=None) -> dict:
    """Statistics of S entries on shared resamples.

    points: {entry: estimate}; reps: {entry: (B,) replicates} (same plan for all); jackknives:
    {entry: (U,)} for BCa. verdict: None to decide significance with the paired bootstrap, or
    {"name": ..., "p_greater": (S, S), "p_two_sided": (S, S)} from an analytic test (entries in the
    order of `points`). One family of verdicts decides everything shown: `p_two_sided_adjusted`
    (correction over the S (S - 1) / 2 pairs) gives the pairwise significance, the tiers and the
    test-then-rank wins (i beats j when significant and i's estimate is better); the one-sided
    `p_greater_adjusted` (over ordered pairs) is reported for reference. Returns arrays indexed by entry order: estimate, ci_low, ci_high, undefined,
    median_rank, rank_ci_low, rank_ci_high, p_best, rank (of the point estimates), diff_ci_low/high,
    bootstrap p matrices, verdict p (raw and adjusted), wins and test_rank, tiers (lists of entry names),
    and kendall_tau_resamples (tau between the point ranking and each resample's ranking, mean), and
    provenance: B, interval method and level, correction, alpha, verdict test, mlcore version and, when
    `plan` is given, its description (seed, strata, groups, generator).
    """
    from ... import __version__

    names = list(points)
    est = np.array([points[n] for n in names], dtype=float)
    r = np.stack([np.asarray(reps[n], dtype=float) for n in names])
    jack = None if jackknives is None else np.stack([np.asarray(jackknives[n], dtype=float) for n in names])
    lo, hi = entry_intervals(est, r, ci_method, level, jack)
    dist = rank_distribution(r, higher_is_better, level)
    boot = pairwise_bootstrap(r, higher_is_better, level)
    v = verdict or {"name": "bootstrap", "p_greater": boot["p_greater"], "p_two_sided": boot["p_two_sided"]}
    p_two_adj = _adjust_pairs(v["p_two_sided"], correction, upper_only=True)
    p_greater_adj = _adjust_pairs(v["p_greater"], correction, upper_only=False)
    # Test-then-rank counts the same verdicts as the pairwise table and the tiers: i beats j when the
    # adjusted two-sided p-value is below alpha and i's estimate is the better one.
    better = est[:, None] > est[None, :] if higher_is_better else est[:, None] < est[None, :]
    wins, test_rank = test_then_rank(np.where(better, p_two_adj, 1.0), alpha)
    point_rank = ranks(est, higher_is_better)
    taus = kendall_tau(point_rank, dist["ranks"]) if len(names) > 1 else np.array([np.nan])
    provenance = {"n_resamples": int(r.shape[1]), "ci_method": ci_method, "level": level, "correction": correction,
                  "alpha": alpha, "verdict_test": v["name"], "mlcore_version": __version__,
                  **(plan.describe() if plan is not None else {})}
    return {
        "provenance": provenance, "entries": names, "estimate": est, "ci_low": lo, "ci_high": hi, "ci_method": ci_method, "level": level,
        "se": np.nanstd(r, axis=1, ddof=1) if r.shape[1] > 1 else np.full(len(names), np.nan),
        "undefined": undefined_fraction(r), "rank": point_rank, "median_rank": dist["median_rank"],
        "rank_ci_low": dist["rank_ci_low"], "rank_ci_high": dist["rank_ci_high"], "p_best": dist["p_best"],
        "rank_counts": dist["rank_counts"], "diff_ci_low": boot["ci_low"], "diff_ci_high": boot["ci_high"],
        "bootstrap_p_greater": boot["p_greater"], "bootstrap_p_two_sided": boot["p_two_sided"],
        "verdict_test": v["name"], "p_two_sided": np.asarray(v["p_two_sided"], float), "p_two_sided_adjusted": p_two_adj,
        "p_greater": np.asarray(v["p_greater"], float), "p_greater_adjusted": p_greater_adj,
        "correction": correction, "alpha": alpha, "wins": wins, "test_rank": test_rank,
        "tiers": [[names[i] for i in group] for group in tiers(est, p_two_adj, higher_is_better, alpha)],
        "kendall_tau_resamples": float(np.nanmean(taus)) if np.isfinite(taus).any() else float("nan"),
    }
