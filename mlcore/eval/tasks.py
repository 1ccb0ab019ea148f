"""Tasks: one object per task type that reads and validates ground truth and predictions.

Every reader returns all problems at once (see `problems.Problem`); the platform's upload validation,
container outputs, baseline validation and `podium eval` all go through these objects.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .metrics import BINARY_METRICS, Metric
from .problems import InvalidInput, Problem, format_ids
from .tables import align_cases, parse_numeric, read_case_table


@dataclass(frozen=True)
class GroundTruth:
    """Reference values of a phase, in case order.

    case_ids: tuple of N case ids (the phase's case order).
    values: array (N,) of labels (classification) or targets (regression).
    """

    case_ids: tuple[str, ...]
    values: np.ndarray

    def subset(self, case_ids) -> GroundTruth:
        index = {c: i for i, c in enumerate(self.case_ids)}
        rows = [index[c] for c in case_ids]
        return GroundTruth(tuple(case_ids), self.values[rows])


class Task:
    """Base class: reads `case_id,<truth_column>` truth and `case_id,<prediction_column>` predictions."""

    name = ""
    truth_column = "label"
    prediction_column = "score"
    metrics: dict[str, Metric] = {}
    default_metric = ""

    def metric(self, name: str) -> Metric:
        try:
            return self.metrics[name]
        except KeyError:
            raise KeyError(f"unknown metric {name!r} for task {self.name}; expected one of {', '.join(self.metrics)}") from None

    # -- ground truth ---------------------------------------------------------------------------
    def read_truth(self, source) -> GroundTruth:
        """Read a truth table; raise InvalidInput listing every problem."""
        frame, problems = read_case_table(source, [self.truth_column])
        if frame is None:
            raise InvalidInput(problems, "ground truth")
        dup = frame[self.truth_column][frame["case_id"].duplicated()].index
        if len(dup):
            ids = sorted(set(frame["case_id"].iloc[dup]))
            raise InvalidInput([Problem("duplicate_cases", f"ground truth repeats case id(s) {format_ids(ids)}", tuple(ids))], "ground truth")
        values, problems = self.parse_truth_values(frame)
        if problems:
            raise InvalidInput(problems, "ground truth")
        return GroundTruth(tuple(frame["case_id"]), values)

    def parse_truth_values(self, frame):
        return parse_numeric(frame, self.truth_column)

    # -- predictions ----------------------------------------------------------------------------
    def validate_predictions(self, source, case_ids) -> tuple[np.ndarray | None, list[Problem]]:
        """Read predictions aligned to `case_ids`; return (values or None, problems)."""
        frame, problems = read_case_table(source, [self.prediction_column])
        if frame is None:
            return None, problems
        aligned, problems = align_cases(frame, list(case_ids))
        # Value problems are reported even when ids are wrong, so the participant sees everything at once.
        _, value_problems = parse_numeric(frame, self.prediction_column)
        problems += value_problems
        if aligned is None or problems:
            return None, problems
        values, _ = parse_numeric(aligned, self.prediction_column)
        return values, []

    def read_predictions(self, source, case_ids) -> np.ndarray:
        """Predictions aligned to `case_ids`; raise InvalidInput listing every problem."""
        values, problems = self.validate_predictions(source, case_ids)
        if problems:
            raise InvalidInput(problems, "predictions")
        return values

    def score(self, truth: GroundTruth, predictions: np.ndarray, metric: str | None = None) -> float:
        """Point estimate of one metric for predictions aligned to `truth.case_ids`."""
        return self.metric(metric or self.default_metric)(truth.values, predictions)


class BinaryClassification(Task):
    """Binary classification: truth ``case_id,label`` (1 positive, 0 negative); predictions ``case_id,score``.

    A score is any real number, higher meaning more likely positive.
    """

    name = "binary"
    metrics = BINARY_METRICS
    default_metric = "auc"

    def parse_truth_values(self, frame):
        values, problems = parse_numeric(frame, self.truth_column)
        if values is not None:
            bad = frame["case_id"][~np.isin(values, (0, 1))].tolist()
            if bad:
                return None, [Problem("bad_label", f"labels must be 0 or 1; found other values for case(s) {format_ids(bad)}", tuple(bad))]
            values = values.astype(np.int8)
        return values, problems


TASKS: dict[str, Task] = {t.name: t for t in (BinaryClassification(),)}


def get_task(name: str) -> Task:
    """The Task for a task type name (``binary`` ...)."""
    if name == "segmentation" and name not in TASKS:
        # Imported on demand: image readers (nibabel, SimpleITK) stay off the light path.
        from .segmentation.task import SegmentationTask

        TASKS[name] = SegmentationTask()
    try:
        return TASKS[name]
    except KeyError:
        raise KeyError(f"unknown task type {name!r}; expected one of {', '.join(TASKS)}") from None
