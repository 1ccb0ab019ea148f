"""Lesion-level counts, written out by hand."""

import numpy as np
import pytest

from mlcore.eval.segmentation import lesion_counts, score_case
from mlcore.eval.segmentation.lesions import lesion_dice, lesion_f1, lesion_precision, lesion_recall


def scene():
    # Reference: lesion A (3x3 = 9 px), lesion B (2x2 = 4 px), lesion C (1 px).
    ref = np.zeros((20, 20), dtype=bool)
    ref[1:4, 1:4] = True      # A
    ref[10:12, 10:12] = True  # B
    ref[17, 2] = True         # C
    # Prediction: P1 covers 4 px of A plus 2 outside (6 px); P2 overlaps B by 1 px (3 px); P3 is a
    # false positive (2 px); C is missed.
    pred = np.zeros((20, 20), dtype=bool)
    pred[2:4, 2:5] = True     # P1: 2x3, 4 px inside A
    pred[11, 11:14] = True    # P2: 1 px inside B
    pred[15, 15:17] = True    # P3
    return ref, pred


def test_detection_counts_any_overlap():
    c = lesion_counts(*scene())
    assert (c.tp, c.fn, c.fp, c.predicted, c.reference) == (2, 1, 1, 3, 3)
    assert lesion_precision(c) == pytest.approx(2 / 3)
    assert lesion_recall(c) == pytest.approx(2 / 3)
    assert lesion_f1(c) == pytest.approx(4 / 6)
    # lesion-wise Dice: A vs P1 = 2*4/(9+6); B vs P2 = 2*1/(4+3); C and P3 score 0; mean over 3 + 1
    assert lesion_dice(c) == pytest.approx((8 / 15 + 2 / 7) / 4)


def test_overlap_fraction_rule():
    # requiring half of a lesion to be covered: A (4/9) and B (1/4) are now missed
    c = lesion_counts(*scene(), min_overlap_fraction=0.5)
    assert (c.tp, c.fn) == (0, 3)
    # predicted lesions: P1 has 4/6 on reference (kept), P2 1/3 (now a false positive), P3 0
    assert c.fp == 2


def test_connectivity_changes_components():
    ref = np.zeros((5, 5), dtype=bool)
    ref[1, 1] = ref[2, 2] = True  # diagonal neighbours
    assert lesion_counts(ref, ref).reference == 1
    assert lesion_counts(ref, ref, connectivity=1).reference == 2


def test_merged_prediction_detects_both():
    ref = np.zeros((3, 9), dtype=bool)
    ref[1, 1:3] = True
    ref[1, 5:7] = True
    pred = np.zeros((3, 9), dtype=bool)
    pred[1, 1:7] = True
    c = lesion_counts(ref, pred)
    assert (c.tp, c.fn, c.fp) == (2, 0, 0)
    # each reference lesion against the one merged component: 2*2/(2+6)
    assert lesion_dice(c) == pytest.approx(0.5)
    assert score_case(ref.astype(int), pred.astype(int)).values["lesion_count_error"][0] == 1.0
