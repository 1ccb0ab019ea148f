"""Cost of the platform's zip pre-checks (submissions/upload_checks.py) on a segmentation upload,
beside a named reference measured in the same run: decompressing every member's .nii.gz once with
`gzip.decompress` (what any reader of the label maps does at least once).

    PYTHONPATH=platform:. .venv/bin/python benchmarks/upload_prechecks.py [--cases 40] [--size 128]

The pre-checks stream-decompress each .nii.gz member (stopping at the phase's geometry bound), so about
one reference pass is expected.
"""

import argparse
import gzip
import os
import sys
import tempfile
import time
import zipfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "platform"))

from submissions.upload_checks import case_byte_bounds, check_label_map_zip  # noqa: E402


class Geometry:
    def __init__(self, shape):
        self.shape = shape


def make_zip(path, cases: int, size: int, seed: int = 0) -> int:
    import nibabel as nib

    rng = np.random.default_rng(seed)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for i in range(cases):
            a = np.zeros((size, size, size), dtype=np.uint8)
            c = rng.integers(size // 4, 3 * size // 4, 3)
            r = size // 8
            a[c[0] - r:c[0] + r, c[1] - r:c[1] + r, c[2] - r:c[2] + r] = 1
            z.writestr(f"case{i:03d}.nii.gz", gzip.compress(nib.Nifti1Image(a, np.eye(4)).to_bytes(), compresslevel=1))
    return os.path.getsize(path)


def best_of(fn, repeat=3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=40)
    ap.add_argument("--size", type=int, default=128)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "upload.zip")
        nbytes = make_zip(path, args.cases, args.size)
        bounds = case_byte_bounds([Geometry((args.size,) * 3)] * args.cases)
        problems = check_label_map_zip(path, args.cases, bounds)
        assert problems == [], problems

        def reference():
            with zipfile.ZipFile(path) as z:
                for name in z.namelist():
                    gzip.decompress(z.read(name))

        ref = best_of(reference)
        ours = best_of(lambda: check_label_map_zip(path, args.cases, bounds))
    voxels = args.cases * args.size ** 3
    print(f"upload: {args.cases} label maps of {args.size}^3 voxels, {nbytes / 2**20:.1f} MiB zipped, {voxels / 1e6:.0f} M voxels")
    print(f"reference gzip.decompress of every member:          {ref * 1000:8.1f} ms")
    print(f"podium zip pre-checks (structure, bounds, gunzip):   {ours * 1000:8.1f} ms  ({ours / ref:.2f}x the reference)")


if __name__ == "__main__":
    main()
