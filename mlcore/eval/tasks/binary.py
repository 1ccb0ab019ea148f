"""Binary classification and regression tasks."""

from __future__ import annotations

import numpy as np

from ..metrics import BINARY_METRICS, REGRESSION_METRICS, Metric, binary_metric
from ..problems import Problem, format_ids
from ..tables import parse_numeric
from .base import GroundTruth, Task


class BinaryClassification(Task):
    """Binary classification: truth ``case_id,label`` (1 positive, 0 negative); predictions ``case_id,score``.

    A score is any real number, higher meaning more likely positive; metrics that need probabilities
    (Brier, log loss, calibration) refuse scores outside [0, 1]. Metric names may carry a parameter:
    ``sensitivity@0.3``, ``f1@youden``, ``sens_at_spec@0.95``.
    """

    name = "binary"
    metrics = BINARY_METRICS
    default_metric = "auc"

    def metric(self, name: str) -> Metric:
        try:
            return binary_metric(name)
        except (KeyError, ValueError):
            raise KeyError(f"unknown metric {name!r} for task {self.name}; expected one of {', '.join(self.metrics)} "
                           "(threshold metrics accept @THRESHOLD or @youden, sens_at_spec/spec_at_sens @TARGET)") from None

    def strata(self, truth: GroundTruth):
        return truth.values

    def parse_truth_values(self, frame):
        values, problems = parse_numeric(frame, self.truth_column)
        if values is not None:
            bad = frame["case_id"][~np.isin(values, (0, 1))].tolist()
            if bad:
                return None, [Problem("bad_label", f"labels must be 0 or 1; found other values for case(s) {format_ids(bad)}", tuple(bad))]
            values = values.astype(np.int8)
        return values, problems


class Regression(Task):
    """Regression: truth ``case_id,label`` (a real target); predictions ``case_id,value`` in the same unit."""

    name = "regression"
    prediction_column = "value"
    metrics = REGRESSION_METRICS
    default_metric = "mae"
