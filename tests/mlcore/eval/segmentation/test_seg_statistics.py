"""Aggregate statistics resample like an explicit re-aggregation of each resample's cases."""

import numpy as np
import pytest

from mlcore.eval.segmentation.overlap import dice_from_counts
from mlcore.eval.segmentation.statistics import (
    MeanOfDefinedCases,
    global_dice,
    pooled_lesion_f1,
    pooled_lesion_recall,
)


def resamples(rng, b, n):
    idx = rng.integers(0, n, size=(b, n))
    weights = np.zeros((b, n))
    for r in range(b):
        np.add.at(weights[r], idx[r], 1)
    return idx, weights


def test_global_dice_equals_naive_reaggregation():
    rng = np.random.default_rng(3)
    n, labels = 25, 2
    tp = rng.integers(0, 500, (n, labels))
    fp = rng.integers(0, 80, (n, labels))
    fn = rng.integers(0, 80, (n, labels))
    tp[:4, 1] = fp[:4, 1] = fn[:4, 1] = 0  # label 2 absent in some cases
    idx, weights = resamples(rng, 200, n)
    stat = global_dice(tp, fp, fn)
    naive = []
    for rows in idx:  # the explicit loop: gather the drawn cases, sum their counts, compute Dice
        per_label = [2 * tp[rows, k].sum() / (2 * tp[rows, k].sum() + fp[rows, k].sum() + fn[rows, k].sum())
                     for k in range(labels)]
        naive.append(np.mean(per_label))
    assert stat.replicates(weights) == pytest.approx(naive, rel=1e-12)
    assert stat.point() == pytest.approx(np.mean(dice_from_counts(tp.sum(0), fp.sum(0), fn.sum(0))))


def test_pooled_lesion_f1_and_recall_equal_naive_loop():
    rng = np.random.default_rng(4)
    n = 30
    tp, fp, fn = (rng.integers(0, 4, n) for _ in range(3))
    idx, weights = resamples(rng, 300, n)
    f1, recall = pooled_lesion_f1(tp, fp, fn), pooled_lesion_recall(tp, fn)
    naive_f1, naive_recall = [], []
    for rows in idx:
        t, p, m = tp[rows].sum(), fp[rows].sum(), fn[rows].sum()
        naive_f1.append(2 * t / (2 * t + p + m) if 2 * t + p + m else 1.0)
        naive_recall.append(t / (t + m) if t + m else 1.0)
    assert f1.replicates(weights) == pytest.approx(naive_f1, rel=1e-12)
    assert recall.replicates(weights) == pytest.approx(naive_recall, rel=1e-12)


def test_pooled_ratio_all_empty_takes_empty_value():
    zeros = np.zeros(5)
    assert global_dice(zeros, zeros, zeros).point() == 1.0
    assert global_dice(zeros, zeros, zeros, empty_value=0.0).point() == 0.0


def test_mean_of_defined_cases():
    values = np.array([0.5, np.nan, 1.0, 0.0])
    stat = MeanOfDefinedCases(values)
    assert stat.point() == pytest.approx(0.5)
    w = np.array([[2, 1, 1, 0], [0, 4, 0, 0]])
    reps = stat.replicates(w)
    assert reps[0] == pytest.approx((2 * 0.5 + 1.0) / 3)
    assert np.isnan(reps[1])
