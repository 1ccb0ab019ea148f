"""Baseline bundles: a folder (or a zip of one) that holds everything needed to predict and to check.

Layout::

    model.pt            weights (torch state dict)
    config.yaml         the exact merged config used for training
    metadata.json       task, inputs, prediction format, classes, model arguments, software versions,
                        data hash, split, validation metric with CI, weights hash
    split.json          the split file
    README.md           what it is and how to use it
    predictions/        predictions for the configured cases, in the phase's submission format
    samples/inputs*     a few stored inputs; samples/expected* their predictions, for `verify_bundle`
    curves.html, history.json

Prediction (`predict`) and checking (`verify`) need torch (and MONAI for MONAI networks), not the trainer.
"""

from __future__ import annotations

import hashlib
import json
import platform as _platform
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from mlcore import __version__

from .data_setup import IMAGE_SUFFIXES, input_samples

BUNDLE_FORMAT = "podium-baseline/1"
N_SAMPLE_CASES = {"binary": 5, "segmentation": 2}


@dataclass
class Bundle:
    """A loaded bundle: its folder, merged config, metadata dict and model (CPU, eval mode)."""

    folder: Path
    config: dict
    metadata: dict
    model: object

    @property
    def task(self) -> str:
        return self.metadata["task"]

    def prediction_name(self) -> str:
        return "predictions.csv" if self.task == "binary" else "predictions.zip"


def _sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def software_versions() -> dict:
    """Versions of python, mlcore, numpy, torch and (when installed) MONAI."""
    import torch

    versions = {"python": _platform.python_version(), "mlcore": __version__, "numpy": np.__version__, "torch": torch.__version__}
    try:
        import monai

        versions["monai"] = monai.__version__
    except ImportError:
        pass
    return versions


def prediction_format(task: str) -> dict:
    """The phase submission format a task's predictions are written in (see `inference.write_predictions`)."""
    if task == "binary":
        return {"kind": "csv", "columns": ["case_id", "score"], "score": "probability of class 1, in [0, 1]"}
    return {"kind": "zip", "member": "<case_id>.nii.gz", "content": "uint8 label map on the input image's grid"}


def write_bundle(folder, cfg, model, model_args, split, data_info, data_hash, validation, run_dir=None, samples=None) -> Path:
    """Write a bundle; ``samples`` (all cases, with file paths) feed the predictions and the stored samples."""
    import torch

    from . import config as C

    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    torch.save(model.state_dict(), folder / "model.pt")
    C.dump(cfg, folder / "config.yaml")
    (folder / "split.json").write_text(json.dumps(split, indent=1), encoding="utf-8")
    task = cfg["task"]
    inputs = ({"kind": "table", "columns": data_info["features"], "id_column": "case_id"} if "features" in data_info
              else {"kind": "images", "suffixes": list(IMAGE_SUFFIXES), "channels": 1, "layout": "folder of <case_id> images"})
    metadata = {
        "format": BUNDLE_FORMAT, "name": cfg["name"], "task": task, "inputs": inputs, "prediction_format": prediction_format(task),
        "outputs": {"predictions": prediction_format(task), "uncertainty": "optional <out>_uncertainty.csv (+ .zip of per-voxel maps)"},
        "classes": cfg["data"].get("classes", {0: "negative", 1: "positive"}), "model": cfg["model"]["name"],
        "model_args": model_args, "software": software_versions(), "data_hash": data_hash, "split": split,
        "validation": validation, "weights_sha256": _sha256(folder / "model.pt"),
    }
    (folder / "metadata.json").write_text(json.dumps(metadata, indent=1, default=str), encoding="utf-8")
    if run_dir is not None:
        for name in ("curves.html", "history.json"):  # curves.html is absent without plotly
            if (Path(run_dir) / name).exists():
                shutil.copy(Path(run_dir) / name, folder / name)
    bundle = load_bundle(folder)
    if samples is not None:
        _write_predictions_and_samples(bundle, samples, split)
    (folder / "README.md").write_text(_readme(bundle), encoding="utf-8")
    return folder


def _pred_samples(bundle: Bundle, samples, split) -> tuple[str, list[dict]]:
    p = bundle.config["predict"]
    if p.get("inputs"):
        return str(p["inputs"]), input_samples(bundle.config, bundle.metadata, p["inputs"])
    part = p.get("part") or ("test" if "test" in split["splits"] else "val")
    ids = set(split["splits"][part])
    return f"split part {part!r}", [s for s in samples if s["case_id"] in ids]


