"""The contract between metrics and the paired bootstrap engine.

A bootstrap resample of N cases is a vector of case multiplicities w (how often each case was drawn;
sum(w) = N for a plain resample). The engine draws a chunk of b resamples as an array W of shape
(b, N) and asks each entry's `CaseStatistic` for its b replicate values. A metric that is a mean of
per-case values, and one that is not (global Dice from per-case voxel counts, lesion-wise F1, AUC),
both resample correctly this way: each computes its aggregate from the weighted cases.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np


class CaseStatistic(Protocol):
    """Anything the bootstrap engine can resample: a point estimate and weighted replicates."""

    def point(self) -> float:
        """Value on the original cases (all multiplicities 1)."""

    def replicates(self, weights: np.ndarray) -> np.ndarray:
        """weights: (b, N) case multiplicities. Returns (b,) metric values."""


class MeanOfCases:
    """Mean of per-case values (NaN cases must be replaced by the policy's worst value beforehand).

    values: (N,) per-case metric values.
    """

    def __init__(self, values):
        self.values = np.asarray(values, dtype=float)

    def point(self) -> float:
        return float(self.values.mean())

    def replicates(self, weights: np.ndarray) -> np.ndarray:
        weights = np.asarray(weights, dtype=float)
        return weights @ self.values / weights.sum(axis=1)
