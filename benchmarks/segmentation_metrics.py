"""Benchmark: Dice + HD95 + NSD on 3D label-map pairs, Podium's mlcore.eval.segmentation beside MONAI.

Run:  .venv/bin/python benchmarks/segmentation_metrics.py            (128³ and 256³, 3 timed repeats)
      .venv/bin/python benchmarks/segmentation_metrics.py --sizes 128 --repeats 5

Pairs: a label map with two structures, label 1 (two ellipsoids, like kidneys) and label 2 (a smaller
sphere, like a tumour), each with a surface perturbed by smooth random noise, together a few percent of
the volume; the prediction is the same anatomy drawn with other noise, shifted by about a voxel, plus a
few small false-positive blobs. Spacing (0.8, 0.8, 1.5) mm; NSD tolerance 1.5 mm; HD95 = 95th percentile.

Reference: MONAI (the installed version, 1.6.1 here) with its defaults, on the same pairs in the same
run: ``compute_dice(include_background=False)``, ``compute_hausdorff_distance(percentile=95, spacing)``,
``compute_surface_dice(class_thresholds, spacing)``; MONAI crops to the masks' bounding box itself and
uses a KD-tree on CPU. Its inputs are one-hot float tensors built before the clock starts (in MONAI's
favour), and torch keeps its default thread count; ours are the label maps, one thread. Timings alternate between the two, median of the repeats. Peak
memory is measured in a fresh child process per (implementation, size): the rise of the process's
peak resident set size (VmHWM, reset through /proc/self/clear_refs) over its size with the inputs
loaded, so it counts torch's allocations too.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
from scipy import ndimage

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SPACING = (0.8, 0.8, 1.5)
TOLERANCE_MM = 1.5
PERCENTILE = 95.0
LABELS = (1, 2)


# -- synthetic pairs --------------------------------------------------------------------------------
def smooth_noise(n: int, rng, cells: int = 10) -> np.ndarray:
    """Smooth random field in [-1, 1] on an n³ grid (coarse Gaussian noise, blurred and upsampled)."""
    coarse = ndimage.gaussian_filter(rng.standard_normal((cells,) * 3), 1.0)
    field = ndimage.zoom(coarse, n / cells, order=1)[:n, :n, :n]
    return (field / np.abs(field).max()).astype(np.float32)


def ellipsoid(n: int, centre, radii, noise: np.ndarray, amplitude: float) -> np.ndarray:
    """Voxels inside an ellipsoid (centre, radii as fractions of n) whose surface is moved by the noise."""
    grids = np.ogrid[:n, :n, :n]
    q = sum(((g - c * n) / (r * n)) ** 2 for g, c, r in zip(grids, centre, radii, strict=True))
    return q + amplitude * noise < 1.0


def anatomy(n: int, seed: int, shift: float = 0.0, false_positives: int = 0) -> np.ndarray:
    """uint8 label map (n³): label 1 two perturbed ellipsoids, label 2 a perturbed sphere."""
    rng = np.random.default_rng(seed)
    noise = smooth_noise(n, rng)
    s = shift / n
    out = np.zeros((n, n, n), dtype=np.uint8)
    out[ellipsoid(n, (0.3 + s, 0.5, 0.5), (0.16, 0.12, 0.24), noise, 0.35)] = 1
    out[ellipsoid(n, (0.7 + s, 0.5 - s, 0.5), (0.15, 0.12, 0.23), noise, 0.35)] = 1
    out[ellipsoid(n, (0.5, 0.25 + s, 0.45), (0.1, 0.1, 0.1), noise, 0.5)] = 2
    for _ in range(false_positives):
        c = rng.uniform(0.15, 0.85, 3)
        out[ellipsoid(n, c, (0.012, 0.012, 0.012), noise, 0.0) & (out == 0)] = 1
    return out


def make_pair(n: int) -> tuple[np.ndarray, np.ndarray]:
    return anatomy(n, seed=1), anatomy(n, seed=2, shift=1.3, false_positives=3)


# -- the two implementations ------------------------------------------------------------------------
def podium_metrics(ref: np.ndarray, pred: np.ndarray) -> dict:
    from mlcore.eval.segmentation import ScoringOptions, score_case

    scores = score_case(ref, pred, SPACING, labels=LABELS, metrics=("dice", "hd95", "nsd"),
                        options=ScoringOptions(tolerance_mm=TOLERANCE_MM, hd_percentile=PERCENTILE))
    return {m: [float(v) for v in scores.values[m]] for m in ("dice", "hd95", "nsd")}


def monai_inputs(ref: np.ndarray, pred: np.ndarray):
    import torch

    def one_hot(a):
        t = torch.from_numpy(a.astype(np.int64))
        return torch.stack([t == k for k in (0,) + LABELS]).float()[None]

    return one_hot(pred), one_hot(ref)


def monai_metrics(y_pred, y) -> dict:
    from monai.metrics import compute_dice, compute_hausdorff_distance, compute_surface_dice

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dice = compute_dice(y_pred, y, include_background=False)
        hd95 = compute_hausdorff_distance(y_pred, y, percentile=PERCENTILE, spacing=SPACING)
        nsd = compute_surface_dice(y_pred, y, [TOLERANCE_MM] * len(LABELS), spacing=SPACING)
    return {m: [float(v) for v in t[0]] for m, t in (("dice", dice), ("hd95", hd95), ("nsd", nsd))}


# -- peak memory in a child process -----------------------------------------------------------------
def _status(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def child(impl: str, path: str) -> None:
    """Load the pair, warm up on a small pair, reset the peak, run once, print the rise in JSON."""
    data = np.load(path)
    ref, pred = data["ref"], data["pred"]
    small_ref, small_pred = make_pair(24)
    if impl == "monai":
        monai_metrics(*monai_inputs(small_ref, small_pred))
        inputs = monai_inputs(ref, pred)
        run = lambda: monai_metrics(*inputs)  # noqa: E731
    else:
        podium_metrics(small_ref, small_pred)
        run = lambda: podium_metrics(ref, pred)  # noqa: E731
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # reset VmHWM to the current resident size
        exact = True
    except OSError:
        exact = False
    before = _status("VmRSS")
    run()
    print(json.dumps({"peak_bytes": _status("VmHWM") - before, "exact": exact}))


def peak_memory(impl: str, path: str) -> tuple[float, bool]:
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", impl, path],
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result["peak_bytes"] / 2**20, result["exact"]


# -- the run ---------------------------------------------------------------------------------------
def bench(n: int, repeats: int, tmp: str) -> dict:
    ref, pred = make_pair(n)
    path = os.path.join(tmp, f"pair{n}.npz")
    np.savez(path, ref=ref, pred=pred)
    inputs = monai_inputs(ref, pred)
    ours_values, theirs_values = podium_metrics(ref, pred), monai_metrics(*inputs)  # warm-up and values
    ours_t, theirs_t = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        podium_metrics(ref, pred)
        ours_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        monai_metrics(*inputs)
        theirs_t.append(time.perf_counter() - t0)
    ours_mem, exact = peak_memory("podium", path)
    theirs_mem, _ = peak_memory("monai", path)
    fractions = [float(np.mean(ref == k)) for k in LABELS]
    return {"n": n, "fractions": fractions, "ours": (statistics.median(ours_t), ours_mem, ours_values),
            "monai": (statistics.median(theirs_t), theirs_mem, theirs_values), "exact_memory": exact}


def report(results: list[dict]) -> None:
    import monai

    print(f"\nDice + HD95 + NSD (tolerance {TOLERANCE_MM} mm), labels {LABELS}, spacing {SPACING} mm; "
          f"median time of the repeats; MONAI {monai.__version__} with its defaults")
    head = f"{'size':>5} {'impl':>7} {'time s':>8} {'peak MiB':>9} " + " ".join(
        f"{m + '[' + str(k) + ']':>10}" for m in ("dice", "hd95", "nsd") for k in LABELS)
    print(head)
    print("-" * len(head))
    for r in results:
        for name in ("ours", "monai"):
            t, mem, values = r[name]
            cells = " ".join(f"{v:>10.4f}" for m in ("dice", "hd95", "nsd") for v in values[m])
            print(f"{r['n']:>4}³ {'podium' if name == 'ours' else 'monai':>7} {t:>8.3f} {mem:>9.1f} {cells}")
    print()
    for r in results:
        (t0, m0, v0), (t1, m1, v1) = r["ours"], r["monai"]
        diff = max(abs(a - b) for m in v0 for a, b in zip(v0[m], v1[m], strict=True))
        print(f"{r['n']}³: podium is {t1 / t0:.1f}x faster than MONAI ({t0:.3f} s vs {t1:.3f} s), "
              f"peak memory {m0:.0f} MiB vs {m1:.0f} MiB; largest value difference {diff:.2e} "
              f"(MONAI computes in float32); structures {', '.join(f'{100 * f:.1f}%' for f in r['fractions'])} "
              f"of the volume")
    if not all(r["exact_memory"] for r in results):
        print("note: /proc/self/clear_refs not writable; peak memory includes the child's start-up peak")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[128, 256])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("IMPL", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        results = []
        for n in args.sizes:
            print(f"benchmarking {n}³ ...", flush=True)
            results.append(bench(n, args.repeats, tmp))
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
