"""BootstrapPlan: the shared resamples of a phase, regenerable chunk by chunk.

A plan is fixed by (seed, B, case list, strata, groups) and nothing else. Resample r (0 <= r < B)
is drawn as follows: the resampling units are the cases, or the groups (clusters such as patient id)
when `groups` is given, numbered by first appearance in case order; units are grouped by stratum
(strata sorted by their string form); within each stratum of n_s units, n_s units are drawn with
replacement (so each resample keeps the stratum sizes); a case's multiplicity is the number of times
its unit was drawn. Draws come from a counter-based generator (`rng`), so resample r is the same
whatever the chunk size, the thread count or B (a larger B extends a smaller one).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .rng import seed_key

#: Bytes of multiplicities (int32) a chunk may hold.
CHUNK_BYTES = 64 * 2**20


def _factorize(values) -> tuple[np.ndarray, list]:
    """Codes in order of first appearance."""
    index: dict = {}
    codes = np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int64, count=len(values))
    return codes, list(index)


@dataclass(frozen=True)
class BootstrapPlan:
    """B paired resamples of N cases.

    case_ids: the N case ids (their order fixes the columns of every weight matrix).
    n_resamples: B. seed: integer in [0, 2**64).
    strata: None or (N,) labels (class labels for stratified classification bootstrap).
    groups: None or (N,) cluster ids; a cluster is drawn whole and must lie in one stratum.
    """

    case_ids: tuple
    n_resamples: int
    seed: int
    strata: tuple | None = None
    groups: tuple | None = None

    def __post_init__(self):
        object.__setattr__(self, "case_ids", tuple(str(c) for c in self.case_ids))
        n = len(self.case_ids)
        for name in ("strata", "groups"):
            value = getattr(self, name)
            if value is not None:
                value = tuple(np.asarray(value).tolist())
                if len(value) != n:
                    raise ValueError(f"{name} has {len(value)} values; expected one per case ({n})")
                object.__setattr__(self, name, value)
        if self.n_resamples < 1:
            raise ValueError(f"n_resamples must be at least 1, got {self.n_resamples}")
        seed_key(self.seed)
        _ = self.arrays  # validate groups against strata now

    @property
    def n_cases(self) -> int:
        return len(self.case_ids)

    @cached_property
    def arrays(self) -> dict:
        """unit_of_case (N,), n_units, stratum_ptr (S+1,), slot_of_case (N,), strata names (see `kernels`)."""
        n = self.n_cases
        if self.groups is None:
            unit_of_case = np.arange(n, dtype=np.int64)
        else:
            unit_of_case, _ = _factorize(self.groups)
        n_units = int(unit_of_case.max()) + 1 if n else 0
        strata = self.strata if self.strata is not None else ("",) * n
        labels = np.array([str(s) for s in strata], dtype=object)
        unit_stratum = np.empty(n_units, dtype=object)
        unit_stratum[unit_of_case] = labels
        mixed = sorted({str(g) for g, u, s in zip(self.groups or (), unit_of_case, labels, strict=False) if unit_stratum[u] != s})
        if mixed:
            raise ValueError(f"groups must each lie in one stratum; mixed strata in group(s) {', '.join(mixed[:10])}")
        names = sorted(set(unit_stratum.tolist()))
        stratum_code = np.array([names.index(s) for s in unit_stratum], dtype=np.int64)
        unit_order = np.argsort(stratum_code, kind="stable").astype(np.int64)  # slot -> unit
        slot_of_unit = np.empty(n_units, dtype=np.int64)
        slot_of_unit[unit_order] = np.arange(n_units)
        stratum_ptr = np.concatenate([[0], np.cumsum(np.bincount(stratum_code, minlength=len(names)))]).astype(np.int64)
        return {"unit_of_case": unit_of_case, "n_units": n_units, "stratum_ptr": stratum_ptr,
                "slot_of_case": slot_of_unit[unit_of_case], "strata": names}

    @property
    def key(self) -> np.uint64:
        return seed_key(self.seed)

    @property
    def stratum_ptr(self) -> np.ndarray:
        return self.arrays["stratum_ptr"]

    @property
    def slot_of_case(self) -> np.ndarray:
        return self.arrays["slot_of_case"]

    def weights(self, r0: int = 0, r1: int | None = None) -> np.ndarray:
        """(r1 - r0, N) int32 case multiplicities of resamples r0..r1-1."""
        r1 = self.n_resamples if r1 is None else r1
        if not 0 <= r0 <= r1:
            raise ValueError(f"bad resample range [{r0}, {r1})")
        from . import kernels  # numba loads on first use, not on import

        return kernels.draw_weights(self.key, r0, r1, self.stratum_ptr, self.slot_of_case)

    def default_chunk(self) -> int:
        """Resamples per chunk so that a chunk of weights stays under CHUNK_BYTES."""
        return int(max(1, min(self.n_resamples, CHUNK_BYTES // (4 * max(self.n_cases, 1)))))

    def chunks(self, chunk_size: int | None = None):
        """Yield (r0, r1) ranges covering 0..B."""
        step = chunk_size or self.default_chunk()
        for r0 in range(0, self.n_resamples, step):
            yield r0, min(r0 + step, self.n_resamples)

    def describe(self) -> dict:
        """JSON-ready record of what fixes the resamples."""
        return {"seed": int(self.seed), "n_resamples": int(self.n_resamples), "n_cases": self.n_cases,
                "stratified": self.strata is not None, "strata": self.arrays["strata"] if self.strata is not None else None,
                "grouped": self.groups is not None, "n_units": int(self.arrays["n_units"]),
                "generator": "splitmix64-counter"}
