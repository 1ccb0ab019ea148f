"""BootstrapPlan and the engine: determinism, chunking invariance, stratification, groups, and the
numba kernels against a numpy reimplementation of the documented draw rule."""

from __future__ import annotations

import numpy as np
import pytest

from mlcore.eval.metrics import roc_auc
from mlcore.eval.metrics.rank_statistics import AUCStatistic
from mlcore.eval.resampling import MeanOfCases
from mlcore.eval.stats import rng as crng
from mlcore.eval.stats.engine import jackknife, replicates, replicates_many
from mlcore.eval.stats.plan import BootstrapPlan


def reference_weights(case_ids, seed, r0, r1, strata=None, groups=None):
    """The plan's documented rule, written independently with numpy: units by first appearance, strata
    sorted by str, n_s draws per stratum, draw k counted from 1 across strata."""
    n = len(case_ids)
    groups = list(range(n)) if groups is None else list(groups)
    units = list(dict.fromkeys(groups))
    unit_of_case = np.array([units.index(g) for g in groups])
    strata = [""] * n if strata is None else [str(s) for s in strata]
    unit_stratum = {}
    for u, s in zip(unit_of_case, strata, strict=True):
        unit_stratum[u] = s
    keys = crng.resample_keys(seed, r0, r1)
    out = np.zeros((r1 - r0, n), dtype=np.int64)
    offset = 0
    for s in sorted(set(unit_stratum.values())):
        members = [u for u in range(len(units)) if unit_stratum[u] == s]
        draws = crng.uniform_indices(keys, len(members), len(members), offset)
        offset += len(members)
        for row, d in enumerate(draws):
            counts = np.bincount(np.array(members)[d], minlength=len(units))
            out[row] += counts[unit_of_case]
    return out


