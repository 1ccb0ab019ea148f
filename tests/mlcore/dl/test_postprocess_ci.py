import numpy as np
import pytest

from mlcore.dl.ci import WeightedAUC, metric_with_ci
from mlcore.dl.postprocess import (
    FillHoles,
    KeepLargestComponent,
    RemoveSmallObjects,
    Threshold,
    keep_largest_component,
)
from mlcore.eval.metrics import roc_auc


def test_postprocess_ops_by_hand():
    m = np.zeros((7, 7), np.uint8)
    m[1:4, 1:4] = 1  # 9-pixel square with a hole in the middle
    m[2, 2] = 0
    m[5, 5] = 1  # 1-pixel speck
    m[5, 0:2] = 1  # 2-pixel bar
    filled = FillHoles("m")({"m": m})["m"]
    assert filled.sum() == m.sum() + 1 and filled[2, 2] == 1
    small = RemoveSmallObjects("m", min_size=2)({"m": m})["m"]
    assert small.sum() == 8 + 2 and small[5, 5] == 0
    largest = KeepLargestComponent("m")({"m": m})["m"]
    assert largest.sum() == 8 and largest[5, 0] == 0
    diag = np.eye(3, dtype=np.uint8)  # diagonal voxels touch: one component under 8-connectivity
    assert keep_largest_component(diag).sum() == 3
    assert keep_largest_component(np.zeros((3, 3))).sum() == 0
    t = Threshold("p", level=0.5, key_out="m")({"p": np.array([0.2, 0.5, 0.7])})
    assert t["m"].tolist() == [0, 1, 1]


def test_weighted_auc_equals_roc_auc_on_the_expanded_cases():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 40)
    s = np.round(rng.normal(size=40) + y, 1)  # rounding makes ties
    stat = WeightedAUC(y, s)
    assert stat.point() == pytest.approx(roc_auc(y, s), abs=1e-12)
    w = rng.multinomial(40, np.full(40, 1 / 40), size=5)
    for row, value in zip(w, stat.replicates(w), strict=True):
        idx = np.repeat(np.arange(40), row)
        assert value == pytest.approx(roc_auc(y[idx], s[idx]), abs=1e-12)


def test_metric_with_ci_against_an_explicit_bootstrap_loop():
    from mlcore.eval.stats.plan import BootstrapPlan

    values = np.array([0.9, 0.7, 0.8, 0.95, 0.6, 0.85])
    ci = metric_with_ci(values, n_resamples=500, seed=3, alpha=0.1)
    assert ci["engine"] == "mlcore.eval.stats"
    # Second implementation: the plan's multiplicities turned into index lists, means taken one by one.
    w = BootstrapPlan(tuple(range(6)), 500, 3).weights(0, 500)
    assert (w.sum(axis=1) == 6).all()
    reps = np.array([values[np.repeat(np.arange(6), row)].mean() for row in w])
    assert ci["value"] == pytest.approx(values.mean())
    assert (ci["low"], ci["high"]) == pytest.approx(tuple(np.quantile(reps, [0.05, 0.95])))
    assert ci["level"] == pytest.approx(0.9) and ci["low"] < ci["value"] < ci["high"]


def test_stratified_auc_ci_keeps_class_counts():
    from mlcore.dl.ci import auc_statistic
    from mlcore.eval.stats.plan import BootstrapPlan

    rng = np.random.default_rng(1)
    y = np.array([1] * 12 + [0] * 28)
    s = rng.normal(size=40) + y
    ci = metric_with_ci(auc_statistic(y, s), n_resamples=300, seed=0, strata=y)
    w = BootstrapPlan(tuple(range(40)), 300, 0, strata=tuple(y.tolist())).weights(0, 300)
    assert (w[:, y == 1].sum(axis=1) == 12).all()  # every resample keeps 12 positives
    reps = [roc_auc(y[np.repeat(np.arange(40), row)], s[np.repeat(np.arange(40), row)]) for row in w]
    assert ci["value"] == pytest.approx(roc_auc(y, s))
    assert (ci["low"], ci["high"]) == pytest.approx(tuple(np.quantile(reps, [0.025, 0.975])))


def test_fallback_without_the_engine_is_a_numpy_multinomial_bootstrap(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "mlcore.eval.stats.engine", None)  # import now raises ImportError
    values = np.array([0.9, 0.7, 0.8, 0.95, 0.6, 0.85])
    ci = metric_with_ci(values, n_resamples=400, seed=5)
    w = np.random.default_rng(5).multinomial(6, np.full(6, 1 / 6), size=400)
    reps = np.array([values[np.repeat(np.arange(6), row)].mean() for row in w])
    assert ci["engine"] == "numpy multinomial"
    assert (ci["low"], ci["high"]) == pytest.approx(tuple(np.quantile(reps, [0.025, 0.975])))
