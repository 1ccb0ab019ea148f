"""Empty-mask policy: Metrics Reloaded defaults and organiser overrides."""

import numpy as np
import pytest

from mlcore.eval.segmentation import EmptyPolicy, ScoringOptions, score_case


def masks(ref_on: bool, pred_on: bool, shape=(6, 8, 5)):
    ref = np.zeros(shape, dtype=np.uint8)
    pred = np.zeros(shape, dtype=np.uint8)
    if ref_on:
        ref[1:3, 1:3, 1:3] = 1
    if pred_on:
        pred[2:4, 2:5, 1:3] = 1
    return ref, pred


def test_both_empty_defaults():
    v = score_case(*masks(False, False), labels=[1]).values
    assert v["dice"][0] == 1.0 and v["iou"][0] == 1.0 and v["nsd"][0] == 1.0
    assert v["hausdorff"][0] == 0.0 and v["hd95"][0] == 0.0 and v["assd"][0] == 0.0
    assert v["volume_difference"][0] == 0.0 and v["relative_volume_difference"][0] == 0.0
    assert v["lesion_f1"][0] == 1.0 and v["lesion_count_error"][0] == 0.0


def test_one_empty_defaults():
    spacing = (1.0, 2.0, 3.0)
    diagonal = np.sqrt((5 * 1.0) ** 2 + (7 * 2.0) ** 2 + (4 * 3.0) ** 2)
    ref_empty = score_case(*masks(False, True), spacing, labels=[1])
    v = ref_empty.values
    assert ref_empty.state == ("reference_empty",)
    assert v["dice"][0] == 0.0 and v["nsd"][0] == 0.0 and v["lesion_f1"][0] == 0.0
    assert v["hausdorff"][0] == pytest.approx(diagonal) and v["masd"][0] == pytest.approx(diagonal)
    assert v["volume_difference"][0] == 12 * 6.0  # 12 voxels of 6 mm³
    assert np.isnan(v["relative_volume_difference"][0])
    pred_empty = score_case(*masks(True, False), spacing, labels=[1]).values
    assert pred_empty["hd95"][0] == pytest.approx(diagonal)
    assert pred_empty["relative_volume_difference"][0] == 1.0
    assert pred_empty["lesion_recall"][0] == 0.0 and pred_empty["lesion_precision"][0] == 1.0


def test_overrides_and_fixed_worst_distance():
    policy = EmptyPolicy({"dice": {"both_empty": "nan"}, "hd95": {"reference_empty": 99.0}}, distance_worst=373.13)
    options = ScoringOptions(policy=policy)
    assert np.isnan(score_case(*masks(False, False), labels=[1], options=options).values["dice"][0])
    v = score_case(*masks(False, True), labels=[1], options=options).values
    assert v["hd95"][0] == 99.0 and v["hausdorff"][0] == 373.13
    with pytest.raises(KeyError, match="unknown metric 'hd'"):
        EmptyPolicy({"hd": {"both_empty": 0}})


def test_label_only_in_prediction_is_scored():
    ref = np.zeros((6, 6), dtype=np.uint8)
    pred = np.zeros((6, 6), dtype=np.uint8)
    ref[1:3, 1:3] = 1
    pred[1:3, 1:3] = 1
    pred[4, 4] = 2
    s = score_case(ref, pred)
    assert s.labels == (1, 2)
    assert list(s.values["dice"]) == [1.0, 0.0]
    assert s.counts["fp"][1] == 1 and s.state == ("neither", "reference_empty")


def test_unknown_metric_names_the_closest():
    with pytest.raises(KeyError, match="did you mean 'hd95'"):
        score_case(np.zeros((3, 3)), np.zeros((3, 3)), metrics=["hd96"])
