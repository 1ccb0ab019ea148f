"""The binary classification metric registry (name -> Metric), with parametrised names.

``sensitivity@0.3`` uses threshold 0.3; ``sensitivity@youden`` the Youden threshold chosen on the
evaluated data and then held fixed in every bootstrap resample (the interval does not include the
variability of threshold selection); ``sens_at_spec@0.95`` sensitivity at specificity >= 0.95.
Unparametrised threshold metrics use 0.5, which presumes probability-like scores.
"""

from __future__ import annotations

import numpy as np

from ..resampling import SumsStatistic
from . import classification as c
from . import confusion as cm
from . import levels as lv
from .base import Metric
from .rank_statistics import APStatistic, AUCStatistic, LevelStatistic

_THRESHOLD_FORMULAS = {
    "sensitivity": (cm.sensitivity_from_counts, (0.0, 1.0), True, "nan without positives"),
    "specificity": (cm.specificity_from_counts, (0.0, 1.0), True, "nan without negatives"),
    "ppv": (cm.ppv_from_counts, (0.0, 1.0), True, "nan when no case is called positive"),
    "npv": (cm.npv_from_counts, (0.0, 1.0), True, "nan when no case is called negative"),
    "f1": (cm.f1_from_counts, (0.0, 1.0), True, "nan without positives and positive calls"),
    "accuracy": (cm.accuracy_from_counts, (0.0, 1.0), True, "never undefined"),
    "balanced_accuracy": (cm.balanced_accuracy_from_counts, (0.0, 1.0), True, "nan when a class is absent"),
    "mcc": (cm.mcc_from_counts, (-1.0, 1.0), True, "0 when a marginal is empty"),
    "kappa": (cm.kappa_from_counts, (-1.0, 1.0), True, "nan when expected agreement is 1"),
}


def _threshold(y_true, y_score, param) -> float:
    if param == "youden":
        return c.select_threshold(y_true, y_score, "youden")
    return float(param)


def threshold_metric(base: str, param="0.5") -> Metric:
    """A confusion-matrix metric at a fixed threshold (a number) or the Youden threshold ('youden')."""
    formula, rng, hib, undefined = _THRESHOLD_FORMULAS[base]
    name = base if param == "0.5" else f"{base}@{param}"

    def calls(y_true, y_score):
        return np.asarray(y_score, dtype=float) >= _threshold(y_true, y_score, param)

    def fn(y_true, y_score):
        return float(formula(*cm.confusion_counts(y_true, calls(y_true, y_score))))

    def statistic(y_true, y_score):
        y = np.asarray(y_true).astype(bool)
        p = calls(y_true, y_score)
        features = np.stack([y & p, ~y & p, y & ~p, ~y & ~p], axis=1)
        return SumsStatistic(features, lambda s: formula(s[..., 0], s[..., 1], s[..., 2], s[..., 3]))

    def correct(y_true, y_score):
        return calls(y_true, y_score) == np.asarray(y_true).astype(bool)

    per_case = (lambda y, s: correct(y, s).astype(float)) if base == "accuracy" else None
    return Metric(name, fn, hib, rng, undefined, description=f"{base.replace('_', ' ')}, positive when score >= "
                  f"{'the Youden threshold' if param == 'youden' else param}", statistic=statistic,
                  per_case=per_case, correct=correct if base == "accuracy" else None)


def operating_point_metric(base: str, param="0.9") -> Metric:
    """sens_at_spec@x (sensitivity at specificity >= x) or spec_at_sens@x."""
    target = float(param)
    formula = lv.sensitivity_at_specificity_from_levels if base == "sens_at_spec" else lv.specificity_at_sensitivity_from_levels
    fn_ = c.sensitivity_at_specificity if base == "sens_at_spec" else c.specificity_at_sensitivity
    what = "sensitivity at specificity" if base == "sens_at_spec" else "specificity at sensitivity"
    return Metric(f"{base}@{param}", lambda y, s: fn_(y, s, target), True, (0.0, 1.0), "nan when a class is absent",
                  description=f"{what} >= {param}",
                  statistic=lambda y, s: LevelStatistic(y, s, lambda cp, cn: formula(cp, cn, target)))


def _ece_statistic(y_true, y_prob):
    bins = c.calibration_bins(y_prob)
    resid = np.asarray(y_true, dtype=float) - np.asarray(y_prob, dtype=float)
    features = np.zeros((bins.size, c.ECE_BINS + 1))
    features[np.arange(bins.size), bins] = resid
    features[:, -1] = 1.0
    return SumsStatistic(features, lambda s: np.abs(s[..., :-1]).sum(-1) / s[..., -1])


def _bss_statistic(y_true, y_prob):
    y = np.asarray(y_true, dtype=float)
    features = np.stack([np.ones_like(y), y, c.brier_per_case(y, y_prob)], axis=1)

    def formula(s):
        ybar = s[..., 1] / s[..., 0]
        ref = ybar * (1 - ybar)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(ref > 0, 1 - (s[..., 2] / s[..., 0]) / np.where(ref > 0, ref, 1), np.nan)

    return SumsStatistic(features, formula)


def _fixed() -> dict[str, Metric]:
    return {
        "auc": Metric("auc", c.roc_auc, True, (0.0, 1.0), "nan when a class is absent",
                      description="area under the ROC curve, ties as midranks", statistic=AUCStatistic, verdict_test="delong"),
        "average_precision": Metric("average_precision", c.average_precision, True, (0.0, 1.0), "nan without positives",
                                    description="average precision (step-wise area under the precision-recall curve)",
                                    statistic=APStatistic),
        "brier": Metric("brier", c.brier_score, False, (0.0, 1.0), "never undefined", True,
                        "mean squared error of the probability of class 1", per_case=c.brier_per_case),
        "brier_skill": Metric("brier_skill", c.brier_skill_score, True, (None, 1.0), "nan when one class only", True,
                              "1 - Brier / Brier of the prevalence forecast", statistic=_bss_statistic),
        "log_loss": Metric("log_loss", c.log_loss, False, (0.0, None), "never undefined (probabilities clipped to 1e-15)",
                           True, "mean negative log-likelihood in nats", per_case=c.log_loss_per_case),
        "ece": Metric("ece", c.expected_calibration_error, False, (0.0, 1.0), "never undefined", True,
                      f"expected calibration error, {c.ECE_BINS} equal-width bins", statistic=_ece_statistic),
    }


def binary_metric(name: str) -> Metric:
    """Resolve a binary metric name, including parametrised ones (``base@param``)."""
    base, _, param = name.partition("@")
    if base in _THRESHOLD_FORMULAS:
        if param not in ("", "youden"):
            float(param)
        return threshold_metric(base, param or "0.5")
    if base in ("sens_at_spec", "spec_at_sens"):
        if not 0.0 <= float(param or 0.9) <= 1.0:
            raise ValueError(f"{base} needs a target in [0, 1], got {param}")
        return operating_point_metric(base, param or "0.9")
    fixed = _fixed()
    if param or base not in fixed:
        raise KeyError(name)
    return fixed[base]


BINARY_METRICS: dict[str, Metric] = {
    **_fixed(),
    **{base: threshold_metric(base) for base in _THRESHOLD_FORMULAS},
    "sens_at_spec@0.9": operating_point_metric("sens_at_spec", "0.9"),
    "spec_at_sens@0.9": operating_point_metric("spec_at_sens", "0.9"),
}
