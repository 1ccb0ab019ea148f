"""Benchmark: stratified bootstrap of the AUC, 10,000 resamples of 100,000 cases.

    .venv/bin/python benchmarks/bootstrap_auc.py [--cases 100000] [--resamples 10000] [--seed 7]

Prints the engine's time beside a plain loop of scikit-learn's roc_auc_score per resample, timed on 50
resamples in the same run and scaled to the full count, and the process's peak memory. numba compile
(or cache load) time is measured separately on a tiny plan first. The loop's 50 resamples are the
plan's own first 50, so the two AUCs are also checked against each other.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
from sklearn.metrics import roc_auc_score

from mlcore.eval.metrics.rank_statistics import AUCStatistic
from mlcore.eval.stats.engine import replicates
from mlcore.eval.stats.intervals import percentile_ci
from mlcore.eval.stats.plan import BootstrapPlan


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--resamples", type=int, default=10_000)
    ap.add_argument("--loop-resamples", type=int, default=50)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    y = (rng.random(args.cases) < 0.3).astype(np.int8)
    score = np.round(rng.normal(size=args.cases) + 1.0 * y, 3)  # with ties
    ids = [f"case_{i}" for i in range(args.cases)]
    print(f"{args.cases} cases ({int(y.sum())} positive), {args.resamples} stratified resamples; peak memory at start {peak_mib():.0f} MiB")

    t = time.perf_counter()
    tiny = BootstrapPlan(ids[:20], 4, args.seed, strata=y[:20])
    replicates(tiny, AUCStatistic(y[:20], score[:20]))
    print(f"numba compile or cache load: {time.perf_counter() - t:.2f} s (not counted below)")

    t = time.perf_counter()
    plan = BootstrapPlan(ids, args.resamples, args.seed, strata=y)
    stat = AUCStatistic(y, score)
    t_setup = time.perf_counter() - t
    t = time.perf_counter()
    reps = replicates(plan, stat)
    t_engine = time.perf_counter() - t
    lo, hi = percentile_ci(reps)
    print(f"engine: {t_engine:.2f} s for {args.resamples} resamples (+ {t_setup:.2f} s plan and sort); "
          f"AUC {stat.point():.4f}, 95% CI [{lo:.4f}, {hi:.4f}]")

    k = args.loop_resamples
    weights = plan.weights(0, k)
    index = np.arange(args.cases)
    t = time.perf_counter()
    loop = [roc_auc_score(y[np.repeat(index, w)], score[np.repeat(index, w)]) for w in weights]
    t_loop = (time.perf_counter() - t) * args.resamples / k
    diff = np.abs(np.array(loop) - reps[:k]).max()
    print(f"reference, plain loop of sklearn roc_auc_score per resample: {t_loop:.1f} s "
          f"(timed on {k} resamples and scaled); max |difference| on those resamples {diff:.2e}")
    print(f"speed-up: {t_loop / t_engine:.0f}x; peak memory (process, ru_maxrss): {peak_mib():.0f} MiB")


if __name__ == "__main__":
    main()
