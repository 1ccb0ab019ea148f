"""CaseStatistics for rank metrics: AUC (fused numba path), other level-count metrics, multiclass
one-vs-rest AUC and Spearman's rho. See `mlcore.eval.resampling` for the protocol."""

from __future__ import annotations

import numpy as np
from scipy import sparse

from .levels import level_counts, score_levels

#: Cells (rows x levels) of one block of dense per-level arrays, to bound memory (about 32 MB a block).
BLOCK_CELLS = 4_000_000


def _by_blocks(weights, width: int, fn) -> np.ndarray:
    """fn applied to blocks of rows of weights (b, N) so that dense (rows, width) temporaries stay small."""
    w = np.asarray(weights)
    step = max(1, BLOCK_CELLS // max(width, 1))
    return np.concatenate([np.asarray(fn(w[i:i + step]), dtype=float) for i in range(0, w.shape[0], step)]) if w.shape[0] else np.empty(0)


class AUCStatistic:
    """Binary AUC (ties count one half). y_true: (N,) 0/1; y_score: (N,) real scores."""

    def __init__(self, y_true, y_score):
        self.is_pos = np.asarray(y_true).astype(bool)
        self.score = np.asarray(y_score, dtype=float)
        self.level, self.n_levels = score_levels(self.score)
        self.order = np.argsort(self.score, kind="stable").astype(np.int64)
        self.code = (2 * self.level[self.order] + self.is_pos[self.order]).astype(np.int64)

    def placements(self) -> tuple[np.ndarray, np.ndarray]:
        """DeLong's structural components: V10 (n1,) for positives, fraction of negatives scored below
        plus half those tied; V01 (n0,) for negatives, fraction of positives scored above plus half tied."""
        cpos, cneg = level_counts(self.is_pos, self.level, self.n_levels)
        neg_below = np.cumsum(cneg) - cneg
        pos_above = cpos.sum() - np.cumsum(cpos)
        lv_pos, lv_neg = self.level[self.is_pos], self.level[~self.is_pos]
        v10 = (neg_below[lv_pos] + 0.5 * cneg[lv_pos]) / cneg.sum()
        v01 = (pos_above[lv_neg] + 0.5 * cpos[lv_neg]) / cpos.sum()
        return v10, v01

    def point(self) -> float:
        n1 = self.is_pos.sum()
        if n1 == 0 or n1 == self.is_pos.size:
            return float("nan")
        return float(self.placements()[0].mean())

    def replicates(self, weights: np.ndarray) -> np.ndarray:
        w = np.asarray(weights)
        w = np.ascontiguousarray(w, dtype=np.int32 if np.issubdtype(w.dtype, np.integer) else float)
        from ..stats import kernels

        return kernels.auc_from_weights(w, self.order, self.code)

    def replicates_from_plan(self, plan, r0: int, r1: int) -> np.ndarray:
        from ..stats import kernels

        return kernels.auc_fused(plan.key, r0, r1, plan.stratum_ptr, plan.slot_of_case[self.order], self.code)

    def jackknife(self, units, n_units):
        """Leave-one-case-out AUCs from the placements (exact, O(N)); None when units are clusters."""
        if n_units != self.is_pos.size:
            return None
        v10, v01 = self.placements()
        n1, n0 = v10.size, v01.size
        total = v10.sum() * n0  # sum of pair scores
        out = np.empty(n_units)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[units[self.is_pos]] = (total - v10 * n0) / ((n1 - 1) * n0)
            out[units[~self.is_pos]] = (total - v01 * n1) / (n1 * (n0 - 1))
        return out


class APStatistic(AUCStatistic):
    """Average precision (scikit-learn's step definition) with the same sorted layout and fused path as
    the AUC. y_true: (N,) 0/1; y_score: (N,) real scores."""

    def point(self) -> float:
        return float(self.replicates(np.ones((1, self.is_pos.size), dtype=np.int32))[0])

    def replicates(self, weights: np.ndarray) -> np.ndarray:
        from ..stats import kernels

        w = np.asarray(weights)
        w = np.ascontiguousarray(w, dtype=np.int32 if np.issubdtype(w.dtype, np.integer) else float)
        return kernels.ap_from_weights(w, self.order, self.code)

    def replicates_from_plan(self, plan, r0: int, r1: int) -> np.ndarray:
        from ..stats import kernels

        return kernels.ap_fused(plan.key, r0, r1, plan.stratum_ptr, plan.slot_of_case[self.order], self.code)

    def jackknife(self, units, n_units):
        return None  # generic leave-one-unit-out


class LevelStatistic:
    """A rank metric computed from class-conditional counts per score level (see `metrics.levels`).

    formula: maps (cpos, cneg) of shape (b, L) to (b,) values.
    """

    def __init__(self, y_true, y_score, formula):
        self.y = np.asarray(y_true).astype(bool)
        self.level, self.n_levels = score_levels(y_score)
        self.formula = formula

    def point(self) -> float:
        cpos, cneg = level_counts(self.y, self.level, self.n_levels)
        return float(self.formula(cpos[None], cneg[None])[0])

    def replicates(self, weights: np.ndarray) -> np.ndarray:
        return _by_blocks(weights, self.n_levels, lambda w: self.formula(*level_counts(self.y, self.level, self.n_levels, w)))


class OvrAUCStatistic:
    """Multiclass one-vs-rest AUC, macro or prevalence-weighted. y_true: (N,) 0..K-1; y_prob: (N, K)."""

    def __init__(self, y_true, y_prob, average: str = "macro"):
        y = np.asarray(y_true, dtype=np.int64)
        p = np.asarray(y_prob, dtype=float)
        self.onehot = np.eye(p.shape[1])[y]
        self.parts = [AUCStatistic(y == k, p[:, k]) for k in range(p.shape[1])]
        self.average = average

    def _combine(self, aucs, prevalence):
        if self.average == "macro":
            return aucs.mean(axis=-1)
        return (aucs * prevalence).sum(axis=-1)

    def point(self) -> float:
        aucs = np.array([s.point() for s in self.parts])
        return float(self._combine(aucs, self.onehot.mean(axis=0)))

    def replicates(self, weights: np.ndarray) -> np.ndarray:
        aucs = np.stack([s.replicates(weights) for s in self.parts], axis=1)
        w = np.asarray(weights, dtype=float)
        prevalence = (w @ self.onehot) / w.sum(axis=1, keepdims=True)
        return self._combine(aucs, prevalence)


class SpearmanStatistic:
    """Spearman's rho of (y_true, y_pred) under case multiplicities: Pearson's r of the weighted midranks
    (the midranks the values would have in the resampled data set)."""

    def __init__(self, y_true, y_pred):
        self.lx, self.nx = score_levels(y_true)
        self.ly, self.ny = score_levels(y_pred)

    @staticmethod
    def _midranks(w, level, n_levels):
        onehot = sparse.csr_matrix((np.ones(level.size), (np.arange(level.size), level)), shape=(level.size, n_levels))
        counts = np.asarray((onehot.T @ w.T).T)
        below = np.cumsum(counts, axis=1) - counts
        return (below + (counts + 1.0) / 2.0)[:, level]

    def replicates(self, weights: np.ndarray) -> np.ndarray:
        return _by_blocks(weights, self.lx.size, self._replicates)

    def _replicates(self, weights: np.ndarray) -> np.ndarray:
        w = np.asarray(weights, dtype=float)
        rx = self._midranks(w, self.lx, self.nx)
        ry = self._midranks(w, self.ly, self.ny)
        n = w.sum(axis=1)
        mx, my = (w * rx).sum(1) / n, (w * ry).sum(1) / n
        cov = (w * rx * ry).sum(1) / n - mx * my
        vx = (w * rx * rx).sum(1) / n - mx * mx
        vy = (w * ry * ry).sum(1) / n - my * my
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where((vx > 0) & (vy > 0), cov / np.sqrt(vx * vy), np.nan)

    def point(self) -> float:
        return float(self.replicates(np.ones((1, self.lx.size)))[0])

