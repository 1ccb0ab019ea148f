"""Settings of an evaluation: bootstrap, tests and ranking (plain records, JSON-ready)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


def _check(name: str, value, ok, expected: str) -> None:
    """Settings are checked before any work: a wrong value fails at once, naming what was expected."""
    try:
        good = bool(ok(value))
    except TypeError:
        good = False
    if not good:
        raise ValueError(f"{name}: expected {expected}; found {value!r}")


@dataclass(frozen=True)
class BootstrapSettings:
    """n_resamples: B. seed: integer in [0, 2**64). stratify: keep class counts in every resample
    (classification). groups: None or (N,) cluster ids (e.g. patient id) drawn whole. level: CI level.
    ci_method: ``percentile``, ``basic`` or ``bca`` (BCa uses leave-one-unit-out jackknife values)."""

    n_resamples: int = 2000
    seed: int = 0
    stratify: bool = True
    groups: tuple | None = None
    level: float = 0.95
    ci_method: str = "percentile"
    chunk_size: int | None = None

    def __post_init__(self):
        _check("n_resamples", self.n_resamples, lambda v: isinstance(v, int) and v >= 1, "a whole number >= 1")
        _check("level", self.level, lambda v: 0 < v < 1, "a confidence level between 0 and 1, such as 0.95")
        _check("ci_method", self.ci_method, lambda v: v in ("percentile", "basic", "bca"), "percentile, basic or bca")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["groups"] = d["groups"] is not None
        return d


@dataclass(frozen=True)
class TestSettings:
    """tests: which paired tests to report (``auto``: every test that applies to a metric: DeLong for AUC,
    McNemar for accuracy, Wilcoxon for other per-case means, paired bootstrap for all). correction: ``holm``,
    ``bonferroni``, ``bh`` or ``none``, applied per metric and test over all pairs. alpha: significance
    level of verdicts (tie groups, test-then-rank, the significance map). margin: when > 0, a one-sided
    paired bootstrap non-inferiority test (H0: a is worse than b by at least `margin`, in metric units)
    is reported for each pair in both directions."""

    tests: tuple = ("auto",)
    correction: str = "holm"
    alpha: float = 0.05
    margin: float = 0.0
    mcnemar_variant: str = "exact"
    wilcoxon_method: str = "auto"

    def __post_init__(self):
        _check("correction", self.correction, lambda v: v in ("holm", "bonferroni", "bh", "none"), "holm, bonferroni, bh or none")
        _check("alpha", self.alpha, lambda v: 0 < v < 1, "a significance level between 0 and 1, such as 0.05")
        _check("margin", self.margin, lambda v: v >= 0, "a non-negative margin in metric units")

    def to_dict(self) -> dict:
        return {**asdict(self), "tests": list(self.tests)}


@dataclass(frozen=True)
class RankingSettings:
    """metric: the ranking metric (default: the first metric). method: ``aggregate_then_rank`` (the
    metric's value, for per-case metrics their mean), ``median_then_rank`` (median of per-case values),
    ``rank_then_aggregate`` (mean of per-case ranks; both per-case metrics only) or ``test_then_rank``. missing: ``worst`` (a missing
    prediction gets the worst possible prediction for its case, see `missing.fill_missing`) or ``error``."""

    metric: str | None = None
    method: str = "aggregate_then_rank"
    missing: str = "worst"
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def coerce(value, cls):
    """Settings from None, a dict or an instance."""
    if value is None:
        return cls()
    if isinstance(value, cls):
        return value
    return cls(**value)