def _write_predictions_and_samples(bundle: Bundle, samples, split) -> None:
    from mlcore.data.readers import write_nifti

    from .predict import predict_bundle, predict_samples

    what, chosen = _pred_samples(bundle, samples, split)
    out = predict_samples(bundle, chosen, bundle.folder / "predictions" / bundle.prediction_name())
    bundle.metadata["predictions"] = {"file": str(out.relative_to(bundle.folder)), "cases": what, "n_cases": len(chosen)}
    few = chosen[: N_SAMPLE_CASES[bundle.task]]
    if bundle.task == "binary":  # cases spread over the score range, so verify checks more than saturated scores
        from .inference import read_predictions

        scores = read_predictions("binary", out)
        ranked = sorted(chosen, key=lambda s: scores[s["case_id"]])
        picks = np.unique(np.linspace(0, len(ranked) - 1, N_SAMPLE_CASES["binary"]).round().astype(int))
        few = [ranked[i] for i in picks]
    sdir = bundle.folder / "samples"
    expected = sdir / ("expected.csv" if bundle.task == "binary" else "expected.zip")
    if bundle.metadata["inputs"]["kind"] == "table":
        cols = bundle.metadata["inputs"]["columns"]
        rows = ["case_id," + ",".join(cols)] + [s["case_id"] + "," + ",".join(f"{v!r}" for v in s["data"]["input"]["features"].tolist())
                                               for s in few]
        sdir.mkdir(parents=True)
        (sdir / "inputs.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        inputs = sdir / "inputs.csv"
    else:
        from mlcore.data.readers import read_image

        meta_cols = [k.split(".", 1)[1] for k in bundle.config["model"].get("meta_keys") or []]
        rows = ["case_id,image" + "".join(f",{c}" for c in meta_cols)]
        for s in few:
            array, meta = read_image(s["data"]["input"]["image"])
            write_nifti(sdir / "inputs" / f"{s['case_id']}.nii.gz", array, meta["affine"])
            rows.append(f"{s['case_id']},{s['case_id']}.nii.gz" + "".join(f",{_cell(s['meta'][c])}" for c in meta_cols))
        (sdir / "inputs" / "cases.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        # A folder of images is enough unless the model reads metadata (FiLM): then the case table.
        inputs = sdir / "inputs" / "cases.csv" if meta_cols else sdir / "inputs"
    predict_bundle(bundle, inputs, expected)
    bundle.metadata["samples"] = {"inputs": str(inputs.relative_to(bundle.folder)), "expected": str(expected.relative_to(bundle.folder))}
    (bundle.folder / "metadata.json").write_text(json.dumps(bundle.metadata, indent=1, default=str), encoding="utf-8")


def _cell(value) -> str:
    """A CSV cell: floats as repr (exact round trip), None as empty, anything else as text."""
    return "" if value is None else repr(value) if isinstance(value, float) else str(value)


def load_bundle(path) -> Bundle:
    """Load a bundle folder or zip (extracted to a temporary folder) with its model on the CPU."""
    import torch

    from .models import build_model

    path = Path(path)
    if path.is_file() and zipfile.is_zipfile(path):
        tmp = Path(tempfile.mkdtemp(prefix="podium-bundle-"))
        with zipfile.ZipFile(path) as zf:
            zf.extractall(tmp)
        inner = [p.parent for p in tmp.rglob("metadata.json")]
        path = inner[0] if inner else tmp
    if not (path / "metadata.json").exists():
        raise FileNotFoundError(f"{path} is not a baseline bundle (no metadata.json)")
    metadata = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
    if metadata.get("format") != BUNDLE_FORMAT:
        raise ValueError(f"{path}: bundle format {metadata.get('format')!r}, expected {BUNDLE_FORMAT!r}")
    cfg = yaml.safe_load((path / "config.yaml").read_text(encoding="utf-8"))
    model = build_model(cfg["model"], **metadata.get("model_args", {}))
    model.load_state_dict(torch.load(path / "model.pt", map_location="cpu"))
    model.eval()
    return Bundle(path, cfg, metadata, model)


def pack_bundle(folder, zip_path=None) -> Path:
    """Zip a bundle folder (members under the folder's name)."""
    folder = Path(folder)
    zip_path = Path(zip_path or folder.with_suffix(".zip"))
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, Path(folder.name) / p.relative_to(folder))
    return zip_path


def _readme(bundle: Bundle) -> str:
    m, v = bundle.metadata, bundle.metadata["validation"]
    return f"""# Baseline bundle: {m['name']}

Task: {m['task']}. Model: {m['model']}. Trained with mlcore {m['software']['mlcore']} (torch {m['software']['torch']}).

Validation {v['metric']}: {v['value']:.4f} (95% CI {v['low']:.4f} to {v['high']:.4f}, {v['method']},
{v['n_resamples']} resamples, seed {v['seed']}), best epoch {v['best_epoch']}.
Training data hash: `{m['data_hash']}`. Split: `split.json`.

Inputs: {json.dumps(m['inputs'])}
Predictions: {json.dumps(m['prediction_format'])}

    podium baseline predict {bundle.folder.name} INPUTS OUT    # INPUTS: {'a CSV with case_id and the feature columns' if m['task'] == 'binary' else 'a folder of images named <case_id>.nii.gz'}
    podium baseline verify {bundle.folder.name}                # re-runs the stored sample inputs
    podium baseline publish {bundle.folder.name} --phase ID    # submits predictions/ as a baseline entry

Files: model.pt (weights), config.yaml (exact training config), metadata.json, split.json,
predictions/, samples/ (inputs and expected outputs for verify), curves.html (training curves).
"""
