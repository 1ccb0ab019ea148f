"""The regression metric registry. y_true, y_pred: (N,) values in the target's unit."""

from __future__ import annotations

import numpy as np

from ..resampling import SumsStatistic
from . import regression as rg
from .base import Metric
from .rank_statistics import SpearmanStatistic


def _sums(formula):
    return lambda y, p: SumsStatistic(rg.regression_features(y, p), formula)


REGRESSION_METRICS: dict[str, Metric] = {
    "mae": Metric("mae", rg.mae, False, (0.0, None), "never undefined", description="mean absolute error",
                  statistic=_sums(rg.mae_from_sums), per_case=lambda y, p: np.abs(np.asarray(p, float) - np.asarray(y, float))),
    "rmse": Metric("rmse", rg.rmse, False, (0.0, None), "never undefined", description="root mean squared error",
                   statistic=_sums(rg.rmse_from_sums)),
    "r2": Metric("r2", rg.r2, True, (None, 1.0), "nan when the truth is constant", description="coefficient of determination",
                 statistic=_sums(rg.r2_from_sums)),
    "pearson": Metric("pearson", rg.pearson, True, (-1.0, 1.0), "nan when a variable is constant",
                      description="Pearson's correlation", statistic=_sums(rg.pearson_from_sums)),
    "spearman": Metric("spearman", rg.spearman, True, (-1.0, 1.0), "nan when a variable is constant",
                       description="Spearman's rank correlation (midranks)", statistic=SpearmanStatistic),
}
