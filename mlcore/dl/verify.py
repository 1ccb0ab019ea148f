"""`podium baseline verify`: a bundle still produces what it stored.

Checks the weights' sha256 against metadata.json, re-runs inference on the stored sample inputs and
compares with the stored outputs: scores within `SCORE_TOLERANCE`, label maps with at least
`VOXEL_AGREEMENT` identical voxels per case (so a bundle trained on a GPU verifies on a CPU).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from .bundle import _sha256, load_bundle
from .predict import predict_bundle

SCORE_TOLERANCE = 1e-4  # largest allowed |score difference| (CPU vs GPU arithmetic)
VOXEL_AGREEMENT = 0.999  # smallest allowed fraction of identical voxels per case


def verify_bundle(path, device: str = "cpu") -> tuple[bool, list[str]]:
    """Check the weights' hash, re-run inference on the stored sample inputs and compare with the stored
    outputs (scores within 1e-4; label maps with >= 99.9 % identical voxels per case). Returns (ok, lines)."""
    from .inference import read_predictions

    bundle = load_bundle(path)
    lines, ok = [], True
    if _sha256(bundle.folder / "model.pt") != bundle.metadata["weights_sha256"]:
        return False, ["model.pt does not match the weights hash in metadata.json"]
    lines.append("weights hash matches metadata")
    if "samples" not in bundle.metadata:
        return False, lines + ["bundle stores no sample inputs"]
    with tempfile.TemporaryDirectory() as tmp:
        got_path = predict_bundle(bundle, bundle.folder / bundle.metadata["samples"]["inputs"], Path(tmp) / bundle.prediction_name(), device=device)
        got = read_predictions(bundle.task, got_path)
    want = read_predictions(bundle.task, bundle.folder / bundle.metadata["samples"]["expected"])
    if sorted(got) != sorted(want):
        return False, lines + [f"case ids differ: expected {sorted(want)}, got {sorted(got)}"]
    for case in sorted(want):
        if bundle.task == "binary":
            diff = abs(got[case] - want[case])
            good = diff <= SCORE_TOLERANCE
            lines.append(f"{case}: score {got[case]:.6f} vs stored {want[case]:.6f} ({'ok' if good else 'MISMATCH'})")
        else:
            same = float((got[case] == want[case]).mean()) if got[case].shape == want[case].shape else 0.0
            good = same >= VOXEL_AGREEMENT
            lines.append(f"{case}: {100 * same:.3f} % identical voxels ({'ok' if good else 'MISMATCH'})")
        ok &= good
    return ok, lines
