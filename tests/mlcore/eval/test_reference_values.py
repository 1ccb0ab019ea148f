"""Every published reference value concerning these statistics (see data/README.md for sources)."""

from __future__ import annotations

import numpy as np
import pytest

from mlcore.eval.metrics import roc_auc
from mlcore.eval.metrics.rank_statistics import AUCStatistic
from mlcore.eval.stats.delong import delong_ci, delong_test
from mlcore.eval.stats.engine import replicates
from mlcore.eval.stats.intervals import percentile_ci
from mlcore.eval.stats.mcnemar import mcnemar_test
from mlcore.eval.stats.plan import BootstrapPlan
from mlcore.eval.stats.wilcoxon import wilcoxon_test

REL = 1e-9

# pROC on aSAH (auc, var, ci.auc, roc.test with method="delong").
ASAH_AUC = {"wfns": 0.823678861788618, "s100b": 0.731368563685637, "ndka": 0.611957994579946}
ASAH_VAR = {"wfns": 0.00146991470882363, "s100b": 0.00266868245717244, "ndka": 0.0031908105493913}


@pytest.mark.parametrize("marker", sorted(ASAH_AUC))
def test_asah_auc_and_delong_variance(asah, marker):
    ci = delong_ci(asah["y"], asah[marker])
    assert ci["auc"] == pytest.approx(ASAH_AUC[marker], rel=REL)
    assert roc_auc(asah["y"], asah[marker]) == pytest.approx(ASAH_AUC[marker], rel=REL)
    assert ci["variance"] == pytest.approx(ASAH_VAR[marker], rel=REL)


def test_asah_delong_ci_ndka(asah):
    ci = delong_ci(asah["y"], asah["ndka"])
    assert (ci["ci_low"], ci["ci_high"]) == pytest.approx((0.501244999271703, 0.722670989888189), rel=REL)


def test_asah_paired_delong_wfns_vs_s100b(asah):
    t = delong_test(asah["y"], asah["wfns"], asah["s100b"])
    assert t["z"] == pytest.approx(2.20898359144091, rel=REL)
    assert t["p_value"] == pytest.approx(0.0271757822291882, rel=REL)
    assert (t["ci_low"], t["ci_high"]) == pytest.approx((0.0104061769564846, 0.174214419249478), rel=REL)
    greater = delong_test(asah["y"], asah["wfns"], asah["s100b"], alternative="greater")
    assert greater["p_value"] == pytest.approx(0.0135878911145941, rel=REL)
    less = delong_test(asah["y"], asah["wfns"], asah["s100b"], alternative="less")
    assert less["p_value"] == pytest.approx(1 - 0.0135878911145941, rel=REL)


@pytest.mark.parametrize(("a", "b", "z", "p"), [
    ("wfns", "ndka", 2.79777591868904, 0.00514557970691098),
    ("ndka", "s100b", -1.39077002573558, 0.164295175223054),
])
def test_asah_paired_delong_other_pairs(asah, a, b, z, p):
    t = delong_test(asah["y"], asah[a], asah[b])
    assert t["z"] == pytest.approx(z, rel=REL)
    assert t["p_value"] == pytest.approx(p, rel=REL)


@pytest.mark.parametrize(("variant", "statistic", "p"), [
    ("chi2_corrected", 16.81779661016949, 4.114562281345944e-05),
    ("chi2", 17.35593220338983, 3.099293441045215e-05),
    ("exact", 86, 3.7159361395713866e-05),
])
def test_mcnemar_agresti(variant, statistic, p):
    t = mcnemar_test([[794, 150], [86, 570]], variant=variant)
    assert t["statistic"] == pytest.approx(statistic, rel=REL)
    assert t["p_value"] == pytest.approx(p, rel=REL)


def test_mcnemar_from_correctness_vectors_matches_table():
    # 3 cases both right, 2 only A right, 1 only B right, 1 both wrong.
    a = np.array([1, 1, 1, 1, 1, 0, 0], bool)
    b = np.array([1, 1, 1, 0, 0, 1, 0], bool)
    t = mcnemar_test(correct_a=a, correct_b=b, variant="exact")
    assert (t["b"], t["c"]) == (2, 1)
    assert t["p_value"] == pytest.approx(1.0)  # 2 * P(Bin(3, .5) <= 1) = 2 * 4/8


WX = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
WY = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]


def test_wilcoxon_exact_hollander_wolfe():
    t = wilcoxon_test(WX, WY, alternative="greater")
    assert t["variant"] == "exact"
    assert t["statistic"] == 40
    assert t["p_value"] == pytest.approx(10 / 512, rel=REL)


@pytest.mark.parametrize(("correction", "p"), [(False, 0.019075855086707567), (True, 0.022005492006475714)])
def test_wilcoxon_normal_approximation(correction, p):
    t = wilcoxon_test(WX, WY, alternative="greater", method="normal", correction=correction)
    assert t["p_value"] == pytest.approx(p, rel=REL)


def test_knight_auc_and_stratified_bootstrap_ci(knight):
    auc = roc_auc(knight["y"], knight["score"])
    assert auc == pytest.approx(0.845, abs=0.0005)
    plan = BootstrapPlan(knight["ids"], 10_000, seed=1234, strata=knight["y"])
    reps = replicates(plan, AUCStatistic(knight["y"], knight["score"]))
    lo, hi = percentile_ci(reps)
    assert lo == pytest.approx(0.712, abs=0.01)
    assert hi == pytest.approx(0.954, abs=0.01)
    assert reps.mean() == pytest.approx(0.8456, abs=0.005)
    assert reps.std() == pytest.approx(0.0622, abs=0.005)
