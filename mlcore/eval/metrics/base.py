"""The `Metric` record: an array function plus what a leaderboard needs to know about it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    """A named metric.

    fn: plain array function ``fn(y_true, y_pred) -> float``.
    higher_is_better: direction used for ranking.
    range: (low, high) of possible values; None for unbounded ends.
    undefined: what the function returns when the metric is undefined (documented convention).
    needs_probabilities: predictions must lie in [0, 1].
    statistic: ``statistic(y_true, y_pred) -> CaseStatistic`` for the bootstrap engine (see
        `mlcore.eval.resampling`); None means the metric is a mean of `per_case` values.
    per_case: ``per_case(y_true, y_pred) -> (N,)`` values whose mean is the metric, or None when the
        metric is not a per-case mean (AUC, F1 ...); used by rank-then-aggregate and Wilcoxon tests.
    correct: ``correct(y_true, y_pred) -> (N,) bool`` per-case correctness, for McNemar's test.
    verdict_test: the one test that decides ties and test-then-rank for this metric
        (``delong`` for binary AUC, ``bootstrap`` otherwise).
    """

    name: str
    fn: Callable
    higher_is_better: bool
    range: tuple[float | None, float | None]
    undefined: str = "nan"
    needs_probabilities: bool = False
    description: str = ""
    statistic: Callable | None = None
    per_case: Callable | None = None
    correct: Callable | None = None
    verdict_test: str = "bootstrap"

    def __call__(self, y_true, y_pred) -> float:
        self.check(y_pred)
        return float(self.fn(y_true, y_pred))

    def check(self, y_pred) -> None:
        """Raise ValueError with a clear message when predictions do not suit this metric."""
        if self.needs_probabilities:
            from .classification import check_probabilities

            check_probabilities(y_pred, f"predictions for {self.name}")

    def make_statistic(self, y_true, y_pred):
        """The CaseStatistic of this metric for one entry's predictions."""
        self.check(y_pred)
        if self.statistic is not None:
            return self.statistic(y_true, y_pred)
        if self.per_case is None:
            raise ValueError(f"metric {self.name} has neither a statistic nor per-case values")
        from ..resampling import MeanOfCases

        return MeanOfCases(self.per_case(y_true, y_pred))

    @property
    def worst(self) -> float:
        """The worst value in the metric's range (NaN when that end is unbounded)."""
        end = self.range[0] if self.higher_is_better else self.range[1]
        return float("nan") if end is None else float(end)

    def to_dict(self) -> dict:
        return {"name": self.name, "higher_is_better": self.higher_is_better, "range": list(self.range),
                "undefined": self.undefined, "needs_probabilities": self.needs_probabilities,
                "description": self.description, "verdict_test": self.verdict_test}
