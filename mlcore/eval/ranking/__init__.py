"""Ranking: methods (aggregate-then-rank, rank-then-aggregate, test-then-rank), tie groups, and rank
stability over bootstrap resamples (rank distributions, Kendall's tau)."""

from .distribution import kendall_tau, rank_distribution, ranks
from .methods import aggregate_then_rank, rank_then_aggregate, test_then_rank, tiers

__all__ = ["kendall_tau", "rank_distribution", "ranks", "aggregate_then_rank", "rank_then_aggregate",
           "test_then_rank", "tiers"]
