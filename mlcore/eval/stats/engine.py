"""The paired bootstrap engine: replicates of any CaseStatistic on a BootstrapPlan.

replicates(plan, statistic) -> (B,) is all the leaderboard needs per entry: replicates depend only on
the plan and the entry's predictions, so they can be cached and a new entry computed alone.
`replicates_many` evaluates several entries on one shared chunk of weights at a time (memory stays
bounded by `plan.default_chunk()` resamples of N int32 multiplicities).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from .plan import BootstrapPlan

Progress = Callable[[int], None] | None


def replicates(plan: BootstrapPlan, statistic, chunk_size: int | None = None, progress: Progress = None) -> np.ndarray:
    """(B,) bootstrap replicates of one statistic, resample r at position r.

    Uses the statistic's fused ``replicates_from_plan`` when it has one, else plan weights chunk by chunk.
    progress: called with the number of resamples finished in each chunk.
    """
    out = np.empty(plan.n_resamples)
    fused = getattr(statistic, "replicates_from_plan", None)
    for r0, r1 in plan.chunks(chunk_size):
        out[r0:r1] = fused(plan, r0, r1) if fused else statistic.replicates(plan.weights(r0, r1))
        if progress:
            progress(r1 - r0)
    return out


def replicates_many(plan: BootstrapPlan, statistics: Mapping[str, object], chunk_size: int | None = None,
                    progress: Progress = None) -> dict[str, np.ndarray]:
    """{name: (B,) replicates} of several statistics on the same resamples (weights drawn once per chunk).

    Equal, value for value, to calling `replicates` on each statistic alone (a lone statistic takes
    its fused path when it has one).
    """
    if len(statistics) == 1:
        (name, stat), = statistics.items()
        return {name: replicates(plan, stat, chunk_size, progress)}
    out = {name: np.empty(plan.n_resamples) for name in statistics}
    for r0, r1 in plan.chunks(chunk_size):
        weights = plan.weights(r0, r1)
        for name, stat in statistics.items():
            out[name][r0:r1] = stat.replicates(weights)
        if progress:
            progress(r1 - r0)
    return out


def jackknife(plan: BootstrapPlan, statistic, chunk_size: int = 256) -> np.ndarray:
    """(U,) leave-one-unit-out values (units: cases, or groups for a grouped plan), for BCa.

    Uses the statistic's ``jackknife(units, n_units)`` when it has one and it does not return None;
    otherwise evaluates ``replicates`` on weights of all ones but the left-out unit, in chunks.
    """
    units = plan.arrays["unit_of_case"]
    n_units = plan.arrays["n_units"]
    fast = getattr(statistic, "jackknife", None)
    values = fast(units, n_units) if fast else None
    if values is not None:
        return np.asarray(values, dtype=float)
    out = np.empty(n_units)
    for u0 in range(0, n_units, chunk_size):
        u1 = min(u0 + chunk_size, n_units)
        weights = np.ones((u1 - u0, plan.n_cases), dtype=np.int32)
        weights[units[None, :] == np.arange(u0, u1)[:, None]] = 0
        out[u0:u1] = statistic.replicates(weights)
    return out
