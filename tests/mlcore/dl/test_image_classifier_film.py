"""Image classification with FiLM metadata and the class-balanced sampler, through the same trainer."""

import json

import numpy as np
import pandas as pd
import pytest

from mlcore.data.synthetic import write_dataset
from mlcore.dl.config import load_config
from mlcore.dl.predict import predict_bundle
from mlcore.dl.trainer import train
from mlcore.dl.verify import verify_bundle
from mlcore.eval.metrics import roc_auc


def test_resnet_with_film_trains_predicts_and_verifies(tmp_path):
    table = write_dataset(tmp_path / "data", n_cases=16, shape=(16, 16, 16), seed=3)
    frame = pd.read_csv(table)
    frame["label"] = (frame["n_voxels"] > frame["n_voxels"].median()).astype(int)
    frame["age"] = np.linspace(0.2, 0.8, len(frame))
    frame.drop(columns="n_voxels").to_csv(table, index=False)
    cfg = load_config({
        "name": "spheres-size-resnet", "task": "binary",
        "data": {"source": "case_table", "path": str(table), "cache": True},
        "split": {"fractions": {"train": 0.5, "val": 0.5}, "stratify": "data.target.label"},
        "preprocess": [{"op": "NormalizeIntensity", "key_in": "data.input.image"}],
        "model": {"name": "resnet", "spatial_dims": 3, "channels": [4, 8], "n_meta": 1, "meta_keys": ["meta.age"]},
        "training": {"epochs": 2, "batch_size": 4, "balanced_sampler": True},
        "validation": {"bootstrap": {"n_resamples": 50}},
    })
    result = train(cfg, tmp_path / "run", progress=False, log=lambda *_: None)
    bundle = tmp_path / "run" / "bundle"
    preds = pd.read_csv(bundle / "predictions" / "predictions.csv")
    val = json.loads((tmp_path / "run" / "split.json").read_text(encoding="utf-8"))["splits"]["val"]
    assert sorted(preds["case_id"]) == sorted(val)
    labels = frame.set_index("case_id").loc[preds["case_id"], "label"].to_numpy()
    assert labels.sum() == 4  # stratified: half of the 8 large-object cases
    assert roc_auc(labels, preds["score"]) == pytest.approx(result["validation"]["value"], abs=1e-6)
    ok, lines = verify_bundle(bundle)
    assert ok, lines
    # Inference from a case table of images plus metadata (FiLM needs meta.age at prediction time too).
    out = predict_bundle(bundle, table, tmp_path / "all.csv")
    assert len(pd.read_csv(out)) == 16
