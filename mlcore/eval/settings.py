"""Settings of an evaluation: bootstrap, tests and ranking (plain records, JSON-ready)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


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
