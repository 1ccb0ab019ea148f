"""The contract between metrics and the paired bootstrap engine.

A bootstrap resample of N cases is a vector of case multiplicities w (how often each case was drawn;
sum(w) = N for a plain resample). The engine draws a chunk of b resamples as an array W of shape
(b, N) and asks each entry's `CaseStatistic` for its b replicate values. A metric that is a mean of
per-case values, and one that is not (global Dice from per-case voxel counts, lesion-wise F1, AUC),
both resample correctly this way: each computes its aggregate from the weighted cases.

Optional methods the engine uses when present:
- ``jackknife(units, n_units) -> (n_units,)`` values with one resampling unit left out (units: (N,)
  unit index of each case), for BCa intervals; may return None to ask for the generic computation.
- ``replicates_from_plan(plan, r0, r1) -> (r1 - r0,)`` a fused path that draws and evaluates without
  materialising weights; it must equal ``replicates(plan.weights(r0, r1))``.
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


def weighted_sums(weights, features=None, features_t=None) -> np.ndarray:
    """(b, m) = weights (b, N) x features (N, m) (or features_t (m, N), C-contiguous), each row summed
    in a fixed order (bitwise identical whatever the chunk a row is computed in, unlike a BLAS product)."""
    from .stats.kernels import weighted_sums as kernel

    w = np.asarray(weights)
    w = np.ascontiguousarray(w, dtype=np.int32 if np.issubdtype(w.dtype, np.integer) else np.float64)
    ft = features_t if features_t is not None else np.ascontiguousarray(np.asarray(features, dtype=np.float64).T)
    return kernel(w, ft)


def group_sums(values: np.ndarray, units: np.ndarray, n_units: int) -> np.ndarray:
    """Sum rows of values (N, ...) per unit: (n_units, ...)."""
    out = np.zeros((n_units,) + values.shape[1:])
    np.add.at(out, units, values)
    return out


class MeanOfCases:
    """Mean of per-case values (NaN cases must be replaced by the policy's worst value beforehand).

    values: (N,) per-case metric values.
    """

    def __init__(self, values):
        self.values = np.asarray(values, dtype=float)
        self._ft = np.ascontiguousarray(np.stack([self.values, np.ones_like(self.values)]))

    def point(self) -> float:
        return float(self.values.mean())

    def replicates(self, weights: np.ndarray) -> np.ndarray:
        sums = weighted_sums(weights, features_t=self._ft)
        return sums[:, 0] / sums[:, 1]

    def jackknife(self, units, n_units) -> np.ndarray:
        sums = group_sums(self.values, units, n_units)
        counts = np.bincount(units, minlength=n_units)
        return (self.values.sum() - sums) / (self.values.size - counts)


class SumsStatistic:
    """A metric that is a formula of weighted sums of per-case features.

    features: (N, m) per-case features. formula: maps sums (..., m) to values (...), vectorised.
    Confusion-matrix metrics, Brier, log loss, calibration error and the regression metrics are of
    this kind, so a chunk of b replicates costs one (b, N) x (N, m) product.
    """

    def __init__(self, features, formula):
        self.features = np.asarray(features, dtype=float)
        if self.features.ndim == 1:
            self.features = self.features[:, None]
        self.formula = formula
        self._ft = np.ascontiguousarray(self.features.T)

    def point(self) -> float:
        return float(self.formula(self.features.sum(axis=0)[None, :])[0])

    def replicates(self, weights: np.ndarray) -> np.ndarray:
        return np.asarray(self.formula(weighted_sums(weights, features_t=self._ft)), dtype=float)

    def jackknife(self, units, n_units) -> np.ndarray:
        total = self.features.sum(axis=0)
        return np.asarray(self.formula(total[None, :] - group_sums(self.features, units, n_units)), dtype=float)
