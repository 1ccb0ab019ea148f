"""Tasks: reading truth and predictions for binary, multiclass and regression, every problem at once."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from mlcore.eval import InvalidInput, get_task
from mlcore.eval.tasks import BinaryClassification, GroundTruth, MulticlassClassification, Regression


def codes(problems):
    return [p.code for p in problems]


def test_registry_and_seams():
    assert isinstance(get_task("binary"), BinaryClassification)
    assert isinstance(get_task("multiclass"), MulticlassClassification)
    assert isinstance(get_task("regression"), Regression)
    assert get_task("multiclass", classes=["a", "b"]).classes == ("a", "b")
    with pytest.raises(KeyError, match="unknown task type 'nope'"):
        get_task("nope")
    from mlcore.eval.tasks import GroundTruth as GT  # noqa: N817 - the seam the platform imports

    assert GT is GroundTruth


def test_binary_metric_names_with_parameters():
    task = get_task("binary")
    assert task.metric("sensitivity@0.3").name == "sensitivity@0.3"
    assert task.metric("sens_at_spec@0.95").name == "sens_at_spec@0.95"
    with pytest.raises(KeyError, match="unknown metric 'bogus'.*@THRESHOLD"):
        task.metric("bogus")


def test_binary_probability_check_only_for_metrics_that_need_it():
    task = get_task("binary")
    data = b"case_id,score\na,1.5\nb,-2\nc,0.5\n"
    values, problems = task.validate_predictions(data, ["a", "b", "c"], metrics=["auc"])
    assert problems == [] and values.tolist() == [1.5, -2.0, 0.5]
    _, problems = task.validate_predictions(data, ["a", "b", "c"], metrics=["auc", "brier"])
    assert codes(problems) == ["not_probability"]
    assert problems[0].case_ids == ("a", "b") and "brier" in problems[0].message


def test_multiclass_truth_and_predictions():
    task = get_task("multiclass")
    truth = task.read_truth(b"case_id,label\n1,cat\n2,dog\n3,bird\n4,dog\n")
    assert truth.classes == ("bird", "cat", "dog")
    assert truth.values.tolist() == [1, 2, 0, 2]
    task = task.for_truth(truth)
    csv = b"case_id,dog,bird,cat\n4,0.7,0.2,0.1\n1,0.1,0.1,0.8\n2,0.5,0.25,0.25\n3,0.3,0.6,0.1\n"
    probs = task.read_predictions(csv, truth.case_ids)
    assert probs.tolist()[0] == [0.1, 0.8, 0.1]  # case 1 in class order bird, cat, dog
    assert task.score(truth, probs, "accuracy") == 1.0


def test_multiclass_problems_are_all_reported():
    task = MulticlassClassification(["a", "b", "c"])
    _, problems = task.validate_predictions(b"case_id,a,b\n1,0.5,0.5\n", ["1"])
    assert codes(problems) == ["missing_class_column"] and "missing: c" in problems[0].message
    csv = b"case_id,a,b,c\n1,0.5,0.6,0\n2,x,0,1\n3,1.2,-0.2,0\n1,0.2,0.3,0.5\n"
    _, problems = task.validate_predictions(csv, ["1", "2", "4"])
    assert codes(problems) == ["duplicate_cases", "missing_cases", "unknown_cases", "non_numeric",
                               "not_probability", "rows_do_not_sum_to_one"]
    by_code = {p.code: p for p in problems}
    assert by_code["rows_do_not_sum_to_one"].case_ids == ("1",)
    assert by_code["not_probability"].case_ids == ("3",)
    with pytest.raises(InvalidInput, match="labels must be one of a, b, c"):
        task.read_truth(b"case_id,label\n1,a\n2,z\n")


def test_regression_task():
    task = get_task("regression")
    truth = task.read_truth(b"case_id,label\nx,1.5\ny,2.5\n")
    preds = task.read_predictions(b"case_id,value\ny,3\nx,1\n", truth.case_ids)
    assert preds.tolist() == [1.0, 3.0]
    assert task.score(truth, preds, "mae") == pytest.approx(0.5)
    _, problems = task.validate_predictions(b"case_id,value\nx,inf\ny,abc\n", truth.case_ids)
    assert codes(problems) == ["non_numeric", "not_finite"]


def test_import_is_light():
    code = ("import sys, mlcore.eval, mlcore.cli; "
            "print(sorted(m for m in ('torch', 'monai', 'django', 'numba', 'plotly') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_missing_policy_worst_and_error():
    from mlcore.eval.missing import fill_missing

    y = np.array([1, 0, 1])
    filled, ids = fill_missing("binary", y, [np.nan, np.nan, 0.7], ["a", "b", "c"])
    assert ids == ["a", "b"] and filled.tolist() == [0.0, 1.0, 0.7]
    filled, _ = fill_missing("binary", y, [np.nan, 3.0, -2.0], ["a", "b", "c"])
    assert filled[0] == -3.0  # below every observed score: the positive is ranked last
    filled, _ = fill_missing("regression", np.array([0.0, 10.0]), [np.nan, 4.0], ["a", "b"])
    assert filled[0] == 4.0
    filled, _ = fill_missing("multiclass", np.array([0, 2]), np.array([[np.nan] * 3, [0, 0, 1]]), ["a", "b"])
    assert filled[0].tolist() == [0, 0, 1]
    with pytest.raises(InvalidInput, match="no prediction for case"):
        fill_missing("binary", y, [np.nan, 1, 1], ["a", "b", "c"], policy="error")