@pytest.mark.parametrize("kind", ["plain", "stratified", "grouped", "both"])
def test_kernel_matches_numpy_reference(rng, kind):
    n = 37
    ids = [f"c{i}" for i in range(n)]
    y = rng.integers(0, 3, n)
    groups = None
    if kind in ("grouped", "both"):
        groups = [f"p{i // 3}" for i in range(n)]
        y = np.repeat(rng.integers(0, 2, n // 3 + 1), 3)[:n]
    strata = y if kind in ("stratified", "both") else None
    plan = BootstrapPlan(ids, 25, seed=99, strata=strata, groups=groups)
    np.testing.assert_array_equal(plan.weights(), reference_weights(ids, 99, 0, 25, strata, groups))


def test_determinism_and_seed_dependence():
    ids = [str(i) for i in range(50)]
    a = BootstrapPlan(ids, 20, seed=7).weights()
    b = BootstrapPlan(ids, 20, seed=7).weights()
    c = BootstrapPlan(ids, 20, seed=8).weights()
    np.testing.assert_array_equal(a, b)
    assert (a != c).any()
    assert (a.sum(axis=1) == 50).all()


def test_chunking_invariance_and_extension():
    ids = [str(i) for i in range(64)]
    plan = BootstrapPlan(ids, 30, seed=3)
    full = plan.weights()
    np.testing.assert_array_equal(np.vstack([plan.weights(0, 7), plan.weights(7, 8), plan.weights(8, 30)]), full)
    np.testing.assert_array_equal(BootstrapPlan(ids, 10, seed=3).weights(), full[:10])  # B extends
    y = np.arange(64) % 2
    stat = AUCStatistic(y, np.sin(np.arange(64.0)))
    by_chunk = [replicates(plan, stat, chunk_size=c) for c in (1, 7, 30)]
    for r in by_chunk[1:]:
        np.testing.assert_array_equal(r, by_chunk[0])


def test_stratified_resamples_keep_class_counts(rng):
    y = (rng.random(200) < 0.2).astype(int)
    plan = BootstrapPlan([str(i) for i in range(200)], 50, seed=1, strata=y)
    w = plan.weights()
    assert (w[:, y == 1].sum(axis=1) == y.sum()).all()
    assert (w[:, y == 0].sum(axis=1) == (1 - y).sum()).all()


def test_group_resampling_draws_whole_groups():
    groups = ["a", "a", "b", "c", "c", "c", "d"]
    plan = BootstrapPlan([f"x{i}" for i in range(7)], 40, seed=5, groups=groups)
    w = plan.weights()
    assert (w[:, 0] == w[:, 1]).all() and (w[:, 3] == w[:, 4]).all() and (w[:, 4] == w[:, 5]).all()
    drawn = w[:, [0, 2, 3, 6]].sum(axis=1)  # one column per group: the number of draws
    assert (drawn == 4).all()
    assert plan.describe()["n_units"] == 4


def test_group_across_strata_is_refused():
    with pytest.raises(ValueError, match="one stratum.*g1"):
        BootstrapPlan(["a", "b"], 5, seed=0, strata=[0, 1], groups=["g1", "g1"])


def test_fused_auc_equals_weights_path_and_direct_auc(rng):
    n = 150
    y = rng.integers(0, 2, n)
    s = np.round(rng.normal(size=n) + y, 1)
    stat = AUCStatistic(y, s)
    for plan in (BootstrapPlan(range(n), 40, 11, strata=y), BootstrapPlan(range(n), 40, 11, groups=np.arange(n) // 4)):
        w = plan.weights()
        np.testing.assert_array_equal(stat.replicates_from_plan(plan, 0, 40), stat.replicates(w))
        expected = [roc_auc(np.repeat(y, row), np.repeat(s, row)) for row in w]
        np.testing.assert_allclose(replicates(plan, stat), expected, rtol=1e-12)


def test_replicates_many_equals_one_by_one(rng):
    n = 90
    y = rng.integers(0, 2, n)
    stats = {"auc": AUCStatistic(y, rng.random(n)), "mean": MeanOfCases(rng.random(n))}
    plan = BootstrapPlan(range(n), 33, 2, strata=y)
    many = replicates_many(plan, stats, chunk_size=10)
    for k, s in stats.items():
        np.testing.assert_array_equal(many[k], replicates(plan, s, chunk_size=4))


def test_unstratified_auc_replicate_without_a_class_is_nan():
    y = np.array([1, 0, 0, 0])
    plan = BootstrapPlan(range(4), 200, 0)
    reps = replicates(plan, AUCStatistic(y, [0.9, 0.1, 0.2, 0.3]))
    w = plan.weights()
    np.testing.assert_array_equal(np.isnan(reps), w[:, 0] == 0)


def test_generic_jackknife_for_groups_equals_leaving_out_each_group(rng):
    n = 24
    y = np.tile([0, 1], 12)
    s = rng.random(n)
    groups = np.arange(n) // 3
    plan = BootstrapPlan(range(n), 5, 0, groups=groups)
    jack = jackknife(plan, AUCStatistic(y, s))
    expected = [roc_auc(y[groups != g], s[groups != g]) for g in range(8)]
    np.testing.assert_allclose(jack, expected, rtol=1e-12)


def test_progress_is_reported_per_chunk():
    seen = []
    replicates(BootstrapPlan(range(10), 25, 0), MeanOfCases(np.arange(10.0)), chunk_size=10, progress=seen.append)
    assert seen == [10, 10, 5]


def test_sum_statistics_are_bitwise_chunk_invariant(rng):
    from mlcore.eval.metrics import binary_metric

    n = 1001  # odd, so rows start at every alignment
    y = rng.integers(0, 2, n)
    p = rng.random(n)
    plan = BootstrapPlan(range(n), 23, 4, strata=y)
    for name in ("brier", "mcc", "ece"):
        stat = binary_metric(name).make_statistic(y, p)
        runs = [replicates(plan, stat, chunk_size=c) for c in (1, 5, 23)]
        for r in runs[1:]:
            np.testing.assert_array_equal(r, runs[0])


def test_fused_average_precision_equals_weights_path_and_sklearn(rng):
    from sklearn.metrics import average_precision_score

    from mlcore.eval.metrics.rank_statistics import APStatistic

    n = 150
    y = rng.integers(0, 2, n)
    s = np.round(rng.normal(size=n) + y, 1)
    stat = APStatistic(y, s)
    assert stat.point() == pytest.approx(average_precision_score(y, s), rel=1e-12)
    plan = BootstrapPlan(range(n), 30, 8, strata=y)
    w = plan.weights()
    np.testing.assert_array_equal(stat.replicates_from_plan(plan, 0, 30), stat.replicates(w))
    expected = [average_precision_score(np.repeat(y, row), np.repeat(s, row)) for row in w]
    np.testing.assert_allclose(replicates(plan, stat), expected, rtol=1e-12)
