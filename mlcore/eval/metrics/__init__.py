"""Metrics: plain array functions first, with `Metric` records that state direction and range."""

from .base import Metric
from .classification import roc_auc

BINARY_METRICS = {
    "auc": Metric("auc", roc_auc, higher_is_better=True, range=(0.0, 1.0), undefined="nan when a class is absent",
                  description="area under the ROC curve, ties as midranks"),
}

__all__ = ["Metric", "roc_auc", "BINARY_METRICS"]
