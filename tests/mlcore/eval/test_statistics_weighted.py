"""Every metric's CaseStatistic, evaluated on case multiplicities, equals the plain metric function on
the data set that the multiplicities describe (cases repeated). This is what makes a bootstrap
replicate right without re-running the metric per resample."""

from __future__ import annotations

import numpy as np
import pytest

from mlcore.eval.metrics import BINARY_METRICS, MULTICLASS_METRICS, REGRESSION_METRICS, binary_metric


def _weights(rng, n, b=6):
    w = rng.multinomial(n, np.ones(n) / n, size=b)
    w[0] = 1  # the original data
    return w


def _check(metric, y, p, w):
    stat = metric.make_statistic(y, p)
    got = stat.replicates(w)
    expected = [metric.fn(np.repeat(y, row, axis=0), np.repeat(p, row, axis=0)) for row in w]
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12, err_msg=metric.name)
    assert stat.point() == pytest.approx(metric.fn(y, p), rel=1e-10, abs=1e-12)


BINARY_NAMES = sorted(BINARY_METRICS) + ["sens_at_spec@0.8", "spec_at_sens@0.95", "mcc@0.3"]


@pytest.mark.parametrize("name", BINARY_NAMES)
def test_binary_statistics(rng, name):
    n = 120
    y = rng.integers(0, 2, n)
    p = np.round(1 / (1 + np.exp(-(rng.normal(size=n) + y))), 2)
    _check(binary_metric(name), y, p, _weights(rng, n))


def test_youden_threshold_is_chosen_once_and_held_fixed(rng):
    from mlcore.eval.metrics import select_threshold

    n = 120
    y = rng.integers(0, 2, n)
    p = np.round(1 / (1 + np.exp(-(rng.normal(size=n) + y))), 2)
    t = select_threshold(y, p, "youden")
    w = _weights(rng, n)
    fixed = binary_metric(f"f1@{t}")
    expected = [fixed.fn(np.repeat(y, row), np.repeat(p, row)) for row in w]
    np.testing.assert_allclose(binary_metric("f1@youden").make_statistic(y, p).replicates(w), expected, rtol=1e-12)


@pytest.mark.parametrize("name", sorted(MULTICLASS_METRICS))
def test_multiclass_statistics(rng, name):
    n, k = 90, 3
    y = rng.integers(0, k, n)
    logits = rng.normal(size=(n, k)) + np.eye(k)[y]
    p = np.round(np.exp(logits) / np.exp(logits).sum(1, keepdims=True), 3)
    p[:, -1] = 1 - p[:, :-1].sum(1)
    w = _weights(rng, n)
    w[:, np.flatnonzero(y == 0)[:1]] += 1  # every class present in every row
    _check(MULTICLASS_METRICS[name], y, p, w)


@pytest.mark.parametrize("name", sorted(REGRESSION_METRICS))
def test_regression_statistics(rng, name):
    n = 80
    y = np.round(rng.normal(size=n), 1)
    p = np.round(y + rng.normal(size=n), 1)
    _check(REGRESSION_METRICS[name], y, p, _weights(rng, n))


@pytest.mark.parametrize("name", ["auc", "brier", "accuracy", "brier_skill", "ece"])
def test_jackknife_is_leave_one_case_out(rng, name):
    n = 40
    y = rng.integers(0, 2, n)
    p = np.round(rng.random(n), 1)
    metric = binary_metric(name)
    jack = metric.make_statistic(y, p).jackknife(np.arange(n), n)
    expected = [metric.fn(np.delete(y, i), np.delete(p, i)) for i in range(n)]
    np.testing.assert_allclose(jack, expected, rtol=1e-10)
