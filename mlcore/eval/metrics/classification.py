"""Binary classification metrics as plain array functions.

y_true: array of shape (N,) with 1 for the positive class and 0 for the negative class.
y_score: array of shape (N,) of real-valued scores; higher means more likely positive. Metrics that
need probabilities (Brier, log loss, calibration) take y_prob in [0, 1] (probability of class 1);
`check_probabilities` refuses anything else with a message naming the offending positions.
Threshold metrics call a case positive when its score is >= the threshold.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

from . import confusion as cm
from .levels import (
    average_precision_from_levels,
    level_counts,
    score_levels,
    sensitivity_at_specificity_from_levels,
    specificity_at_sensitivity_from_levels,
)

#: Probabilities are clipped to [LOG_LOSS_EPS, 1 - LOG_LOSS_EPS] before taking logs.
LOG_LOSS_EPS = 1e-15
#: Number of equal-width probability bins of the expected calibration error.
ECE_BINS = 10


def check_probabilities(y_prob, name: str = "predictions") -> np.ndarray:
    """Return y_prob as float; raise ValueError if any value lies outside [0, 1] or is not finite."""
    p = np.asarray(y_prob, dtype=float)
    bad = np.flatnonzero(~np.isfinite(p) | (p < 0) | (p > 1))
    if bad.size:
        shown = ", ".join(f"#{i} = {p.flat[i]:g}" for i in bad[:5])
        raise ValueError(
            f"{name} must be probabilities in [0, 1] for this metric; {bad.size} value(s) are outside "
            f"({shown}{' ...' if bad.size > 5 else ''}). Rank metrics such as AUC accept any real score."
        )
    return p


def _levels(y_true, y_score):
    level, n_levels = score_levels(y_score)
    return level_counts(y_true, level, n_levels)


def roc_auc(y_true, y_score) -> float:
    """Area under the ROC curve, ties counted as one half (Mann-Whitney U with midranks).

    AUC = (sum of positive midranks - n1 (n1 + 1) / 2) / (n1 n0). NaN when a class is absent.
    """
    y_true = np.asarray(y_true).astype(bool)
    y_score = np.asarray(y_score, dtype=float)
    n1 = int(y_true.sum())
    n0 = y_true.size - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    ranks = rankdata(y_score)
    return float((ranks[y_true].sum() - n1 * (n1 + 1) / 2.0) / (n1 * n0))


def average_precision(y_true, y_score) -> float:
    """Average precision (area under the step precision-recall curve, scikit-learn's definition). NaN without positives."""
    return float(average_precision_from_levels(*_levels(y_true, y_score)))


def sensitivity_at_specificity(y_true, y_score, specificity: float = 0.9) -> float:
    """Highest sensitivity reachable by a threshold with specificity >= `specificity`."""
    return float(sensitivity_at_specificity_from_levels(*_levels(y_true, y_score), specificity))


def specificity_at_sensitivity(y_true, y_score, sensitivity: float = 0.9) -> float:
    """Highest specificity reachable by a threshold with sensitivity >= `sensitivity`."""
    return float(specificity_at_sensitivity_from_levels(*_levels(y_true, y_score), sensitivity))


def select_threshold(y_true, y_score, method: str = "youden", value: float = 0.5) -> float:
    """Decision threshold: ``fixed`` returns `value`; ``youden`` the observed score maximising
    sensitivity + specificity - 1 (the smallest such score on ties)."""
    if method == "fixed":
        return float(value)
    if method != "youden":
        raise ValueError(f"unknown threshold method {method!r}; expected 'youden' or 'fixed'")
    y = np.asarray(y_true).astype(bool)
    s = np.asarray(y_score, dtype=float)
    uniq = np.unique(s)
    cpos, cneg = _levels(y, s)
    sens = np.cumsum(cpos[::-1])[::-1] / max(cpos.sum(), 1)
    spec = (np.cumsum(cneg) - cneg) / max(cneg.sum(), 1)
    return float(uniq[int(np.argmax(sens + spec - 1.0))])


def _threshold_metric(formula):
    def metric(y_true, y_score, threshold: float = 0.5) -> float:
        counts = cm.confusion_counts(y_true, np.asarray(y_score, dtype=float) >= threshold)
        return float(formula(*counts))

    metric.__doc__ = f"{formula.__doc__.splitlines()[0]} Cases with score >= threshold are called positive."
    metric.__name__ = formula.__name__.replace("_from_counts", "")
    return metric


sensitivity = _threshold_metric(cm.sensitivity_from_counts)
specificity = _threshold_metric(cm.specificity_from_counts)
ppv = _threshold_metric(cm.ppv_from_counts)
npv = _threshold_metric(cm.npv_from_counts)
f1 = _threshold_metric(cm.f1_from_counts)
accuracy = _threshold_metric(cm.accuracy_from_counts)
balanced_accuracy = _threshold_metric(cm.balanced_accuracy_from_counts)
mcc = _threshold_metric(cm.mcc_from_counts)
cohen_kappa = _threshold_metric(cm.kappa_from_counts)


def brier_per_case(y_true, y_prob) -> np.ndarray:
    """(N,) squared error (p - y)^2 of each case."""
    p = check_probabilities(y_prob)
    return (p - np.asarray(y_true, dtype=float)) ** 2


def brier_score(y_true, y_prob) -> float:
    """Mean squared error of the probability of class 1, in [0, 1]; lower is better."""
    return float(brier_per_case(y_true, y_prob).mean())


def brier_skill_score(y_true, y_prob) -> float:
    """1 - Brier / Brier of the prevalence forecast ybar (1 - ybar); NaN when one class only. At most 1."""
    y = np.asarray(y_true, dtype=float)
    ybar = y.mean()
    ref = ybar * (1.0 - ybar)
    return float("nan") if ref == 0 else 1.0 - brier_score(y, y_prob) / ref


def log_loss_per_case(y_true, y_prob) -> np.ndarray:
    """(N,) negative log-likelihood of each case in nats; probabilities clipped to [1e-15, 1 - 1e-15]."""
    p = np.clip(check_probabilities(y_prob), LOG_LOSS_EPS, 1.0 - LOG_LOSS_EPS)
    y = np.asarray(y_true, dtype=float)
    return -(y * np.log(p) + (1.0 - y) * np.log1p(-p))


def log_loss(y_true, y_prob) -> float:
    """Mean negative log-likelihood in nats; lower is better."""
    return float(log_loss_per_case(y_true, y_prob).mean())


def calibration_bins(y_prob, n_bins: int = ECE_BINS) -> np.ndarray:
    """(N,) bin index of each probability: equal-width bins on [0, 1], the last bin closed at 1."""
    p = check_probabilities(y_prob)
    return np.minimum((p * n_bins).astype(np.int64), n_bins - 1)


def expected_calibration_error(y_true, y_prob, n_bins: int = ECE_BINS) -> float:
    """ECE = sum over bins of (n_bin / N) |mean(y) - mean(p)| in the bin = sum_bins |sum (y - p)| / N."""
    p = check_probabilities(y_prob)
    resid = np.asarray(y_true, dtype=float) - p
    return float(np.abs(np.bincount(calibration_bins(p, n_bins), weights=resid, minlength=n_bins)).sum() / p.size)
