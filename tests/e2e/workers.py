"""Start a real Celery worker process against the test database and broker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """URL of the database the tests use now (pytest-django's test database)."""
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def start_worker(log_path, queues: str = "scoring", name: str = "w1") -> subprocess.Popen:
    """A `celery worker` process (solo pool) reading the test database; returns once it is ready."""
    env = dict(os.environ, DATABASE_URL=database_url(), PYTHONPATH=f"{ROOT / 'platform'}:{ROOT}")
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "podium", "worker", "-Q", queues, "--pool", "solo",
         "-c", "1", "-n", f"{name}@%h", "-l", "info", "--without-gossip", "--without-mingle"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"worker exited with {proc.returncode}: {Path(log_path).read_text()[-2000:]}")
        if b"ready." in Path(log_path).read_bytes():
            return proc
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"worker not ready after 60 s: {Path(log_path).read_text()[-2000:]}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
