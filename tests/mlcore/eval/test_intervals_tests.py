"""Intervals, multiplicity corrections and paired tests against scipy, statsmodels and hand values."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar
from statsmodels.stats.multitest import multipletests

from mlcore.eval.resampling import MeanOfCases
from mlcore.eval.stats.bootstrap_test import paired_bootstrap_test
from mlcore.eval.stats.delong import delong_ci, delong_pairwise, delong_test, delong_test_unpaired
from mlcore.eval.stats.engine import jackknife, replicates
from mlcore.eval.stats.intervals import basic_ci, bca_ci, percentile_ci
from mlcore.eval.stats.mcnemar import mcnemar_test
from mlcore.eval.stats.multiplicity import adjust_p_values
from mlcore.eval.stats.plan import BootstrapPlan
from mlcore.eval.stats.wilcoxon import wilcoxon_test


def test_percentile_and_basic_by_hand():
    reps = np.arange(1.0, 102.0)  # 1..101: quantile 2.5% = 3.5, 97.5% = 98.5 (linear interpolation)
    assert percentile_ci(reps) == pytest.approx((3.5, 98.5))
    assert basic_ci(40.0, reps) == pytest.approx((80 - 98.5, 80 - 3.5))
    lo, hi = percentile_ci(np.r_[reps, np.nan])  # NaN replicates are left out
    assert (lo, hi) == pytest.approx((3.5, 98.5))


def test_bca_reduces_to_percentile_without_bias_or_skew():
    reps = np.r_[-np.arange(1.0, 501.0), np.arange(1.0, 501.0)]  # median exactly 0 -> z0 = 0
    jack = np.array([-1.0, 1.0, -2.0, 2.0])  # symmetric -> a = 0
    assert bca_ci(0.0, reps, jack) == pytest.approx(percentile_ci(reps))


def test_bca_matches_scipy_for_a_skewed_mean(rng):
    x = rng.exponential(size=60)
    plan = BootstrapPlan(range(60), 20000, seed=4)
    stat = MeanOfCases(x)
    lo, hi = bca_ci(stat.point(), replicates(plan, stat), jackknife(plan, stat))
    ref = stats.bootstrap((x,), np.mean, n_resamples=20000, method="BCa", random_state=1).confidence_interval
    assert lo == pytest.approx(ref.low, abs=0.02)
    assert hi == pytest.approx(ref.high, abs=0.03)
    assert hi - x.mean() > x.mean() - lo  # right skew


@pytest.mark.parametrize(("ours", "theirs"), [("holm", "holm"), ("bonferroni", "bonferroni"), ("bh", "fdr_bh")])
def test_multiplicity_matches_statsmodels(rng, ours, theirs):
    p = rng.random(17) ** 3
    np.testing.assert_allclose(adjust_p_values(p, ours), multipletests(p, method=theirs)[1], rtol=1e-12)
    with_nan = np.r_[p[:5], np.nan]
    adj = adjust_p_values(with_nan, ours)
    assert np.isnan(adj[-1])
    np.testing.assert_allclose(adj[:5], multipletests(p[:5], method=theirs)[1], rtol=1e-12)


@pytest.mark.parametrize("table", [[[10, 3], [9, 12]], [[50, 40], [21, 7]], [[5, 0], [0, 5]]])
def test_mcnemar_matches_statsmodels(table):
    exact = sm_mcnemar(np.array(table), exact=True)
    assert mcnemar_test(table, variant="exact")["p_value"] == pytest.approx(exact.pvalue, rel=1e-10)
    if table[0][1] + table[1][0]:
        corrected = sm_mcnemar(np.array(table), exact=False, correction=True)
        assert mcnemar_test(table, variant="chi2_corrected")["p_value"] == pytest.approx(corrected.pvalue, rel=1e-10)


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_wilcoxon_matches_scipy(rng, alternative):
    x = np.round(rng.normal(0.3, 1, 30), 1)  # ties and zeros
    y = np.round(rng.normal(0.0, 1, 30), 1)
    ref = stats.wilcoxon(x, y, alternative=alternative, zero_method="wilcox", correction=True, method="approx")
    ours = wilcoxon_test(x, y, alternative=alternative)
    assert ours["variant"] == "normal_cc"
    assert ours["p_value"] == pytest.approx(ref.pvalue, rel=1e-10)
    xs, ys = rng.normal(size=12), rng.normal(size=12)
    exact = stats.wilcoxon(xs, ys, alternative=alternative, method="exact")
    assert wilcoxon_test(xs, ys, alternative=alternative)["p_value"] == pytest.approx(exact.pvalue, rel=1e-10)


def test_delong_pairwise_equals_pair_by_pair(asah):
    names = ["wfns", "s100b", "ndka"]
    d = delong_pairwise(asah["y"], np.stack([asah[n] for n in names]))
    for i in range(3):
        for j in range(3):
            if i != j:
                t = delong_test(asah["y"], asah[names[i]], asah[names[j]], alternative="greater")
                assert d["z"][i, j] == pytest.approx(t["z"], rel=1e-12)
                assert d["p_greater"][i, j] == pytest.approx(t["p_value"], rel=1e-12)
    assert d["p_two_sided"][0, 1] == pytest.approx(0.0271757822291882, rel=1e-9)


def test_unpaired_delong_uses_the_sum_of_published_variances(asah):
    t = delong_test_unpaired(asah["y"], asah["wfns"], asah["y"], asah["ndka"])
    z = (0.823678861788618 - 0.611957994579946) / np.sqrt(0.00146991470882363 + 0.0031908105493913)
    assert t["z"] == pytest.approx(z, rel=1e-9)
    assert t["p_value"] == pytest.approx(2 * stats.norm.sf(z), rel=1e-9)


def test_delong_identical_predictions_are_not_different(asah):
    t = delong_test(asah["y"], asah["wfns"], asah["wfns"])
    assert (t["z"], t["p_value"]) == (0.0, 1.0)
    assert delong_ci(asah["y"], asah["wfns"])["ci_high"] <= 1.0


def test_paired_bootstrap_test_by_hand():
    a = np.array([0.80, 0.82, 0.79, 0.85, 0.70])
    b = np.array([0.75, 0.83, 0.70, 0.80, 0.71])  # d = .05, -.01, .09, .05, -.01
    t = paired_bootstrap_test(a, b, 0.8, 0.76)
    assert t["p_value"] == pytest.approx((1 + 2) / 6)
    assert t["difference"] == pytest.approx(0.04)
    ni = paired_bootstrap_test(a, b, 0.8, 0.76, margin=0.02)  # H0: d <= -0.02: no replicate that low
    assert ni["p_value"] == pytest.approx(1 / 6)
    lower = paired_bootstrap_test(b, a, 0.76, 0.8, higher_is_better=False)  # lower is better: b wins
    assert lower["p_value"] == pytest.approx((1 + 2) / 6)
    assert paired_bootstrap_test(a, a, 0.8, 0.8, alternative="two-sided")["p_value"] == 1.0


def test_percentile_ci_of_many_rows_equals_a_row_by_row_nanquantile():
    rng = np.random.default_rng(5)
    reps = rng.normal(size=(7, 300))
    reps[2, :40] = np.nan
    reps[5] = np.nan
    lo, hi = percentile_ci(reps)
    for k in range(7):
        expected = np.nanquantile(reps[k], [0.025, 0.975]) if k != 5 else [np.nan, np.nan]
        np.testing.assert_allclose([lo[k], hi[k]], expected, rtol=1e-15)
