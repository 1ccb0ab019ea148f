"""Task base: reads and validates ground truth and predictions, reporting every problem at once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..metrics import Metric
from ..problems import InvalidInput, Problem, format_ids
from ..tables import align_cases, parse_numeric, read_case_table


@dataclass(frozen=True)
class GroundTruth:
    """Reference values of a phase, in case order.

    case_ids: tuple of N case ids (the phase's case order).
    values: array (N,) of labels (classification: 0/1 or class indices) or targets (regression).
    classes: class names of a multiclass task, indexed by the values; None otherwise.
    """

    case_ids: tuple[str, ...]
    values: np.ndarray
    classes: tuple[str, ...] | None = None

    def subset(self, case_ids) -> GroundTruth:
        index = {c: i for i, c in enumerate(self.case_ids)}
        rows = [index[c] for c in case_ids]
        return GroundTruth(tuple(case_ids), self.values[rows], self.classes)


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

    def strata(self, truth: GroundTruth):
        """(N,) labels to stratify the bootstrap by, or None when stratification does not apply."""
        return None

    # -- ground truth ---------------------------------------------------------------------------
    def read_truth(self, source) -> GroundTruth:
        """Read a truth table; raise InvalidInput listing every problem."""
        frame, problems = read_case_table(source, [self.truth_column])
        if frame is None:
            raise InvalidInput(problems, "ground truth")
        empty = [str(i + 2) for i, c in enumerate(frame["case_id"]) if c == ""]
        if empty:
            raise InvalidInput([Problem("empty_case_id", f"{len(empty)} row(s) have an empty case_id (lines {format_ids(empty)})")],
                               "ground truth")
        dup = frame[self.truth_column][frame["case_id"].duplicated()].index
        if len(dup):
            ids = sorted(set(frame["case_id"].iloc[dup]))
            raise InvalidInput([Problem("duplicate_cases", f"ground truth repeats case id(s) {format_ids(ids)}", tuple(ids))], "ground truth")
        values, problems = self.parse_truth_values(frame)
        if problems:
            raise InvalidInput(problems, "ground truth")
        return self.make_truth(tuple(frame["case_id"]), values)

    def make_truth(self, case_ids, values) -> GroundTruth:
        return GroundTruth(case_ids, values)

    def parse_truth_values(self, frame):
        return parse_numeric(frame, self.truth_column)

    # -- predictions ----------------------------------------------------------------------------
    def validate_predictions(self, source, case_ids, metrics=()) -> tuple[np.ndarray | None, list[Problem]]:
        """Read predictions aligned to `case_ids`; return (values or None, problems).

        metrics: names of the metrics the predictions will be scored with; when one needs
        probabilities, values outside [0, 1] are reported (code ``not_probability``).
        """
        frame, problems = read_case_table(source, [self.prediction_column])
        if frame is None:
            return None, problems
        aligned, problems = align_cases(frame, list(case_ids))
        # Value problems are reported even when ids are wrong, so the participant sees everything at once.
        values, value_problems = parse_numeric(frame, self.prediction_column)
        problems += value_problems
        if values is not None:
            problems += self.check_values(frame, values, metrics)
        if aligned is None or problems:
            return None, problems
        values, _ = parse_numeric(aligned, self.prediction_column)
        return values, []

    def check_values(self, frame, values, metrics) -> list[Problem]:
        """Problems with parsed prediction values (rows in file order)."""
        needing = [m for m in metrics if self.metric(m).needs_probabilities]
        if not needing:
            return []
        bad = frame["case_id"][(values < 0) | (values > 1)].tolist()
        if not bad:
            return []
        return [Problem("not_probability", f"metric(s) {', '.join(needing)} need probabilities in [0, 1]; column "
                        f"{self.prediction_column!r} is outside [0, 1] for case(s) {format_ids(bad)}", tuple(bad))]

    def read_predictions(self, source, case_ids, metrics=()) -> np.ndarray:
        """Predictions aligned to `case_ids`; raise InvalidInput listing every problem."""
        values, problems = self.validate_predictions(source, case_ids, metrics)
        if problems:
            raise InvalidInput(problems, "predictions")
        return values

    def score(self, truth: GroundTruth, predictions: np.ndarray, metric: str | None = None) -> float:
        """Point estimate of one metric for predictions aligned to `truth.case_ids`."""
        return self.metric(metric or self.default_metric)(truth.values, predictions)

    def to_dict(self) -> dict:
        return {"name": self.name, "truth_column": self.truth_column, "prediction_column": self.prediction_column}
