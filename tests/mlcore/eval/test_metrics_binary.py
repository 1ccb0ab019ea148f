"""Binary metrics cross-checked against scikit-learn and hand computations on seeded random data."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from mlcore.eval.metrics import BINARY_METRICS, binary_metric, check_probabilities, select_threshold
from mlcore.eval.metrics import classification as c


def _data(rng, n=400, ties=True):
    y = rng.integers(0, 2, n)
    p = 1 / (1 + np.exp(-(rng.normal(size=n) + 1.2 * y)))
    return y, (np.round(p, 2) if ties else p)


@pytest.mark.parametrize("ties", [True, False])
def test_rank_metrics_match_sklearn(rng, ties):
    y, p = _data(rng, ties=ties)
    assert c.roc_auc(y, p) == pytest.approx(skm.roc_auc_score(y, p), rel=1e-12)
    assert c.average_precision(y, p) == pytest.approx(skm.average_precision_score(y, p), rel=1e-12)


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.71])
def test_threshold_metrics_match_sklearn(rng, threshold):
    y, p = _data(rng)
    yhat = (p >= threshold).astype(int)
    expected = {
        "sensitivity": skm.recall_score(y, yhat), "specificity": skm.recall_score(y, yhat, pos_label=0),
        "ppv": skm.precision_score(y, yhat), "npv": skm.precision_score(y, yhat, pos_label=0),
        "f1": skm.f1_score(y, yhat), "accuracy": skm.accuracy_score(y, yhat),
        "balanced_accuracy": skm.balanced_accuracy_score(y, yhat), "mcc": skm.matthews_corrcoef(y, yhat),
        "kappa": skm.cohen_kappa_score(y, yhat),
    }
    for name, value in expected.items():
        metric = binary_metric(name if threshold == 0.5 else f"{name}@{threshold}")
        assert metric(y, p) == pytest.approx(value, rel=1e-12), name


def test_probability_metrics_match_sklearn(rng):
    y, p = _data(rng, ties=False)
    assert BINARY_METRICS["brier"](y, p) == pytest.approx(skm.brier_score_loss(y, p), rel=1e-12)
    assert BINARY_METRICS["log_loss"](y, p) == pytest.approx(skm.log_loss(y, p), rel=1e-12)
    ref = y.mean() * (1 - y.mean())
    assert BINARY_METRICS["brier_skill"](y, p) == pytest.approx(1 - skm.brier_score_loss(y, p) / ref, rel=1e-12)


def test_ece_by_hand():
    y = np.array([1, 0, 1, 1, 0, 0])
    p = np.array([0.95, 0.91, 0.15, 0.12, 0.55, 1.0])
    # bins: [0.9,1.0] holds .95, .91, 1.0 (ys 1, 0, 0); [0.1,0.2) holds .15, .12 (ys 1, 1); [0.5,0.6) holds .55 (y 0)
    top = abs((1 + 0 + 0) - (0.95 + 0.91 + 1.0))
    low = abs((1 + 1) - (0.15 + 0.12))
    mid = abs(0 - 0.55)
    assert c.expected_calibration_error(y, p) == pytest.approx((top + low + mid) / 6, rel=1e-12)


def test_operating_points_match_roc_curve(rng):
    y, p = _data(rng)
    fpr, tpr, _ = skm.roc_curve(y, p)
    for target in (0.8, 0.9, 0.95):
        assert c.sensitivity_at_specificity(y, p, target) == pytest.approx(tpr[1 - fpr >= target].max())
        assert c.specificity_at_sensitivity(y, p, target) == pytest.approx((1 - fpr)[tpr >= target].max())


def test_youden_threshold_matches_roc_curve(rng):
    y, p = _data(rng)
    fpr, tpr, thr = skm.roc_curve(y, p)
    j = tpr - fpr
    best = thr[np.flatnonzero(j == j.max())].min()
    assert select_threshold(y, p, "youden") == pytest.approx(best)
    assert select_threshold(y, p, "fixed", 0.3) == 0.3
    m = binary_metric("sensitivity@youden")
    assert m(y, p) == pytest.approx(skm.recall_score(y, (p >= best).astype(int)))


def test_undefined_conventions():
    assert np.isnan(c.roc_auc([1, 1, 1], [0.1, 0.2, 0.3]))
    assert np.isnan(binary_metric("sensitivity")([0, 0], [0.9, 0.1]))
    assert binary_metric("mcc")([1, 0], [0.9, 0.8]) == 0.0  # everything called positive: empty marginal


def test_probability_metric_refuses_scores_outside_unit_interval():
    with pytest.raises(ValueError, match=r"must be probabilities in \[0, 1\].*#1 = 1.5.*AUC accept any real score"):
        BINARY_METRICS["brier"]([0, 1], [0.2, 1.5])
    with pytest.raises(ValueError, match="outside"):
        BINARY_METRICS["log_loss"].make_statistic([0, 1], [-0.1, 0.5])
    with pytest.raises(ValueError, match="2 value"):
        check_probabilities([np.nan, 2.0, 0.5])
    assert BINARY_METRICS["auc"]([0, 1], [-3.0, 7.0]) == 1.0  # rank metrics take any score
