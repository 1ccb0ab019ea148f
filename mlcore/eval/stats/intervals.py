"""Bootstrap confidence intervals from replicates: percentile, basic and BCa.

All functions take replicates of shape (B,) or (S, B) (one row per entry) and return (low, high)
arrays of the leading shape. Quantiles use numpy's default linear interpolation. Replicates that are
NaN (metric undefined on a resample, e.g. AUC of a resample without positives in an unstratified
bootstrap) are left out; `undefined_fraction` reports how many were.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr, ndtri

METHODS = ("percentile", "basic", "bca")


def undefined_fraction(reps) -> np.ndarray:
    """Fraction of NaN replicates per row."""
    return np.isnan(np.asarray(reps, dtype=float)).mean(axis=-1)


def _quantiles(reps, probs):
    """Row-wise quantiles at per-row probabilities probs (..., k), NaN replicates left out."""
    reps = np.asarray(reps, dtype=float)
    probs = np.asarray(probs, dtype=float)
    flat = reps.reshape(-1, reps.shape[-1])
    if probs.ndim == 1 and not np.isnan(probs).any():
        # The same probabilities for every row: one vectorised call (rows of NaN give NaN).
        out = np.full((flat.shape[0], probs.size), np.nan)
        nan_rows = np.isnan(flat).any(axis=1)
        if (~nan_rows).any():
            out[~nan_rows] = np.quantile(flat[~nan_rows], probs, axis=1).T
        for i in np.flatnonzero(nan_rows):
            row = flat[i][~np.isnan(flat[i])]
            if row.size:
                out[i] = np.quantile(row, probs)
        return out.reshape(reps.shape[:-1] + (probs.size,))
    pflat = np.broadcast_to(probs, reps.shape[:-1] + probs.shape[-1:]).reshape(flat.shape[0], -1)
    out = np.full(pflat.shape, np.nan)
    for i, (row, p) in enumerate(zip(flat, pflat, strict=True)):
        row = row[~np.isnan(row)]
        ok = ~np.isnan(p)
        if row.size and ok.any():
            out[i, ok] = np.quantile(row, p[ok])
    return out.reshape(reps.shape[:-1] + (pflat.shape[-1],))


def _pair(q):
    lo, hi = q[..., 0], q[..., 1]
    return (float(lo), float(hi)) if np.ndim(lo) == 0 else (lo, hi)


def percentile_ci(reps, level: float = 0.95):
    """(low, high): the (1 - level)/2 and (1 + level)/2 quantiles of the replicates."""
    a = (1.0 - level) / 2.0
    return _pair(_quantiles(reps, [a, 1.0 - a]))


def basic_ci(point, reps, level: float = 0.95):
    """(low, high) = (2 theta - q_high, 2 theta - q_low): the reverse percentile ("basic") interval."""
    lo, hi = percentile_ci(reps, level)
    return _pair(np.stack([2 * np.asarray(point, dtype=float) - hi, 2 * np.asarray(point, dtype=float) - lo], axis=-1))


def bca_ci(point, reps, jack, level: float = 0.95):
    """(low, high) bias-corrected and accelerated interval (Efron 1987).

    point: () or (S,); reps: (B,) or (S, B); jack: (U,) or (S, U) leave-one-unit-out values.
    z0 = Phi^-1(#{theta_b < theta} / B + #{theta_b = theta} / 2B) (ties split, as for discrete metrics);
    a = sum(d^3) / (6 sum(d^2)^1.5) with d = mean(jack) - jack; the interval is the replicates'
    quantiles at Phi(z0 + (z0 + z) / (1 - a (z0 + z))) for z = Phi^-1((1 -/+ level) / 2).
    Undefined (NaN) when all replicates are NaN; a = 0 when the jackknife values are all equal.
    """
    reps = np.asarray(reps, dtype=float)
    point = np.asarray(point, dtype=float)[..., None]
    valid = ~np.isnan(reps)
    nvalid = valid.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = ((reps < point) & valid).sum(-1) / nvalid + 0.5 * ((reps == point) & valid).sum(-1) / nvalid
        z0 = ndtri(frac)
        jack = np.asarray(jack, dtype=float)
        d = np.nanmean(jack, axis=-1, keepdims=True) - jack
        num = np.nansum(d**3, axis=-1)
        den = 6.0 * np.nansum(d**2, axis=-1) ** 1.5
        acc = np.where(den > 0, num / np.where(den > 0, den, 1), 0.0)
        z = ndtri(np.array([(1.0 - level) / 2.0, (1.0 + level) / 2.0]))
        zs = z0[..., None] + z
        probs = ndtr(z0[..., None] + zs / (1.0 - acc[..., None] * zs))
    return _pair(_quantiles(reps, probs))
