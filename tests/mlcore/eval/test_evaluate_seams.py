"""evaluate() with a task that supplies its own CaseStatistic (as segmentation does), non-inferiority
margins and the median ranking."""

from __future__ import annotations

import numpy as np
import pytest

from mlcore.eval import BootstrapPlan, GroundTruth, evaluate, replicates
from mlcore.eval.metrics import Metric
from mlcore.eval.stats.bootstrap_test import paired_bootstrap_test
from mlcore.eval.tasks import Task


class PooledRatio:
    """A count-based statistic like global Dice: sum(num) / sum(den) over the weighted cases."""

    def __init__(self, num, den):
        self.num, self.den = np.asarray(num, float), np.asarray(den, float)

    def point(self):
        return float(self.num.sum() / self.den.sum())

    def replicates(self, weights):
        w = np.asarray(weights, float)
        return (w @ self.num) / (w @ self.den)


class CountTask(Task):
    name = "counts"
    metrics = {"global_dice": Metric("global_dice", lambda y, p: np.nan, True, (0.0, 1.0))}
    default_metric = "global_dice"

    def case_statistic(self, scores, metric):
        tp, fp, fn = scores
        return PooledRatio(2 * tp, 2 * tp + fp + fn)


def test_any_case_statistic_goes_through_evaluate(rng):
    n = 40
    case_ids = tuple(f"c{i}" for i in range(n))
    truth = GroundTruth(case_ids, np.zeros(n))
    entries = {name: tuple(rng.integers(1, 50, n) for _ in range(3)) for name in ("u", "v")}
    ev = evaluate(CountTask(), truth, entries, bootstrap={"n_resamples": 300, "seed": 2})
    tp, fp, fn = entries["u"]
    assert ev.result("u", "global_dice")["estimate"] == pytest.approx(2 * tp.sum() / (2 * tp.sum() + fp.sum() + fn.sum()))
    expected = replicates(BootstrapPlan(case_ids, 300, 2), PooledRatio(2 * tp, 2 * tp + fp + fn))
    np.testing.assert_array_equal(ev.replicates["global_dice"]["u"], expected)
    assert ev.pairwise[0]["verdict_test"] == "bootstrap"


def test_noninferiority_margin_and_median_ranking(rng):
    n = 120
    y = rng.normal(size=n)
    truth = GroundTruth(tuple(map(str, range(n))), y)
    preds = {"a": y + rng.normal(0, 0.5, n), "b": y + rng.normal(0, 0.55, n)}
    ev = evaluate("regression", truth, preds, ["mae"], bootstrap={"n_resamples": 400, "seed": 9},
                  tests={"margin": 0.05, "correction": "none"}, ranking={"method": "median_then_rank"})
    ni = ev.pairwise[0]["tests"]["noninferiority"]
    ra, rb = ev.replicates["mae"]["a"], ev.replicates["mae"]["b"]
    ref = paired_bootstrap_test(ra, rb, 0, 0, higher_is_better=False, margin=0.05)
    assert ni["p_a_noninferior"] == pytest.approx(ref["p_value"])
    medians = {k: np.median(np.abs(v - y)) for k, v in preds.items()}
    best = min(medians, key=medians.get)
    assert ev.meta["ranking"]["method"] == "median_then_rank" and ev.meta["ranking"]["ranks"][best] == 1
