"""Shared fixtures: the reference data sets copied from published sources (see data/README.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def asah():
    """pROC's aSAH data: y (113,) 1 = Poor outcome; scores wfns, s100b, ndka."""
    frame = pd.read_csv(DATA / "aSAH.csv")
    return {"y": (frame["outcome"] == "Poor").to_numpy().astype(int),
            **{c: frame[c].to_numpy(dtype=float) for c in ("wfns", "s100b", "ndka")}}


@pytest.fixture(scope="session")
def knight():
    """KNIGHT 2022 task 1 validation: y (60,), score (60,) of CanAT, joined on id."""
    targets = pd.read_csv(DATA / "knight_targets.csv")
    preds = pd.read_csv(DATA / "knight_predictions.csv")
    joined = targets.merge(preds, on="id")
    return {"ids": joined["id"].tolist(), "y": joined["Task1-target"].to_numpy().astype(int),
            "score": joined["CanAT-score"].to_numpy(dtype=float)}


@pytest.fixture
def rng():
    return np.random.default_rng(20240607)
