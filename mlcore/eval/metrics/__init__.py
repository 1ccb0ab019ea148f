"""Metrics: plain array functions first, with `Metric` records that state direction, range and the
CaseStatistic the bootstrap engine resamples."""

from .base import Metric
from .binary import BINARY_METRICS, binary_metric
from .classification import (
    average_precision,
    brier_score,
    brier_skill_score,
    check_probabilities,
    expected_calibration_error,
    log_loss,
    roc_auc,
    select_threshold,
    sensitivity_at_specificity,
    specificity_at_sensitivity,
)
from .registry_multiclass import MULTICLASS_METRICS
from .registry_regression import REGRESSION_METRICS

__all__ = [
    "Metric", "BINARY_METRICS", "MULTICLASS_METRICS", "REGRESSION_METRICS", "binary_metric", "roc_auc",
    "average_precision", "brier_score", "brier_skill_score", "check_probabilities", "expected_calibration_error",
    "log_loss", "select_threshold", "sensitivity_at_specificity", "specificity_at_sensitivity",
]
