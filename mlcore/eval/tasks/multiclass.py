"""Multiclass classification: truth ``case_id,label`` with class names; predictions ``case_id`` plus one
probability column per class, each row summing to 1 within `sum_tolerance`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..metrics import MULTICLASS_METRICS
from ..problems import InvalidInput, Problem, format_ids
from ..tables import CASE_ID, align_cases, parse_numeric, read_case_table
from .base import GroundTruth, Task


def sort_classes(labels) -> tuple[str, ...]:
    """Distinct class names, numerically sorted when all are numbers, else alphabetically."""
    names = sorted(set(labels))
    try:
        return tuple(sorted(names, key=float))
    except ValueError:
        return tuple(names)


class MulticlassClassification(Task):
    """classes: class names in their (ordinal) order; None infers them from the truth (sorted) or, for
    predictions validated without truth, from the prediction header."""

    name = "multiclass"
    prediction_column = ""
    metrics = MULTICLASS_METRICS
    default_metric = "auc_macro"
    sum_tolerance = 1e-3

    def __init__(self, classes=None):
        self.classes = None if classes is None else tuple(str(c) for c in classes)

    def for_truth(self, truth: GroundTruth) -> MulticlassClassification:
        """This task with the classes of `truth`."""
        return MulticlassClassification(truth.classes)

    def strata(self, truth: GroundTruth):
        return truth.values

    def parse_truth_values(self, frame):
        return frame[self.truth_column].str.strip().to_numpy(dtype=object), []

    def read_truth(self, source) -> GroundTruth:
        truth = super().read_truth(source)
        labels = [str(v) for v in truth.values]
        classes = self.classes or sort_classes(labels)
        unknown = [c for c, v in zip(truth.case_ids, labels, strict=True) if v not in classes]
        if unknown:
            raise InvalidInput([Problem("bad_label", f"labels must be one of {', '.join(classes)}; other labels for case(s) "
                                        f"{format_ids(unknown)}", tuple(unknown))], "ground truth")
        if len(classes) < 2:
            raise InvalidInput([Problem("bad_label", f"a multiclass truth needs at least 2 classes; found {', '.join(classes)}")], "ground truth")
        index = {c: i for i, c in enumerate(classes)}
        return GroundTruth(truth.case_ids, np.array([index[v] for v in labels], dtype=np.int64), classes)

    def validate_predictions(self, source, case_ids, metrics=()):
        """(N, K) probabilities aligned to case_ids, columns in class order; or (None, problems)."""
        frame, problems = read_case_table(source, list(self.classes or ()))
        if frame is None:
            if problems and problems[0].code == "wrong_columns" and self.classes:
                problems = [Problem("missing_class_column", "expected one probability column per class: "
                                    + problems[0].message.removeprefix("expected columns "))]
            return None, problems
        classes = self.classes or tuple(c for c in frame.columns if c != CASE_ID)
        extra = [c for c in frame.columns if c not in classes and c != CASE_ID]
        if extra:
            problems.append(Problem("wrong_columns", f"unexpected column(s) {', '.join(extra)}; expected case_id and one column per class: {', '.join(classes)}"))
        if len(classes) < 2:
            problems.append(Problem("missing_class_column", f"expected one probability column per class (at least 2); found {', '.join(classes) or 'none'}"))
            return None, problems
        aligned, id_problems = align_cases(frame, list(case_ids))
        problems += id_problems
        for c in classes:
            problems += parse_numeric(frame, c)[1]
        # Range and row-sum checks on every row whose values all parse, even when other rows do not.
        probs = np.stack([pd.to_numeric(frame[c].str.strip(), errors="coerce").to_numpy(dtype=float) for c in classes], axis=1)
        finite = np.isfinite(probs).all(axis=1)
        outside = frame[CASE_ID][finite & ((probs < 0) | (probs > 1)).any(axis=1)].tolist()
        if outside:
            problems.append(Problem("not_probability", f"class probabilities must lie in [0, 1]; not so for case(s) {format_ids(outside)}", tuple(outside)))
        bad = frame[CASE_ID][finite & (np.abs(probs.sum(axis=1) - 1.0) > self.sum_tolerance)].tolist()
        if bad:
            problems.append(Problem("rows_do_not_sum_to_one", f"each row's class probabilities must sum to 1 (within {self.sum_tolerance:g}); "
                                    f"they do not for case(s) {format_ids(bad)}", tuple(bad)))
        if aligned is None or problems:
            return None, problems
        return np.stack([parse_numeric(aligned, c)[0] for c in classes], axis=1), []

    def to_dict(self) -> dict:
        return {**super().to_dict(), "classes": list(self.classes) if self.classes else None}
