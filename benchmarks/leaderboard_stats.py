"""Benchmark: a leaderboard's statistics for 50 entries x 10,000 cases x 2,000 resamples.

    .venv/bin/python benchmarks/leaderboard_stats.py [--entries 50] [--cases 10000] [--resamples 2000]

Times, in one run: the AUC replicates of every entry on one shared stratified plan; percentile, basic
and BCa intervals (BCa with exact leave-one-out jackknife AUCs); rank distributions; pairwise bootstrap
difference intervals; pairwise DeLong tests from shared structural components with Holm correction;
tie groups and test-then-rank (`compare_entries`). The reference printed beside it, measured in the
same run, is a plain loop of scikit-learn roc_auc_score per entry and resample (timed on 20 resamples of
one entry and scaled to entries x resamples) plus pair-by-pair DeLong tests (timed on 20 pairs, scaled).
Peak memory is the process's ru_maxrss. numba compile (or cache load) time is reported separately.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
from sklearn.metrics import roc_auc_score

from mlcore.eval.metrics.rank_statistics import AUCStatistic
from mlcore.eval.stats.compare import compare_entries, entry_intervals
from mlcore.eval.stats.delong import delong_pairwise, delong_test
from mlcore.eval.stats.engine import jackknife, replicates
from mlcore.eval.stats.plan import BootstrapPlan


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=50)
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--resamples", type=int, default=2_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    s, n, b = args.entries, args.cases, args.resamples

    rng = np.random.default_rng(args.seed)
    y = (rng.random(n) < 0.3).astype(np.int8)
    signal = np.linspace(0.6, 1.2, s)
    scores = np.round(rng.normal(size=(s, n)) * 0.7 + rng.normal(size=n) * 0.7 + signal[:, None] * y, 3)
    names = [f"entry_{i:03d}" for i in range(s)]
    ids = [f"case_{i}" for i in range(n)]

    t = time.perf_counter()
    tiny = BootstrapPlan(ids[:20], 4, 0, strata=y[:20])
    replicates(tiny, AUCStatistic(y[:20], scores[0, :20]))
    print(f"numba compile or cache load: {time.perf_counter() - t:.2f} s (not counted below)")

    timings = {}
    t0 = time.perf_counter()
    plan = BootstrapPlan(ids, b, args.seed, strata=y)
    stats = {nm: AUCStatistic(y, sc) for nm, sc in zip(names, scores, strict=True)}
    timings["plan and sorts"] = time.perf_counter() - t0

    t = time.perf_counter()
    reps = {nm: replicates(plan, st) for nm, st in stats.items()}  # one entry at a time, as the leaderboard caches
    timings["replicates (per entry, cacheable)"] = time.perf_counter() - t

    t = time.perf_counter()
    points = {nm: st.point() for nm, st in stats.items()}
    jacks = {nm: jackknife(plan, st) for nm, st in stats.items()}
    timings["points and jackknife"] = time.perf_counter() - t

    t = time.perf_counter()
    d = delong_pairwise(y, scores)
    verdict = {"name": "delong", "p_greater": d["p_greater"], "p_two_sided": d["p_two_sided"]}
    timings["pairwise DeLong (all pairs)"] = time.perf_counter() - t

    t = time.perf_counter()
    out = compare_entries(points, reps, True, 0.95, "bca", jacks, "holm", 0.05, verdict)
    est = out["estimate"]
    r = np.stack([reps[nm] for nm in names])
    entry_intervals(est, r, "percentile")
    entry_intervals(est, r, "basic")
    timings["CIs, ranks, pairwise CIs, Holm, tiers"] = time.perf_counter() - t
    total = time.perf_counter() - t0

    for k, v in timings.items():
        print(f"  {k:<40} {v:7.2f} s")
    print(f"engine total: {total:.2f} s for {s} entries x {n} cases x {b} resamples "
          f"({len(out['tiers'][0])} entries tied with the best by DeLong + Holm; P(best) of the best {out['p_best'].max():.3f})")

    k = 20
    w = plan.weights(0, k)
    idx = np.arange(n)
    t = time.perf_counter()
    for row in w:
        sel = np.repeat(idx, row)
        roc_auc_score(y[sel], scores[0, sel])
    loop = (time.perf_counter() - t) * s * b / k
    t = time.perf_counter()
    for i in range(k):
        delong_test(y, scores[i % s], scores[(i + 1) % s])
    pairs = (time.perf_counter() - t) * s * (s - 1) / 2 / k
    print(f"reference: sklearn roc_auc_score loop {loop:.0f} s + pair-by-pair DeLong {pairs:.1f} s = {loop + pairs:.0f} s "
          f"(scaled from {k} resamples and {k} pairs); speed-up {(loop + pairs) / total:.0f}x")
    print(f"peak memory (process, ru_maxrss): {peak_mib():.0f} MiB")


if __name__ == "__main__":
    main()
