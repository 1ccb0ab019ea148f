"""Prediction with a bundle: `predict_bundle` (what `podium baseline predict` runs) and `predict_samples`.

Needs torch (and MONAI for MONAI networks), never the trainer.
"""

from __future__ import annotations

from pathlib import Path

from .bundle import Bundle, load_bundle
from .data_setup import build_pipeline, input_samples


def _out_file(bundle: Bundle, out) -> Path:
    out = Path(out)
    return out / bundle.prediction_name() if (out.is_dir() or not out.suffix) else out


def predict_samples(bundle: Bundle, samples, out, uncertainty: dict | None = None, device: str | None = None) -> Path:
    """Predict ``samples`` (dicts with input paths or features) and write the submission file ``out``."""
    import torch

    from mlcore.data import SampleDataset

    from .inference import predict_items, write_predictions, write_uncertainty

    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    ds = SampleDataset(samples, build_pipeline(bundle.config, train=False, with_target=False))
    results = predict_items(bundle.model.to(device), bundle.config, ds, device, uncertainty=uncertainty)
    bundle.model.cpu()
    out = write_predictions(bundle.task, results, _out_file(bundle, out))
    if uncertainty and uncertainty.get("method"):
        write_uncertainty(results, out)
    return out


def predict_bundle(bundle, inputs, out, uncertainty: dict | None = None, device: str | None = None) -> Path:
    """`podium baseline predict`: INPUTS (a table, or a folder of images) -> submission file OUT."""
    bundle = bundle if isinstance(bundle, Bundle) else load_bundle(bundle)
    return predict_samples(bundle, input_samples(bundle.config, bundle.metadata, inputs), out, uncertainty, device)
