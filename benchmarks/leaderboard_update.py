"""How long a leaderboard takes to update when one submission arrives in a big phase.

Phase: 200 entries x 10,000 cases, B = 2,000 paired resamples (AUC). Reference, measured in the same
run: the same leaderboard computed from scratch (no cached replicates). The incremental update reuses
the 200 cached entries' replicates and computes the new entry's, then the ranks, pairwise DeLong tests
with Holm correction, tie groups and figures for all 201 entries. Target: under 15 s on 2 cores.

    python benchmarks/leaderboard_update.py [--entries 200] [--cases 10000] [--resamples 2000]
"""

import argparse
import resource
import time

from _django import setup


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=200)
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--resamples", type=int, default=2000)
    args = ap.parse_args()
    setup()
    from synthetic_phase import make_phase

    from leaderboard.models import Replicates
    from leaderboard.refresh import recompute

    print(f"building a phase: {args.entries} entries x {args.cases} cases, B = {args.resamples}", flush=True)
    phase, add_entry = make_phase(args.cases, args.entries, args.resamples)
    t0 = time.perf_counter()
    recompute(phase)
    from_scratch = time.perf_counter() - t0
    cached = Replicates.objects.filter(submission__phase=phase).count()
    add_entry(args.entries)
    t0 = time.perf_counter()
    snapshot = recompute(phase)[0]
    update = time.perf_counter() - t0
    new = Replicates.objects.filter(submission__phase=phase).count() - cached
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'leaderboard from scratch (reference)':45s} {from_scratch:8.2f} s  ({cached} replicate sets computed)")
    print(f"{'update after one new submission':45s} {update:8.2f} s  ({new} replicate set computed)")
    print(f"{'ratio (from scratch / update)':45s} {from_scratch / update:8.2f} x")
    print(f"entries on the leaderboard: {snapshot.n_entries}; peak memory {peak:.0f} MiB; target: update under 15 s")


if __name__ == "__main__":
    main()
