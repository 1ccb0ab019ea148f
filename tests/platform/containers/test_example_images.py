"""The example algorithm images run in the sandbox and produce the values the contract says they do.

Expected values are computed here, independently of the images' code: the binary classifier with numpy
from the model stated in containers/README.md, the segmenter's label maps drawn by hand.
"""

import csv
import json

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import roc_auc_score

from mlcore.eval import get_task
from submissions.algorithm_io import collect_outputs, prepare_inputs
from submissions.executors import Reason

from .conftest import LIMITS, leftover_containers

pytestmark = pytest.mark.services

# The example's model (containers/README.md): score = expit(w . x + b) over these features.
FEATURES = ["mean radius", "mean texture", "mean smoothness", "worst concavity"]
W = np.array([0.9, 0.05, -12.0, 3.0])
B = -12.0


def read_predictions(path):
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["case_id", "score"]
    return {case_id: float(score) for case_id, score in rows[1:]}


def test_binary_classifier_scores_breast_cancer_cases(executor, images, docker_client, worker_id, tmp_path):
    data = load_breast_cancer()
    # 12 malignant (target 0: the positive class here) and 12 benign cases, fixed rows.
    rows = np.r_[np.flatnonzero(data.target == 0)[:12], np.flatnonzero(data.target == 1)[:12]]
    columns = [list(data.feature_names).index(f) for f in FEATURES]
    x = data.data[np.ix_(rows, columns)]
    case_ids = [f"case_{r:03d}" for r in rows]
    sources = {}
    for i, case_id in enumerate(case_ids):
        values = {f.replace(" ", "_"): float(v) for f, v in zip(FEATURES, x[i], strict=True)}
        if i % 2:  # half as JSON, half as a one-row CSV
            path = tmp_path / "src" / f"{case_id}.json"
            path.parent.mkdir(exist_ok=True)
            path.write_text(json.dumps(values))
        else:
            path = tmp_path / "src" / f"{case_id}.csv"
            path.parent.mkdir(exist_ok=True)
            path.write_text(",".join(values) + "\n" + ",".join(repr(v) for v in values.values()) + "\n")
        sources[case_id] = path
    manifest = prepare_inputs(tmp_path / "in", sources, task="binary")
    assert [c["case_id"] for c in manifest["cases"]] == case_ids

    result = executor.run(images["examples/binary-classifier"], tmp_path / "in", tmp_path / "out", LIMITS)

    assert result.reason is Reason.COMPLETED, result.logs_tail
    assert result.exit_code == 0 and result.outputs == ["predictions.csv"]
    assert "scored 24 cases" in result.logs_tail
    expected = 1.0 / (1.0 + np.exp(-(x @ W + B)))
    got = read_predictions(tmp_path / "out" / "predictions.csv")
    assert list(got) == case_ids
    np.testing.assert_allclose([got[c] for c in case_ids], expected, rtol=1e-12)
    # The outputs pass the same Task validation as an uploaded file, and score like sklearn says.
    collected = collect_outputs(tmp_path / "out", case_ids, task="binary")
    assert collected.ok
    task = get_task("binary")
    values, problems = task.validate_predictions(collected.predictions_csv, case_ids)
    assert problems == []
    labels = (data.target[rows] == 0).astype(int)
    assert task.score(task.make_truth(tuple(case_ids), labels), values) == pytest.approx(roc_auc_score(labels, expected), abs=1e-12)
    assert leftover_containers(docker_client, worker_id) == []


def test_segmenter_writes_one_label_map_per_case(executor, images, docker_client, worker_id, tmp_path):
    rng = np.random.default_rng(7)
    volumes, expected = {}, {}
    for k in range(3):
        image = rng.uniform(0.0, 0.4, size=(12, 10, 8))
        labels = np.zeros(image.shape, np.uint8)
        image[2 + k:8, 1:6, 2:7] = 1.0   # organ: label 1
        labels[2 + k:8, 1:6, 2:7] = 1
        image[4:6, 2:4, 3:5] = 2.0        # lesion inside it: label 2
        labels[4:6, 2:4, 3:5] = 2
        path = tmp_path / "src" / f"s{k}.npy"
        path.parent.mkdir(exist_ok=True)
        np.save(path, image)
        volumes[f"s{k}"], expected[f"s{k}"] = path, labels
    prepare_inputs(tmp_path / "in", volumes, task="segmentation")

    result = executor.run(images["examples/segmenter"], tmp_path / "in", tmp_path / "out", LIMITS)

    assert result.reason is Reason.COMPLETED, result.logs_tail
    collected = collect_outputs(tmp_path / "out", list(volumes), task="segmentation")
    assert collected.ok and sorted(collected.label_maps) == ["s0", "s1", "s2"]
    for case_id, labels in expected.items():
        got = np.load(collected.label_maps[case_id])
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, labels)
    assert f"s1: {int((expected['s1'] > 0).sum())} foreground voxels" in result.logs_tail
    assert leftover_containers(docker_client, worker_id) == []


def test_run_algorithm_prepares_runs_and_collects(executor, images, tmp_path):
    from submissions.algorithm_io import run_algorithm

    cases = {"c1": b'{"mean_radius": 14.0, "mean_smoothness": 0.1}', "c2": b'{"mean_radius": 20.0}'}
    run = run_algorithm(executor, images["examples/binary-classifier"], cases, task="binary", limits=LIMITS,
                        work_dir=tmp_path / "job", suffix=".json")
    assert run.result.reason is Reason.COMPLETED and run.outputs.ok
    got = read_predictions(run.outputs.predictions_csv)
    np.testing.assert_allclose([got["c1"], got["c2"]], 1 / (1 + np.exp(-np.array([0.9 * 14 - 1.2 - 12, 0.9 * 20 - 12]))),
                               rtol=1e-12)
    # The same image on a segmentation phase completes but writes no label maps: output_invalid.
    wrong = run_algorithm(executor, images["examples/binary-classifier"], cases, task="segmentation", limits=LIMITS,
                          work_dir=tmp_path / "job2", suffix=".json")
    assert wrong.result.reason is Reason.OUTPUT_INVALID and wrong.result.exit_code == 0
    assert "2 missing: c1, c2" in wrong.result.detail


def test_platform_and_image_failures(executor, images, docker_client, worker_id, binary_inputs, tmp_path):
    inputs, _ = binary_inputs
    missing = executor.run("podium-test/not-loaded:v1", inputs, tmp_path / "o1", LIMITS)
    assert missing.reason is Reason.PLATFORM_ERROR and missing.reason.platform_fault
    assert "is not loaded on worker" in missing.detail
    broken = executor.run(images["examples/binary-classifier"], inputs, tmp_path / "o2", LIMITS, command=["/opt/missing"])
    assert broken.reason is Reason.NONZERO_EXIT and broken.exit_code == 127 and not broken.reason.platform_fault
    assert "could not be executed" in broken.detail and "/opt/missing" in broken.logs_tail
    assert leftover_containers(docker_client, worker_id) == []
    assert list((tmp_path / "runs").rglob("*")) == [tmp_path / "runs" / worker_id]  # stages unmounted and removed
