"""Example binary classifier: a fixed logistic model over named features.

Reads /input/manifest.json; each case file is JSON ({"feature": value, ...}) or a CSV with a header row of
feature names and one row of values. Writes /output/predictions.csv: case_id,score with
score = 1 / (1 + exp(-(sum_f WEIGHTS[f] * x_f + BIAS))); features it does not know are ignored,
features it knows but the case lacks count as 0.
"""

import csv
import json
import math
import sys

WEIGHTS = {"mean_radius": 0.9, "mean_texture": 0.05, "mean_smoothness": -12.0, "worst_concavity": 3.0}
BIAS = -12.0


def read_features(path):
    with open(path, newline="") as handle:
        if path.endswith(".json"):
            return {k: float(v) for k, v in json.load(handle).items()}
        header, values = list(csv.reader(handle))[:2]
        return {k.strip(): float(v) for k, v in zip(header, values, strict=True)}


def main():
    with open("/input/manifest.json") as handle:
        manifest = json.load(handle)
    rows = []
    for case in manifest["cases"]:
        x = read_features(f"/input/{case['file']}")
        z = BIAS + sum(w * x.get(name, 0.0) for name, w in WEIGHTS.items())
        rows.append((case["case_id"], 1.0 / (1.0 + math.exp(-z))))
    with open("/output/predictions.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case_id", "score"])
        writer.writerows((case_id, repr(score)) for case_id, score in rows)
    print(f"scored {len(rows)} cases", file=sys.stderr)


if __name__ == "__main__":
    main()
