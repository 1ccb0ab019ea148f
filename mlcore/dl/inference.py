"""Inference: run a model over samples, and write predictions in a phase's submission format.

Formats (`mlcore.eval` reads the same ones):
- binary: CSV ``case_id,score`` (score = sigmoid probability of the positive class, in [0, 1]).
- segmentation: a zip with one label map per case, ``<case_id>.nii.gz`` (uint8, the input image's affine).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import torch

from mlcore.data import sample as S
from mlcore.data.ops import CenterCropOrPad

from .data_setup import FEATURES, IMAGE, META, build_op, collate


def model_inputs(cfg: dict, batch: dict) -> tuple[torch.Tensor, dict]:
    """(x, forward kwargs) from a batch: features or image, plus FiLM metadata when the model takes it."""
    x = S.get(batch, FEATURES if cfg["task"] == "binary" and S.has(batch, FEATURES) else IMAGE).float()
    kwargs = {"meta": S.get(batch, META).float()} if cfg["model"].get("meta_keys") else {}
    return x, kwargs


def label_map(logits: torch.Tensor) -> np.ndarray:
    """(B, C, ...) logits -> (B, ...) uint8 labels: argmax for C >= 2, logit > 0 (p > 0.5) for C = 1."""
    out = logits.argmax(1) if logits.shape[1] > 1 else (logits[:, 0] > 0)
    return out.to(torch.uint8).cpu().numpy()


@torch.no_grad()
def predict_items(model, cfg: dict, dataset, device="cpu", batch_size: int = 4, uncertainty: dict | None = None) -> list[dict]:
    """One result per item of ``dataset`` (a `SampleDataset`): ``case_id``; ``score`` (binary) or ``label_map``
    (X, Y, Z) uint8 and ``affine`` (segmentation); with an uncertainty method, ``uncertainty`` (per case: mean
    entropy of the mean probability, nats) and for segmentation ``uncertainty_map`` (X, Y, Z) float32."""
    from . import uncertainty as U

    model.eval()
    method = (uncertainty or {}).get("method")
    results = []
    for start in range(0, len(dataset), batch_size):
        items = [dataset[i] for i in range(start, min(start + batch_size, len(dataset)))]
        batch = collate(items, [FEATURES, IMAGE, META], device)
        x, kwargs = model_inputs(cfg, batch)
        if method:
            n = int(uncertainty.get("n_samples", 8))
            summ = U.mc_dropout(model, x, n, **kwargs) if method == "mc_dropout" else U.tta(model, x, dense=cfg["task"] == "segmentation", **kwargs)
            probs, unc = summ["mean"].float(), summ["per_case"]["entropy"].float().cpu().numpy()
            unc_maps = summ["per_voxel"]["entropy"].float().cpu().numpy()
            logits = torch.logit(probs.clamp(1e-6, 1 - 1e-6)) if probs.shape[1] == 1 else probs.log()
        else:
            logits, unc = model(x, **kwargs).float(), None
        for i, item in enumerate(items):
            r = {"case_id": item["case_id"]}
            if cfg["task"] == "binary":
                r["score"] = float(torch.sigmoid(logits[i, 0]))
            else:
                r["label_map"] = _postprocess(cfg, _restore_shape(label_map(logits[i:i + 1])[0], item))
                r["affine"] = S.get(item, IMAGE + "_meta")["affine"]
            if unc is not None:
                r["uncertainty"] = float(unc[i])
                if cfg["task"] == "segmentation":
                    r["uncertainty_map"] = _restore_shape(unc_maps[i], item).astype(np.float32)
            results.append(r)
    return results


def _restore_shape(labels: np.ndarray, item: dict) -> np.ndarray:
    """Undo a centred crop/pad so the label map matches the input image's voxel grid."""
    shape = tuple(S.get(item, IMAGE + "_meta")["shape"])
    return labels if labels.shape == shape else CenterCropOrPad("x", shape)({"x": labels})["x"]


def _postprocess(cfg: dict, labels: np.ndarray) -> np.ndarray:
    sample = {"pred": labels}
    for spec in cfg["postprocess"]:
        sample = build_op({**spec, "key_in": "pred"})(sample)
    return sample["pred"].astype(np.uint8)


def write_uncertainty(results: list[dict], out) -> list[Path]:
    """``<out stem>_uncertainty.csv`` (case_id,uncertainty) and, for segmentation, ``<out stem>_uncertainty.zip``
    with one float32 entropy map per case (``<case_id>.nii.gz``, nats)."""
    import nibabel as nib

    out = Path(out)
    csv = out.with_name(out.stem + "_uncertainty.csv")
    csv.write_text("\n".join(["case_id,uncertainty"] + [f"{r['case_id']},{r['uncertainty']:.8g}" for r in results]) + "\n",
                   encoding="utf-8")
    written = [csv]
    if results and "uncertainty_map" in results[0]:
        written.append(out.with_name(out.stem + "_uncertainty.zip"))
        with zipfile.ZipFile(written[-1], "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for r in results:
                img = nib.Nifti1Image(r["uncertainty_map"], np.asarray(r["affine"], dtype=float))
                zf.writestr(f"{r['case_id']}.nii.gz", _gzip(img.to_bytes()))
    return written


def write_predictions(task: str, results: list[dict], out) -> Path:
    """Write results in the submission format; returns the file written (``.csv`` or ``.zip``)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if task == "binary":
        lines = ["case_id,score"] + [f"{r['case_id']},{r['score']:.8g}" for r in results]
        out.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return out
    import nibabel as nib

    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for r in results:
            img = nib.Nifti1Image(r["label_map"].astype(np.uint8), np.asarray(r["affine"], dtype=float))
            zf.writestr(f"{r['case_id']}.nii.gz", _gzip(img.to_bytes()))
    return out


def _gzip(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data, mtime=0)


def read_predictions(task: str, path) -> dict:
    """{case_id: score} (binary) or {case_id: label map (X, Y, Z)} from a file written by `write_predictions`."""
    path = Path(path)
    if task == "binary":
        from mlcore.data import read_table

        t = read_table(path)
        return dict(zip(t["case_id"].astype(str), t["score"].astype(float), strict=True))
    import gzip

    import nibabel as nib

    out = {}
    with zipfile.ZipFile(path) as zf:
        for name in sorted(zf.namelist()):
            img = nib.Nifti1Image.from_bytes(gzip.decompress(zf.read(name)))
            out[name[: -len(".nii.gz")]] = np.asanyarray(img.dataobj)
    return out
