"""Multiclass and regression metrics cross-checked against scikit-learn and scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from sklearn import metrics as skm

from mlcore.eval.metrics import MULTICLASS_METRICS, REGRESSION_METRICS


def _multiclass(rng, n=300, k=4):
    y = rng.integers(0, k, n)
    logits = rng.normal(size=(n, k)) + 1.5 * np.eye(k)[y]
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return y, p


def test_multiclass_metrics_match_sklearn(rng):
    y, p = _multiclass(rng)
    yhat = p.argmax(axis=1)
    m = MULTICLASS_METRICS
    assert m["auc_macro"](y, p) == pytest.approx(skm.roc_auc_score(y, p, multi_class="ovr", average="macro"), rel=1e-12)
    assert m["auc_weighted"](y, p) == pytest.approx(skm.roc_auc_score(y, p, multi_class="ovr", average="weighted"), rel=1e-12)
    assert m["macro_f1"](y, p) == pytest.approx(skm.f1_score(y, yhat, average="macro"), rel=1e-12)
    assert m["accuracy"](y, p) == pytest.approx(skm.accuracy_score(y, yhat), rel=1e-12)
    assert m["balanced_accuracy"](y, p) == pytest.approx(skm.balanced_accuracy_score(y, yhat), rel=1e-12)
    assert m["qwk"](y, p) == pytest.approx(skm.cohen_kappa_score(y, yhat, weights="quadratic"), rel=1e-12)
    brier = np.mean([sum((p[i, j] - (y[i] == j)) ** 2 for j in range(p.shape[1])) for i in range(len(y))])
    assert m["brier"](y, p) == pytest.approx(brier, rel=1e-12)


def test_regression_metrics_match_sklearn_and_scipy(rng):
    y = rng.normal(10, 3, 200)
    p = y + rng.normal(0, 2, 200)
    p[:20] = np.round(p[:20])  # some ties for Spearman
    m = REGRESSION_METRICS
    assert m["mae"](y, p) == pytest.approx(skm.mean_absolute_error(y, p), rel=1e-12)
    assert m["rmse"](y, p) == pytest.approx(np.sqrt(skm.mean_squared_error(y, p)), rel=1e-12)
    assert m["r2"](y, p) == pytest.approx(skm.r2_score(y, p), rel=1e-12)
    assert m["pearson"](y, p) == pytest.approx(stats.pearsonr(y, p)[0], rel=1e-10)
    assert m["spearman"](y, p) == pytest.approx(stats.spearmanr(y, p)[0], rel=1e-10)


def test_directions_and_ranges_are_stated():
    for registry in (MULTICLASS_METRICS, REGRESSION_METRICS):
        for metric in registry.values():
            assert isinstance(metric.higher_is_better, bool)
            assert len(metric.range) == 2 and metric.undefined and metric.description
    assert REGRESSION_METRICS["mae"].higher_is_better is False
    assert MULTICLASS_METRICS["brier"].range == (0.0, 2.0)
