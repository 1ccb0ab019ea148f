"""Tabular demo baseline end to end: train, bundle, predict, verify, resume, CLI."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from mlcore.cli import main
from mlcore.dl.bundle import load_bundle
from mlcore.dl.config import load_config
from mlcore.dl.predict import predict_bundle
from mlcore.dl.trainer import train
from mlcore.dl.verify import verify_bundle
from mlcore.eval.metrics import roc_auc

CONFIG = Path(__file__).parents[3] / "configs" / "baselines" / "breast_cancer_mlp.yaml"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bc")
    cfg = load_config(CONFIG, ["training.epochs=8", "validation.bootstrap.n_resamples=300"])
    logs = []
    result = train(cfg, out, progress=False, log=logs.append)
    return out, result, logs


def test_validation_auc_is_high_and_equals_the_auc_of_the_bundle_predictions(run):
    out, result, _ = run
    from sklearn.datasets import load_breast_cancer

    v = result["validation"]
    assert v["value"] >= 0.97 and v["low"] <= v["value"] <= v["high"] <= 1.0
    # Independent recomputation: the bundle's predictions are the validation part scored with the best
    # weights; their AUC (mlcore.eval) against labels from scikit-learn (1 - target) is the reported value.
    preds = pd.read_csv(out / "bundle" / "predictions" / "predictions.csv")
    split = json.loads((out / "split.json").read_text(encoding="utf-8"))
    assert sorted(preds["case_id"]) == sorted(split["splits"]["val"])
    labels = 1 - load_breast_cancer().target[[int(c[3:]) for c in preds["case_id"]]]
    assert roc_auc(labels, preds["score"]) == pytest.approx(v["value"], abs=1e-6)
    # Stratified 80/20 split per stratum: 212 malignant -> floor(42.4) = 42, 357 benign -> floor(71.4) = 71.
    assert labels.sum() == 42 and len(labels) == 113


def test_bundle_metadata_and_files(run):
    out, result, _ = run
    b = out / "bundle"
    meta = json.loads((b / "metadata.json").read_text(encoding="utf-8"))
    assert meta["task"] == "binary" and meta["prediction_format"]["columns"] == ["case_id", "score"]
    assert meta["outputs"]["predictions"] == meta["prediction_format"]
    assert len(meta["inputs"]["columns"]) == 30 and meta["classes"] == {"0": "benign", "1": "malignant"}
    assert meta["software"]["torch"] == torch.__version__ and len(meta["data_hash"]) == 16
    assert meta["split"]["splits"]["train"] and meta["validation"]["best_epoch"] == result["best_epoch"]
    html = (b / "curves.html").read_text(encoding="utf-8")
    assert 'src="https://cdn' not in html and len(html) > 1_000_000  # plotly.js embedded, not fetched
    history = json.loads((out / "history.json").read_text(encoding="utf-8"))
    assert [h["epoch"] for h in history] == list(range(1, 9))
    assert history[result["best_epoch"] - 1]["auc"]["value"] == max(h["auc"]["value"] for h in history)


def test_predict_matches_a_manual_forward_pass_and_verify_passes(run, tmp_path):
    out, _, _ = run
    from mlcore.dl.data_setup import breast_cancer_frame

    frame = breast_cancer_frame().iloc[:7]
    frame.drop(columns="label").to_csv(tmp_path / "inputs.csv", index=False)
    path = predict_bundle(out / "bundle", tmp_path / "inputs.csv", tmp_path / "p.csv")
    got = pd.read_csv(path)
    bundle = load_bundle(out / "bundle")
    x = torch.tensor(frame.drop(columns=["case_id", "label"]).to_numpy(np.float32))
    with torch.no_grad():
        manual = torch.sigmoid(bundle.model(x)[:, 0]).numpy()
    assert list(got["case_id"]) == [f"bc-{i:03d}" for i in range(7)]
    np.testing.assert_allclose(got["score"], manual, atol=1e-6)
    ok, lines = verify_bundle(out / "bundle")
    assert ok and len(lines) == 6


def test_verify_detects_changed_weights_and_changed_outputs(run, tmp_path):
    import shutil

    out, _, _ = run
    copy = shutil.copytree(out / "bundle", tmp_path / "b")
    expected = copy / "samples" / "expected.csv"
    frame = pd.read_csv(expected)
    frame.loc[0, "score"] = 1 - frame.loc[0, "score"] if abs(frame.loc[0, "score"] - 0.5) > 0.01 else 0.0
    frame.to_csv(expected, index=False)
    ok, lines = verify_bundle(copy)
    assert not ok and sum("MISMATCH" in x for x in lines) == 1
    state = torch.load(copy / "model.pt")
    state["net.0.bias"] += 1
    torch.save(state, copy / "model.pt")
    ok, lines = verify_bundle(copy)
    assert not ok and "does not match the weights hash" in lines[0]


def test_resume_continues_from_the_checkpoint(run, tmp_path):
    import shutil

    out, _, _ = run
    copy = Path(shutil.copytree(out, tmp_path / "run"))
    cfg = load_config(CONFIG, ["training.epochs=10", "validation.bootstrap.n_resamples=300"])
    logs = []
    train(cfg, copy, progress=False, log=logs.append)
    assert logs[0].startswith("resuming after epoch 8")
    epochs = [line.split()[1] for line in logs if line.startswith("epoch ")]
    assert epochs == ["9/10", "10/10"]
    assert [h["epoch"] for h in json.loads((copy / "history.json").read_text(encoding="utf-8"))] == list(range(1, 11))


def test_cli_train_and_verify(tmp_path, capsys):
    rc = main(["baseline", "train", str(CONFIG), "--out", str(tmp_path / "r"), "--quiet",
               "--set", "training.epochs=2", "--set", "validation.bootstrap.n_resamples=100", "--set", "training.num_workers=1"])
    assert rc == 0
    text = capsys.readouterr().out
    assert "validation auc" in text and f"bundle: {tmp_path / 'r' / 'bundle'}" in text
    assert main(["baseline", "verify", str(tmp_path / "r" / "bundle")]) == 0
    assert capsys.readouterr().out.strip().endswith("verify: OK")
    # A zipped bundle predicts and verifies like the folder.
    from mlcore.dl.bundle import pack_bundle

    zipped = pack_bundle(tmp_path / "r" / "bundle", tmp_path / "b.zip")
    assert main(["baseline", "verify", str(zipped)]) == 0
    assert capsys.readouterr().out.strip().endswith("verify: OK")
    assert main(["baseline", "train", str(CONFIG), "--set", "task=regression"]) == 2
    assert "task must be one of binary, segmentation" in capsys.readouterr().err


def test_config_lists_every_problem():
    with pytest.raises(ValueError) as err:
        load_config({"task": "x", "data": {}, "model": {}, "extra": 1, "split": {"fractions": {"train": 0.8, "valid": 0.2}}})
    text = str(err.value)
    assert "unknown section(s) extra" in text and "task must be one of" in text
    assert "data.source is missing" in text and "model.name is missing" in text
    assert "split.fractions must name 'train' and 'val' parts; found train, valid" in text


def test_early_stopping_after_patience_epochs_without_gain(tmp_path):
    cfg = load_config(CONFIG, ["training.epochs=40", "training.early_stopping.patience=3", "validation.bootstrap.n_resamples=50"])
    logs = []
    result = train(cfg, tmp_path, progress=False, log=logs.append)
    history = json.loads((tmp_path / "history.json").read_text(encoding="utf-8"))
    values = [h["auc"]["value"] for h in history]
    best = result["best_epoch"]
    # The best epoch is the first with the highest AUC; training stopped exactly 3 epochs later.
    assert best == int(np.argmax(values)) + 1 and len(history) == best + 3 < 40
    assert all(v <= values[best - 1] for v in values[best:])
    assert logs[-2] == "early stopping: no auc gain for 3 epochs"
