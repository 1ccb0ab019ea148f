"""The missing-prediction policy: a case without a prediction gets the worst prediction for it.

Binary scores: a missing positive gets a score below every observed score (0 when the scores look like
probabilities), a missing negative one above every observed score (1 for probabilities), so the case
counts as wrong for every threshold and rank metric. Multiclass: all probability on the class farthest
from the true one (in column order). Regression: the observed prediction farthest from the truth.
Policy ``error`` refuses missing predictions instead.
"""

from __future__ import annotations

import numpy as np

from .problems import InvalidInput, Problem, format_ids


def fill_missing(task_name: str, y_true, predictions, case_ids, policy: str = "worst") -> tuple[np.ndarray, list[str]]:
    """(filled predictions, ids of the cases that were missing). predictions: (N,) or (N, K), NaN = missing."""
    p = np.array(predictions, dtype=float, copy=True)
    miss = np.isnan(p).any(axis=1) if p.ndim == 2 else np.isnan(p)
    ids = [case_ids[i] for i in np.flatnonzero(miss)]
    if not ids:
        return p, []
    if policy == "error":
        raise InvalidInput([Problem("missing_cases", f"no prediction for case(s) {format_ids(ids)}", tuple(ids))], "predictions")
    if policy != "worst":
        raise ValueError(f"missing policy must be 'worst' or 'error', got {policy!r}")
    y = np.asarray(y_true)
    if task_name == "multiclass":
        k = p.shape[1]
        wrong = np.where(y[miss] < k / 2, k - 1, 0)
        p[miss] = np.eye(k)[wrong]
    elif task_name == "binary":
        obs = p[~miss]
        prob = obs.size == 0 or (obs.min() >= 0 and obs.max() <= 1)
        low, high = (0.0, 1.0) if prob else (obs.min() - 1.0, obs.max() + 1.0)
        p[miss] = np.where(y[miss] == 1, low, high)
    else:
        obs = p[~miss]
        if obs.size == 0:
            raise InvalidInput([Problem("missing_cases", "no prediction for any case")], "predictions")
        yt = np.asarray(y_true, dtype=float)[miss]
        p[miss] = np.where(np.abs(obs.min() - yt) > np.abs(obs.max() - yt), obs.min(), obs.max())
    return p, ids
