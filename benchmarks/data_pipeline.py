"""Samples per second of the segmentation demo's data pipeline, without and with the disk cache.

The pipeline is the one `configs/baselines/synthetic_spheres_unet.yaml` trains with: read the NIfTI
image and label (gzip), add a channel axis, z-score the image (the deterministic, cacheable part), then
random flips and intensity scale/shift (the random part, run every time). Both variants run in this
process on the same generated cases; the uncached one is the reference.

    PYTHONPATH=. .venv/bin/python benchmarks/data_pipeline.py [--cases 40] [--shape 32] [--epochs 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from mlcore.data import SampleDataset, read_case_table
from mlcore.data.synthetic import write_dataset
from mlcore.dl.config import load_config
from mlcore.dl.data_setup import build_pipeline

CONFIG = Path(__file__).resolve().parents[1] / "configs" / "baselines" / "synthetic_spheres_unet.yaml"


def samples_per_second(ds: SampleDataset, epochs: int) -> float:
    start = time.perf_counter()
    for epoch in range(epochs):
        ds.set_epoch(epoch)
        for i in range(len(ds)):
            ds[i]
    return epochs * len(ds) / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=40)
    ap.add_argument("--shape", type=int, default=32, help="edge of the cubic volumes, voxels")
    ap.add_argument("--epochs", type=int, default=3)
    args = ap.parse_args()
    cfg = load_config(CONFIG)
    with tempfile.TemporaryDirectory() as tmp:
        table = write_dataset(Path(tmp) / "data", n_cases=args.cases, shape=(args.shape,) * 3, seed=0)
        samples = read_case_table(table)
        pipeline = build_pipeline(cfg, train=True)
        plain = samples_per_second(SampleDataset(samples, pipeline, cache_dir=None), args.epochs)
        cached_ds = SampleDataset(samples, pipeline, cache_dir=Path(tmp) / "cache")
        cold = samples_per_second(cached_ds, 1)  # first pass computes and writes every case
        warm = samples_per_second(cached_ds, args.epochs)
        from mlcore.data import fingerprint

        fingerprint._FILE_HASHES.clear()  # a new process would hash the inputs again
        t0 = time.perf_counter()
        fresh = SampleDataset(samples, pipeline, cache_dir=Path(tmp) / "cache")  # a new run, same pipeline
        key_seconds = time.perf_counter() - t0
        reuse = samples_per_second(fresh, 1)
        assert fresh.cache.misses == 0
    print(f"segmentation demo pipeline, {args.cases} cases of {args.shape}^3 voxels, {args.epochs} epochs")
    print(f"{'no cache (reference)':<28}{plain:>10.1f} samples/s")
    print(f"{'cache, first pass (writes)':<28}{cold:>10.1f} samples/s   {cold / plain:5.2f} x reference")
    print(f"{'cache, warm':<28}{warm:>10.1f} samples/s   {warm / plain:5.2f} x reference")
    print(f"{'cache, new run (reuse)':<28}{reuse:>10.1f} samples/s   {reuse / plain:5.2f} x reference")
    print(f"cache key for a new run (content hash of {2 * args.cases} files): {1000 * key_seconds:.0f} ms")


if __name__ == "__main__":
    main()
