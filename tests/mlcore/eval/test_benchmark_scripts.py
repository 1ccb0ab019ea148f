"""The benchmark scripts stay runnable, and the AUC benchmark's engine agrees with scikit-learn on the
resamples it times (no timing is asserted here)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_bootstrap_auc_benchmark_agrees_with_sklearn():
    out = subprocess.run([sys.executable, "benchmarks/bootstrap_auc.py", "--cases", "3000", "--resamples", "200",
                          "--loop-resamples", "20"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=300).stdout
    diff = float(re.search(r"max \|difference\| on those resamples ([0-9.e+-]+)", out).group(1))
    assert diff < 1e-12
    assert re.search(r"speed-up: \d+x; peak memory", out)


def test_leaderboard_benchmark_reports_every_stage():
    out = subprocess.run([sys.executable, "benchmarks/leaderboard_stats.py", "--entries", "5", "--cases", "500",
                          "--resamples", "100"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=300).stdout
    for stage in ("replicates", "pairwise DeLong", "CIs, ranks", "engine total", "reference", "peak memory"):
        assert stage in out
