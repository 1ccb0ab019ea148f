"""Counter-based random numbers for bootstrap resamples (SplitMix64 finaliser).

Draw k of resample r is a pure function of (seed, r, k): x = mix64(key(seed, r) + (k + 1) * GOLDEN),
where key(seed, r) = mix64(mix64(seed + GOLDEN) + (r + 1) * GOLDEN). A resample can therefore be
regenerated alone, in any chunk, on any thread, and gives the same draws. A uniform integer in
[0, n) is floor(u * n) with u = (x >> 11) / 2**53 (53 random bits; bias below n / 2**53).
This module is the numpy reference; `kernels` has the same arithmetic compiled with numba.
"""

from __future__ import annotations

import numpy as np

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
M1 = np.uint64(0xBF58476D1CE4E5B9)
M2 = np.uint64(0x94D049BB133111EB)
INV_2_53 = 1.0 / 9007199254740992.0


def mix64(z):
    """SplitMix64 finaliser on uint64 scalars or arrays (arithmetic modulo 2**64)."""
    z = np.asarray(z, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * M1
        z = (z ^ (z >> np.uint64(27))) * M2
    return z ^ (z >> np.uint64(31))


def seed_key(seed: int) -> np.uint64:
    """The 64-bit key of a user seed (any non-negative int below 2**64)."""
    if not 0 <= int(seed) < 2**64:
        raise ValueError(f"seed must be an integer in [0, 2**64), got {seed}")
    with np.errstate(over="ignore"):
        return np.uint64(mix64(np.uint64(int(seed)) + GOLDEN))


def resample_keys(seed: int, r0: int, r1: int) -> np.ndarray:
    """(r1 - r0,) uint64 keys of resamples r0..r1-1."""
    with np.errstate(over="ignore"):
        return mix64(seed_key(seed) + (np.arange(r0, r1, dtype=np.uint64) + np.uint64(1)) * GOLDEN)


def uniform_indices(keys: np.ndarray, n_draws: int, n: int, offset: int = 0) -> np.ndarray:
    """(len(keys), n_draws) integers in [0, n): draws offset..offset+n_draws-1 of each resample."""
    k = np.arange(offset + 1, offset + n_draws + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        x = mix64(keys[:, None] + k[None, :] * GOLDEN)
    idx = ((x >> np.uint64(11)).astype(np.float64) * INV_2_53 * n).astype(np.int64)
    return np.minimum(idx, n - 1)
