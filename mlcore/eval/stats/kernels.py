"""numba kernels of the bootstrap engine (compiled on first use, cached on disk with cache=True).

All kernels draw with the arithmetic of `rng` (SplitMix64, counter-based), so a resample's draws do not
depend on chunking or threads. A plan (see `plan.BootstrapPlan`) lays its U resampling units out in
"slots" 0..U-1, grouped by stratum: stratum s owns slots stratum_ptr[s]..stratum_ptr[s+1]-1. Draw k of
a resample (k counted from 1 across strata in order) picks slot stratum_ptr[s] + floor(u_k * n_s).
A case's multiplicity is the count of its unit's slot, slot_of_case[c].
"""

from __future__ import annotations

import numba as nb
import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_INV_2_53 = 1.0 / 9007199254740992.0


@nb.njit(inline="always", cache=True)
def _mix64(z):
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@nb.njit(cache=True)
def _count_slots(rkey, stratum_ptr, n_slots):
    """(U,) int32 slot multiplicities of the resample whose key is rkey."""
    counts = np.zeros(n_slots, dtype=np.int32)
    k = np.uint64(0)
    for s in range(stratum_ptr.size - 1):
        start = stratum_ptr[s]
        n_s = stratum_ptr[s + 1] - start
        for _ in range(n_s):
            k += np.uint64(1)
            x = _mix64(rkey + k * _GOLDEN)
            j = int(np.float64(x >> np.uint64(11)) * _INV_2_53 * n_s)
            if j >= n_s:
                j = n_s - 1
            counts[start + j] += 1
    return counts


@nb.njit(inline="always", cache=True)
def _resample_key(key, r):
    return _mix64(key + np.uint64(r + 1) * _GOLDEN)


@nb.njit(parallel=True, cache=True)
def draw_weights(key, r0, r1, stratum_ptr, slot_of_case):
    """(r1 - r0, N) int32 case multiplicities of resamples r0..r1-1."""
    n_slots = stratum_ptr[-1]
    out = np.empty((r1 - r0, slot_of_case.size), dtype=np.int32)
    for i in nb.prange(r1 - r0):
        counts = _count_slots(_resample_key(key, r0 + i), stratum_ptr, n_slots)
        for c in range(slot_of_case.size):
            out[i, c] = counts[slot_of_case[c]]
    return out


@nb.njit(inline="always", cache=True)
def _auc_pass(mult, index, code):
    """AUC from multiplicities mult[index[t]] of cases t = 0..N-1 sorted by score level, with
    code[t] = 2 * level + is_positive. Ties count one half; NaN when a class has zero weight."""
    below = 0.0
    num = 0.0
    n1 = 0.0
    p = 0.0
    q = 0.0
    lev = -1
    for t in range(code.size):
        c = code[t]
        if (c >> 1) != lev:
            num += p * (below + 0.5 * q)
            below += q
            n1 += p
            p = 0.0
            q = 0.0
            lev = c >> 1
        m = mult[index[t]]
        if c & 1:
            p += m
        else:
            q += m
    num += p * (below + 0.5 * q)
    below += q
    n1 += p
    if n1 == 0.0 or below == 0.0:
        return np.nan
    return num / (n1 * below)


@nb.njit(parallel=True, cache=True)
def auc_fused(key, r0, r1, stratum_ptr, slot_sorted, code):
    """(r1 - r0,) AUCs of resamples r0..r1-1 without materialising weights.

    slot_sorted: (N,) slot of each case, cases sorted by score; code: (N,) 2 * level + is_positive, same order.
    """
    n_slots = stratum_ptr[-1]
    out = np.empty(r1 - r0)
    for i in nb.prange(r1 - r0):
        counts = _count_slots(_resample_key(key, r0 + i), stratum_ptr, n_slots)
        out[i] = _auc_pass(counts, slot_sorted, code)
    return out


@nb.njit(parallel=True, cache=True)
def auc_from_weights(weights, order, code):
    """(b,) AUC of each row of weights (b, N); order: (N,) cases sorted by score; code as in auc_fused."""
    out = np.empty(weights.shape[0])
    for i in nb.prange(weights.shape[0]):
        out[i] = _auc_pass(weights[i], order, code)
    return out


@nb.njit(inline="always", cache=True)
def _ap_pass(mult, index, code):
    """Average precision from multiplicities mult[index[t]] of cases t sorted by ascending score level
    (code as in `_auc_pass`), walking thresholds from the highest level down: each level adds its
    positives x the precision of "score >= level" (scikit-learn's step definition). NaN without positives."""
    tp = 0.0
    fp = 0.0
    num = 0.0
    p = 0.0
    q = 0.0
    lev = -1
    for t in range(code.size - 1, -1, -1):
        c = code[t]
        if (c >> 1) != lev:
            tp += p
            fp += q
            if p > 0.0:
                num += p * tp / (tp + fp)
            p = 0.0
            q = 0.0
            lev = c >> 1
        m = mult[index[t]]
        if c & 1:
            p += m
        else:
            q += m
    tp += p
    fp += q
    if p > 0.0:
        num += p * tp / (tp + fp)
    if tp == 0.0:
        return np.nan
    return num / tp


@nb.njit(parallel=True, cache=True)
def ap_fused(key, r0, r1, stratum_ptr, slot_sorted, code):
    """(r1 - r0,) average precision of resamples r0..r1-1 (arguments as in `auc_fused`)."""
    n_slots = stratum_ptr[-1]
    out = np.empty(r1 - r0)
    for i in nb.prange(r1 - r0):
        counts = _count_slots(_resample_key(key, r0 + i), stratum_ptr, n_slots)
        out[i] = _ap_pass(counts, slot_sorted, code)
    return out


@nb.njit(parallel=True, cache=True)
def ap_from_weights(weights, order, code):
    """(b,) average precision of each row of weights (b, N) (arguments as in `auc_from_weights`)."""
    out = np.empty(weights.shape[0])
    for i in nb.prange(weights.shape[0]):
        out[i] = _ap_pass(weights[i], order, code)
    return out


@nb.njit(parallel=True, cache=True, fastmath={"reassoc", "contract"})
def weighted_sums(weights, features_t):
    """(b, m) sums over cases of weights[i, c] * features_t[k, c] (features transposed: (m, N)).

    Each row is one vectorised reduction whose order is fixed by the compiled loop and the row alone
    (reassociation only: NaN and inf keep their meaning), so a row's value is bitwise the same whatever
    chunk it is computed in. Machines with different vector widths may differ in the last bits.
    """
    b, n = weights.shape
    m = features_t.shape[0]
    out = np.empty((b, m))
    for i in nb.prange(b):
        row = weights[i]
        for k in range(m):
            f = features_t[k]
            acc = 0.0
            for c in range(n):
                acc += row[c] * f[c]
            out[i, k] = acc
    return out
