"""The multiclass metric registry. y_true: (N,) class indices; y_prob: (N, K) probabilities."""

from __future__ import annotations

import numpy as np

from ..resampling import SumsStatistic
from . import multiclass as mc
from .base import Metric
from .rank_statistics import OvrAUCStatistic


def _confusion_statistic(formula):
    def statistic(y_true, y_prob):
        p = np.asarray(y_prob, dtype=float)
        k = p.shape[1]
        cell = np.asarray(y_true, dtype=np.int64) * k + p.argmax(axis=1)
        features = np.zeros((cell.size, k * k))
        features[np.arange(cell.size), cell] = 1.0
        return SumsStatistic(features, lambda s: formula(s.reshape(s.shape[:-1] + (k, k))))

    return statistic


def _correct(y_true, y_prob):
    return np.asarray(y_prob, dtype=float).argmax(axis=1) == np.asarray(y_true)


MULTICLASS_METRICS: dict[str, Metric] = {
    "auc_macro": Metric("auc_macro", mc.ovr_auc_macro, True, (0.0, 1.0), "nan when a class is absent", True,
                        "one-vs-rest AUC, unweighted mean over classes",
                        statistic=lambda y, p: OvrAUCStatistic(y, p, "macro")),
    "auc_weighted": Metric("auc_weighted", mc.ovr_auc_weighted, True, (0.0, 1.0), "nan when a class is absent", True,
                           "one-vs-rest AUC, mean weighted by class prevalence",
                           statistic=lambda y, p: OvrAUCStatistic(y, p, "weighted")),
    "macro_f1": Metric("macro_f1", mc.macro_f1, True, (0.0, 1.0), "a class neither present nor predicted scores 0", True,
                       "unweighted mean of per-class F1 of the argmax class",
                       statistic=_confusion_statistic(mc.macro_f1_from_confusion)),
    "accuracy": Metric("accuracy", mc.accuracy, True, (0.0, 1.0), "never undefined", True,
                       "fraction of cases whose argmax class is right",
                       statistic=_confusion_statistic(mc.accuracy_from_confusion),
                       per_case=lambda y, p: _correct(y, p).astype(float), correct=_correct),
    "balanced_accuracy": Metric("balanced_accuracy", mc.balanced_accuracy, True, (0.0, 1.0),
                                "classes absent from the truth are left out", True, "mean per-class recall",
                                statistic=_confusion_statistic(mc.balanced_accuracy_from_confusion)),
    "qwk": Metric("qwk", mc.quadratic_weighted_kappa, True, (-1.0, 1.0), "nan when expected disagreement is 0", True,
                  "quadratic weighted kappa, classes ordered as the columns",
                  statistic=_confusion_statistic(mc.quadratic_kappa_from_confusion)),
    "brier": Metric("brier", mc.multiclass_brier, False, (0.0, 2.0), "never undefined", True,
                    "multiclass Brier score: mean of sum over classes of squared errors", per_case=mc.brier_per_case),
}
