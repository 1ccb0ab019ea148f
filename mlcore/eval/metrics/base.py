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
    """

    name: str
    fn: Callable
    higher_is_better: bool
    range: tuple[float | None, float | None]
    undefined: str = "nan"
    needs_probabilities: bool = False
    description: str = ""

    def __call__(self, y_true, y_pred) -> float:
        return float(self.fn(y_true, y_pred))
