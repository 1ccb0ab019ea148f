"""From a config to samples, pipelines and tensor batches.

Sources (``data.source``):
- ``sklearn_breast_cancer``: the 569 WDBC cases as shipped with scikit-learn; case ids ``bc-000``...,
  features named with underscores, label 1 = malignant (scikit-learn codes malignant as 0, so 1 - target).
- ``csv``: a ``case_id`` table; ``data.features`` (default: every column but case_id, subject and the label)
  and ``data.label`` (default ``label``).
- ``synthetic_spheres``: `mlcore.data.synthetic` volumes written under ``data.root`` (default <run>/data).
- ``case_table``: a ``case_id,image,label`` table of image paths. ``bids``: a BIDS tree (``data.suffix``,
  ``data.label_suffix``).
Keys: tabular features at ``data.input.features`` (F,), images at ``data.input.image`` (1, X, Y, Z),
labels at ``data.target.label`` (int, or (1, X, Y, Z) uint8 label maps), FiLM metadata at ``data.input.meta``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mlcore.data import AddChannel, LoadImage, Pipeline, SelectColumns, read_case_table, read_table
from mlcore.data import augment as A
from mlcore.data import ops as O

from . import postprocess as P

FEATURES, IMAGE, LABEL, META = "data.input.features", "data.input.image", "data.target.label", "data.input.meta"
TABULAR_SOURCES = ("sklearn_breast_cancer", "csv")
IMAGE_SUFFIXES = (".nii.gz", ".nii", ".mha", ".mhd", ".nrrd")


def breast_cancer_frame():
    """All 569 cases: case_id, 30 features, label (1 malignant, 0 benign)."""
    import pandas as pd
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    frame = pd.DataFrame(data.data, columns=[c.replace(" ", "_") for c in data.feature_names])
    frame.insert(0, "case_id", [f"bc-{i:03d}" for i in range(len(frame))])
    frame["label"] = 1 - data.target
    return frame


def table_samples(frame, features: list[str], label: str | None) -> list[dict]:
    """Tabular samples; every requested feature column must be present (all missing ones are named)."""
    missing = [c for c in ["case_id", *features] if c not in frame.columns]
    if missing:
        raise ValueError(f"input table lacks column(s) {', '.join(missing)}")
    x = frame[features].to_numpy(dtype=np.float32)
    samples = []
    for i, case in enumerate(frame["case_id"].astype(str)):
        s = {"case_id": case, "subject": case, "data": {"input": {"features": x[i]}}, "meta": {}}
        if label is not None and label in frame.columns:
            s["data"]["target"] = {"label": int(frame[label].iloc[i])}
            s["meta"]["label"] = int(frame[label].iloc[i])
        samples.append(s)
    return samples


def feature_columns(cfg: dict, frame) -> list[str]:
    """``data.features``, or every column but case_id, subject and the label column."""
    label = cfg["data"].get("label", "label")
    return list(cfg["data"].get("features") or [c for c in frame.columns if c not in ("case_id", "subject", label)])


def load_samples(cfg: dict, workdir) -> tuple[list[dict], dict]:
    """(samples, info); info holds ``features`` for tables and ``root`` for generated data."""
    d = cfg["data"]
    src = d["source"]
    if src in TABULAR_SOURCES:
        frame = breast_cancer_frame() if src == "sklearn_breast_cancer" else read_table(d["path"])
        features = feature_columns(cfg, frame)
        return table_samples(frame, features, d.get("label", "label")), {"features": features}
    if src == "synthetic_spheres":
        from mlcore.data.synthetic import write_dataset

        root = Path(d.get("root") or Path(workdir) / "data")
        if not (root / "cases.csv").exists():
            write_dataset(root, n_cases=d.get("n_cases", 40), shape=tuple(d.get("shape", (32, 32, 32))), seed=d.get("seed", 0),
                          **({"noise": d["noise"]} if "noise" in d else {}))
        return read_case_table(root / "cases.csv"), {"root": str(root)}
    if src == "case_table":
        return read_case_table(d["path"]), {}
    if src == "bids":
        from mlcore.data import discover_bids

        return discover_bids(d["root"], d.get("suffix", "T1w"), d.get("label_suffix")), {}
    raise ValueError(f"unknown data.source {src!r}")


def input_samples(cfg: dict, metadata: dict, inputs) -> list[dict]:
    """Samples for inference from INPUTS: a table (tabular tasks) or a folder of images / a case table."""
    inputs = Path(inputs)
    if cfg["task"] == "binary" and metadata["inputs"]["kind"] == "table":
        return table_samples(read_table(inputs), metadata["inputs"]["columns"], None)
    if inputs.is_dir():
        files = sorted(p for p in inputs.iterdir() if p.name.endswith(IMAGE_SUFFIXES))
        if not files:
            raise FileNotFoundError(f"no images ({', '.join(IMAGE_SUFFIXES)}) in {inputs}")
        return [{"case_id": _stem(p), "data": {"input": {"image": str(p.resolve())}}, "meta": {}} for p in files]
    return [{**s, "data": {"input": s["data"]["input"]}} for s in read_case_table(inputs)]


def _stem(path: Path) -> str:
    return next(path.name[: -len(s)] for s in IMAGE_SUFFIXES if path.name.endswith(s))


OP_REGISTRY = {name: getattr(mod, name) for mod in (O, A) for name in dir(mod)
               if isinstance(getattr(mod, name), type) and issubclass(getattr(mod, name), O.Op)} | P.POSTPROCESS_OPS


def build_op(spec: dict) -> O.Op:
    """An op from ``{"op": ClassName, **arguments}`` (mlcore.data ops, augmentations, postprocessing)."""
    spec = dict(spec)
    name = spec.pop("op")
    if name not in OP_REGISTRY:
        raise KeyError(f"unknown op {name!r}; expected one of {', '.join(sorted(OP_REGISTRY))}")
    return OP_REGISTRY[name](**spec)


def _names_target(spec: dict) -> bool:
    return any(isinstance(v, str) and v.startswith("data.target") or isinstance(v, list) and any(str(x).startswith("data.target") for x in v)
               for v in spec.values())


def build_pipeline(cfg: dict, train: bool, with_target: bool = True) -> Pipeline:
    """Loading ops for the task, then ``preprocess`` (ops naming ``data.target`` are skipped without a
    target), then ``augmentation`` when ``train``."""
    det = []
    if cfg["data"]["source"] not in TABULAR_SOURCES:
        det = [LoadImage(IMAGE), AddChannel(IMAGE)]
        if with_target and cfg["task"] == "segmentation":
            det += [LoadImage(LABEL, dtype="uint8"), AddChannel(LABEL)]  # losses cast to long
    det += [build_op(s) for s in cfg["preprocess"] if with_target or not _names_target(s)]
    if cfg["model"].get("meta_keys"):
        det.append(SelectColumns(cfg["model"]["meta_keys"], META))
    rand = [build_op(s) for s in cfg["augmentation"]] if train else []
    return Pipeline(det, rand)


def collate(items: list[dict], keys: list[str], device="cpu") -> dict:
    """Stack the arrays at ``keys`` of each item into tensors of a batch dict (plus ``case_id`` list)."""
    import torch

    from mlcore.data import sample as S

    batch = {"case_id": [it["case_id"] for it in items]}
    for key in keys:
        if S.has(items[0], key):
            S.put(batch, key, torch.as_tensor(np.stack([np.asarray(S.get(it, key)) for it in items])).to(device))
    return batch
