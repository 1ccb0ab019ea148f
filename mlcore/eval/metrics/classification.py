"""Binary classification metrics as plain array functions.

y_true: array of shape (N,) with 1 for the positive class and 0 for the negative class.
y_score: array of shape (N,) of real-valued scores; higher means more likely positive.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata


def roc_auc(y_true, y_score) -> float:
    """Area under the ROC curve, ties counted as one half (Mann-Whitney U with midranks).

    AUC = (sum of positive midranks - n1 (n1 + 1) / 2) / (n1 n0). NaN when a class is absent.
    """
    y_true = np.asarray(y_true).astype(bool)
    y_score = np.asarray(y_score, dtype=float)
    n1 = int(y_true.sum())
    n0 = y_true.size - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    ranks = rankdata(y_score)
    return float((ranks[y_true].sum() - n1 * (n1 + 1) / 2.0) / (n1 * n0))
