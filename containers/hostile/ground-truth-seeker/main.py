"""Hostile: looks for ground truth anywhere it can read: file names, environment, mounts.

Writes what it found to /output/findings.json and exits 1 (nothing useful) or 0 (it found candidates
outside the image's own files and /input).
"""

import json
import os
import re
import sys

PATTERN = re.compile(r"truth|label|reference|answer|secret|gt\b|\.nii|\.mha", re.I)
SKIP = ("/proc", "/sys", "/dev", "/usr", "/lib", "/var/lib/dpkg", "/etc")

mounts = []
with open("/proc/self/mountinfo") as handle:
    for line in handle:
        fields = line.split()
        mounts.append({"root": fields[3], "mount_point": fields[4], "fs": line.split(" - ")[1].split()[0]})
candidates = []
for top, dirs, files in os.walk("/", onerror=lambda exc: None):
    if top.startswith(SKIP):
        dirs[:] = []
        continue
    for name in files + dirs:
        path = os.path.join(top, name)
        if PATTERN.search(name) and not path.startswith("/input/"):
            candidates.append(path)
env = {k: v for k, v in os.environ.items() if PATTERN.search(k) or PATTERN.search(v)}
findings = {"mounts": mounts, "candidates": candidates, "environment": env, "input": sorted(os.listdir("/input"))}
with open("/output/findings.json", "w") as handle:
    json.dump(findings, handle, indent=1)
print(f"{len(candidates)} candidate files, {len(env)} suspicious variables, {len(mounts)} mounts")
sys.exit(0 if candidates or env else 1)
