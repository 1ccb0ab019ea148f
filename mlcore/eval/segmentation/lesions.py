"""Lesion (instance) level scoring: connected components, detection and lesion-wise Dice.

Definitions (ivadomed-style lesion scoring, counts that add up over cases):

- Lesions are the connected components of a mask (``connectivity`` 1 = face neighbours only,
  ``ndim`` = full: 8 in 2D, 26 in 3D; default full).
- Overlap rule: a reference lesion is *detected* (lesion TP) when the predicted mask covers at least
  ``min_overlap_voxels`` of its voxels and at least ``min_overlap_fraction`` of its volume; otherwise it
  is missed (lesion FN). A predicted lesion is a *false positive* (lesion FP) when the reference mask
  covers fewer voxels of it than the same rule requires. Defaults: 1 voxel, fraction 0 (any overlap).
- precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2 TP / (2 TP + FP + FN).
- Lesion-wise Dice (BraTS 2023 style, without dilation): each detected reference lesion scores the Dice
  between it and the union of the predicted lesions that touch it; missed reference lesions and false
  positive predicted lesions score 0; the value is the mean over (reference lesions + FP lesions).
- Count error: |number of predicted lesions - number of reference lesions|.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage


@dataclass(frozen=True)
class LesionCounts:
    """Lesion counts of one mask pair (all ints except `dice_sum`).

    tp: detected reference lesions; fn: missed reference lesions; fp: predicted lesions that overlap
    no reference lesion under the rule; predicted: all predicted lesions; dice_sum: sum of the
    detected reference lesions' Dice values (for lesion-wise Dice).
    """

    tp: int
    fn: int
    fp: int
    predicted: int
    dice_sum: float

    @property
    def reference(self) -> int:
        return self.tp + self.fn


def label_components(mask: np.ndarray, connectivity: int | None = None) -> tuple[np.ndarray, int]:
    """Connected components of a bool mask: (int32 label array, number of components).

    connectivity: 1 (face) .. ndim (full); None means full.
    """
    structure = ndimage.generate_binary_structure(mask.ndim, connectivity or mask.ndim)
    labels, n = ndimage.label(mask, structure=structure)
    return labels, int(n)


def _covered(components: np.ndarray, n: int, other: np.ndarray, min_voxels: int, min_fraction: float):
    """Per component (1..n): size, voxels covered by `other`, and whether the overlap rule holds."""
    size = np.bincount(components.ravel(), minlength=n + 1)[1:]
    covered = np.bincount(components[other], minlength=n + 1)[1:]
    hit = (covered >= max(min_voxels, 1)) & (covered >= min_fraction * size)
    return size, covered, hit


def lesion_counts(reference: np.ndarray, prediction: np.ndarray, connectivity: int | None = None,
                  min_overlap_voxels: int = 1, min_overlap_fraction: float = 0.0) -> LesionCounts:
    """Lesion detection counts and lesion-wise Dice sum of two bool masks of one shape (see module doc)."""
    reference = np.asarray(reference, dtype=bool)
    prediction = np.asarray(prediction, dtype=bool)
    ref_lab, n_ref = label_components(reference, connectivity)
    pred_lab, n_pred = label_components(prediction, connectivity)
    ref_size, ref_cov, detected = _covered(ref_lab, n_ref, prediction, min_overlap_voxels, min_overlap_fraction)
    _, _, pred_hit = _covered(pred_lab, n_pred, reference, min_overlap_voxels, min_overlap_fraction)
    dice_sum = 0.0
    if n_ref and n_pred:
        both = reference & prediction
        pairs = np.unique(ref_lab[both].astype(np.int64) * (n_pred + 1) + pred_lab[both])
        ref_of, pred_of = pairs // (n_pred + 1), pairs % (n_pred + 1)
        pred_size = np.bincount(pred_lab.ravel(), minlength=n_pred + 1)
        touching = np.bincount(ref_of, weights=pred_size[pred_of], minlength=n_ref + 1)[1:]
        dice = 2.0 * ref_cov / (ref_size + touching)
        dice_sum = float(dice[detected].sum())
    tp = int(detected.sum())
    return LesionCounts(tp=tp, fn=n_ref - tp, fp=int(n_pred - pred_hit.sum()), predicted=n_pred, dice_sum=dice_sum)


def lesion_precision(c: LesionCounts) -> float:
    """TP / (TP + FP); NaN without any lesion counted."""
    return c.tp / (c.tp + c.fp) if c.tp + c.fp else float("nan")


def lesion_recall(c: LesionCounts) -> float:
    """TP / (TP + FN); NaN without reference lesions."""
    return c.tp / (c.tp + c.fn) if c.tp + c.fn else float("nan")


def lesion_f1(c: LesionCounts) -> float:
    """2 TP / (2 TP + FP + FN); NaN when neither mask has a lesion."""
    den = 2 * c.tp + c.fp + c.fn
    return 2 * c.tp / den if den else float("nan")


def lesion_dice(c: LesionCounts) -> float:
    """Lesion-wise Dice: dice_sum / (reference lesions + FP lesions); NaN when there is no lesion."""
    den = c.reference + c.fp
    return c.dice_sum / den if den else float("nan")


def lesion_count_error(c: LesionCounts) -> float:
    """|predicted lesions - reference lesions|."""
    return float(abs(c.predicted - c.reference))
