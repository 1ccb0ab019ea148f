"""DeLong's test for correlated ROC AUCs (DeLong, DeLong & Clarke-Pearson 1988), computed with the
O(N log N) placement algorithm (Sun & Xu 2014): one sort per entry gives each entry's structural
components V10 (one per positive) and V01 (one per negative); the covariance of S entries' AUCs is
cov(V10) / n1 + cov(V01) / n0, two matrix products, so all S (S - 1) / 2 pairs cost little more than S.
Variances use the unbiased (n - 1) covariance, as pROC does. Confidence intervals are Wald intervals
(AUC +- z sd) clipped to [0, 1] for a single AUC and not clipped for a difference.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr, ndtri

from ..metrics.rank_statistics import AUCStatistic

ALTERNATIVES = ("two-sided", "greater", "less")


def structural_components(y_true, scores) -> tuple[np.ndarray, np.ndarray]:
    """V10 (S, n1) and V01 (S, n0) of S entries. y_true: (N,) 0/1; scores: (S, N) or (N,)."""
    scores = np.atleast_2d(np.asarray(scores, dtype=float))
    parts = [AUCStatistic(y_true, s).placements() for s in scores]
    return np.stack([p[0] for p in parts]), np.stack([p[1] for p in parts])


def delong_covariance(y_true, scores) -> tuple[np.ndarray, np.ndarray]:
    """(aucs (S,), covariance (S, S)) of S entries' AUCs on the same cases."""
    v10, v01 = structural_components(y_true, scores)
    n1, n0 = v10.shape[1], v01.shape[1]
    if n1 < 2 or n0 < 2:
        raise ValueError(f"DeLong needs at least 2 positives and 2 negatives; found {n1} and {n0}")
    c10 = v10 - v10.mean(axis=1, keepdims=True)
    c01 = v01 - v01.mean(axis=1, keepdims=True)
    cov = c10 @ c10.T / ((n1 - 1) * n1) + c01 @ c01.T / ((n0 - 1) * n0)
    return v10.mean(axis=1), cov


def _p_values(z, alternative: str):
    if alternative == "two-sided":
        return 2.0 * ndtr(-np.abs(z))
    if alternative == "greater":
        return ndtr(-z)
    if alternative == "less":
        return ndtr(z)
    raise ValueError(f"alternative must be one of {ALTERNATIVES}, got {alternative!r}")


def delong_ci(y_true, y_score, level: float = 0.95) -> dict:
    """AUC, its DeLong variance and Wald interval clipped to [0, 1]."""
    aucs, cov = delong_covariance(y_true, y_score)
    z = ndtri((1 + level) / 2)
    sd = np.sqrt(cov[0, 0])
    return {"auc": float(aucs[0]), "variance": float(cov[0, 0]), "ci_low": float(max(0.0, aucs[0] - z * sd)),
            "ci_high": float(min(1.0, aucs[0] + z * sd)), "level": level, "method": "delong"}


def _test_record(diff, var, alternative, level, **extra):
    se = np.sqrt(max(var, 0.0))
    if se > 0:
        z = diff / se
    else:  # identical rankings: no evidence of a difference
        z = 0.0 if diff == 0 else np.copysign(np.inf, diff)
    zc = ndtri((1 + level) / 2)
    return {**extra, "difference": float(diff), "se": float(se), "z": float(z),
            "p_value": float(_p_values(z, alternative)), "alternative": alternative,
            "ci_low": float(diff - zc * se), "ci_high": float(diff + zc * se), "level": level, "method": "delong"}


def delong_test(y_true, score_a, score_b, alternative: str = "two-sided", level: float = 0.95) -> dict:
    """Paired DeLong test of AUC(a) - AUC(b) on the same cases.

    alternative: ``two-sided``, ``greater`` (AUC a > AUC b) or ``less``. Returns auc_a, auc_b,
    difference, se, z, p_value and the Wald CI of the difference.
    """
    aucs, cov = delong_covariance(y_true, np.stack([score_a, score_b]))
    var = cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]
    return _test_record(aucs[0] - aucs[1], var, alternative, level, auc_a=float(aucs[0]), auc_b=float(aucs[1]), paired=True)


def delong_test_unpaired(y_a, score_a, y_b, score_b, alternative: str = "two-sided", level: float = 0.95) -> dict:
    """Unpaired DeLong test of two AUCs on independent case sets: var = var_a + var_b."""
    auc_a, cov_a = delong_covariance(y_a, score_a)
    auc_b, cov_b = delong_covariance(y_b, score_b)
    return _test_record(auc_a[0] - auc_b[0], cov_a[0, 0] + cov_b[0, 0], alternative, level,
                        auc_a=float(auc_a[0]), auc_b=float(auc_b[0]), paired=False)


def delong_pairwise(y_true, scores) -> dict:
    """All pairs of S entries at once.

    Returns aucs (S,), cov (S, S), diff[i, j] = auc_i - auc_j, se (S, S), z (S, S) and
    p_greater[i, j]: one-sided p-value of "entry i has the higher AUC than entry j"; the two-sided
    p-value is 2 min(p_greater[i, j], p_greater[j, i]) (z = 0 when two entries rank cases identically).
    """
    aucs, cov = delong_covariance(y_true, scores)
    var = np.diag(cov)[:, None] + np.diag(cov)[None, :] - 2 * cov
    se = np.sqrt(np.clip(var, 0, None))
    diff = aucs[:, None] - aucs[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, diff / np.where(se > 0, se, 1), np.where(diff == 0, 0.0, np.sign(diff) * np.inf))
    return {"aucs": aucs, "cov": cov, "diff": diff, "se": se, "z": z, "p_greater": ndtr(-z),
            "p_two_sided": np.minimum(1.0, 2 * ndtr(-np.abs(z)))}
