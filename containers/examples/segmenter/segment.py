"""Example segmentation algorithm: intensity thresholds.

Reads /input/manifest.json; each case file is a .npy volume of intensities. Writes /output/<case_id>.npy,
a uint8 label map of the same shape: 0 background, 1 where 0.5 < intensity <= 1.5, 2 where intensity > 1.5.
"""

import json

import numpy as np


def main():
    with open("/input/manifest.json") as handle:
        manifest = json.load(handle)
    for case in manifest["cases"]:
        image = np.load(f"/input/{case['file']}", allow_pickle=False)
        labels = np.digitize(image, [0.5, 1.5], right=True).astype(np.uint8)
        np.save(f"/output/{case['case_id']}.npy", labels, allow_pickle=False)
        print(f"{case['case_id']}: {int((labels > 0).sum())} foreground voxels")


if __name__ == "__main__":
    main()
