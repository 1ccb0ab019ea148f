"""Ranking methods, rank distributions, Kendall's tau and tie groups, on hand-made examples."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from mlcore.eval.ranking import (
    aggregate_then_rank,
    kendall_tau,
    rank_distribution,
    rank_then_aggregate,
    ranks,
    tiers,
)
from mlcore.eval.ranking import (
    test_then_rank as count_wins_and_rank,
)


def test_competition_ranks_and_nan_last():
    assert ranks([0.9, 0.7, 0.9, np.nan]).tolist() == [1, 3, 1, 4]
    assert aggregate_then_rank([0.2, 0.1, 0.3], higher_is_better=False).tolist() == [2, 1, 3]


def test_rank_distribution_by_hand():
    reps = np.array([[3.0, 1.0, 2.0, 2.0],
                     [2.0, 2.0, 2.0, 1.0],
                     [1.0, 3.0, 1.0, 0.0]])
    d = rank_distribution(reps)
    assert d["ranks"].tolist() == [[1, 3, 1, 1], [2, 2, 1, 2], [3, 1, 3, 3]]
    # resample 2 (column index 2): entries 0 and 1 share first place and half a win each
    assert d["p_best"].tolist() == pytest.approx([(1 + 0 + 0.5 + 1) / 4, (0 + 0 + 0.5 + 0) / 4, (0 + 1 + 0 + 0) / 4])
    assert d["p_best"].sum() == pytest.approx(1.0)
    assert d["median_rank"].tolist() == [1.0, 2.0, 3.0]
    assert d["rank_counts"][2].tolist() == [1, 0, 3]


def test_kendall_tau_matches_scipy(rng):
    a = rng.integers(1, 6, 12)
    b = rng.integers(1, 6, (12, 5))
    ours = kendall_tau(a, b)
    for k in range(5):
        assert ours[k] == pytest.approx(stats.kendalltau(a, b[:, k]).statistic, rel=1e-12)
    assert kendall_tau([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)


def test_rank_then_aggregate_by_hand():
    per_case = np.array([[0.9, 0.5, 0.7],   # ranks 1, 2, 1.5
                         [0.8, 0.6, 0.7],   # ranks 2, 1, 1.5
                         [0.1, 0.1, 0.1]])  # ranks 3, 3, 3
    mean_rank, final = rank_then_aggregate(per_case)
    assert mean_rank.tolist() == pytest.approx([1.5, 1.5, 3.0])
    assert final.tolist() == [1, 1, 3]


def test_test_then_rank_counts_significant_wins():
    p = np.array([[np.nan, 0.01, 0.01],
                  [0.9, np.nan, 0.2],
                  [0.9, 0.6, np.nan]])
    wins, rank = count_wins_and_rank(p, alpha=0.05)
    assert wins.tolist() == [2, 0, 0] and rank.tolist() == [1, 2, 2]


def test_tiers_follow_the_adjusted_p_values():
    values = [0.90, 0.88, 0.80, 0.79]
    p = np.array([[np.nan, 0.30, 0.01, 0.01],
                  [0.30, np.nan, 0.04, 0.02],
                  [0.01, 0.04, np.nan, 0.70],
                  [0.01, 0.02, 0.70, np.nan]])
    assert tiers(values, p) == [[0, 1], [2, 3]]
    assert tiers(values, p, alpha=0.005) == [[0, 1, 2, 3]]  # nothing significant: one tier
    assert tiers([0.1, 0.3], np.array([[np.nan, 0.001], [0.001, np.nan]]), higher_is_better=False) == [[0], [1]]
