"""Hostile: exits 0 with a predictions.csv that is wrong for the phase's Task: the first case is
missing, the second has a score that is not a number, and an unknown case is added."""

import json

with open("/input/manifest.json") as handle:
    cases = [c["case_id"] for c in json.load(handle)["cases"]]
rows = ["case_id,score"] + [f"{c},{'high' if i == 1 else 0.5}" for i, c in enumerate(cases) if i > 0] + ["not_a_case,0.5"]
with open("/output/predictions.csv", "w") as handle:
    handle.write("\n".join(rows) + "\n")
print(f"wrote {len(rows) - 1} rows for {len(cases)} cases")
