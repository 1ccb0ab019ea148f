"""Requests per second and p99 latency of the leaderboard API under load, answered from the cache.

Starts gunicorn on loopback against a fresh database holding one phase with 200 scored entries, then
runs `wrk` (Debian package) with 20 concurrent connections against
  - the leaderboard JSON API, and
  - the reference: a small static file served by the same gunicorn (the floor of a request through
    the same server and middleware), measured in the same run.
Target: at least 300 requests per second with p99 under 100 ms for the API.

    python benchmarks/leaderboard_api_load.py [--entries 200] [--seconds 10] [--workers 4]
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from _django import ROOT, setup


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url: str, seconds: int, connections: int) -> dict:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 1e-3, "ms": 1.0, "s": 1e3}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p99_ms": float(p99.group(1)) * scale, "non_2xx": int(errors.group(1)) if errors else 0}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=200)
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=20)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--threads", type=int, default=1, help="gunicorn gthread threads per worker (1: sync workers)")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    var = setup()
    from synthetic_phase import make_phase

    from leaderboard.refresh import recompute

    phase, _ = make_phase(args.cases, args.entries, resamples=500)
    snapshot = recompute(phase)[0]
    print(f"phase {phase.pk}: {snapshot.n_entries} entries, cached document {len(snapshot.document) / 1024:.0f} KiB", flush=True)
    port = free_port()
    env = dict(os.environ, PYTHONPATH=f"{ROOT / 'platform'}:{ROOT}", PODIUM_VAR_DIR=str(var))
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "podium.wsgi", "-b", f"127.0.0.1:{port}", "-w",
                               str(args.workers), "--threads", str(args.threads), "--log-level", "warning"], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/static/podium/podium.css", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        api = f"{base}/api/phases/{phase.pk}/leaderboard/"
        urllib.request.urlopen(api, timeout=10).read()  # warm up every worker's connection
        reference = wrk(f"{base}/static/podium/podium.css", args.seconds, args.connections)
        result = wrk(api, args.seconds, args.connections)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"{'':38s} {'req/s':>9s} {'p99 (ms)':>9s} {'non-2xx':>8s}")
    print(f"{'reference: static file, same server':38s} {reference['rps']:9.0f} {reference['p99_ms']:9.1f} {reference['non_2xx']:8d}")
    print(f"{'leaderboard API (from the cache)':38s} {result['rps']:9.0f} {result['p99_ms']:9.1f} {result['non_2xx']:8d}")
    print(f"ratio API / reference: {result['rps'] / reference['rps']:.2f}; {args.connections} connections, "
          f"{args.workers} gunicorn workers x {args.threads} threads, {Path(os.environ.get('DATABASE_URL', 'sqlite')).name.split(':')[0]} database; "
          "target: >= 300 req/s and p99 < 100 ms")


if __name__ == "__main__":
    main()
