"""Hostile: a fork bomb. Every process forks as fast as it can; the first process gives up after three
seconds of refused forks and exits 1 (its children go with the container)."""

import os
import sys
import time

first = os.getpid()
refused_since = None
while True:
    try:
        if os.fork() == 0:
            refused_since = None
            continue
    except BlockingIOError as exc:
        if os.getpid() == first:
            if refused_since is None:
                refused_since = time.monotonic()
                print(f"fork refused: {exc}", flush=True)
            elif time.monotonic() - refused_since > 3:
                print("giving up", flush=True)
                sys.exit(1)
        time.sleep(0.05)
