"""The README's demo command on this checkout: SQLite, a SQLite-backed broker, a real worker process;
its home page and leaderboard answer over HTTP with the four demo entries scored."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
import requests
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parents[2]
PORT = 8765


@pytest.fixture
def demo(tmp_path, artifacts_dir):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env.update(PORT=str(PORT), PODIUM_VAR_DIR=str(tmp_path / "site"))
    log = open(f"{artifacts_dir}/demo.log", "w")
    proc = subprocess.Popen(["bash", "scripts/demo.sh"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 600
    while "Podium demo running" not in Path(log.name).read_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGTERM)
            pytest.fail(f"demo did not start:\n{Path(log.name).read_text()[-3000:]}")
        time.sleep(1)
    yield tmp_path / "site"
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def organizer_token(site) -> str:
    return json.loads((site / "demo" / "entries.json").read_text())["organizer_token"]


def wait_for_leaderboard(base, timeout=120):
    deadline = time.monotonic() + timeout
    while True:
        board = requests.get(base + "/api/phases/1/leaderboard/", timeout=10).json()
        if board.get("status") != "pending" and len(board["rows"]) == 4:
            return board
        assert time.monotonic() < deadline, f"leaderboard not ready: {board}"
        time.sleep(1)


def test_demo_serves_home_and_scored_leaderboard(demo):
    base = f"http://127.0.0.1:{PORT}"
    home = requests.get(base + "/", timeout=10)
    assert home.status_code == 200 and "Breast cancer diagnosis" in home.text
    page = requests.get(base + "/challenges/breast-cancer/test/leaderboard/", timeout=10)
    assert page.status_code == 200 and "random forest" in page.text
    subs = requests.get(base + "/api/phases/1/submissions/?all=1", timeout=10,
                        headers={"Authorization": f"Token {organizer_token(demo)}"}).json()
    truth = pd.read_csv(demo / "demo" / "bundle" / "hidden" / "truth.csv")
    got = {s["creator"]: s["scores"]["auc"] for s in subs if s["status"] == "succeeded"}
    expected = {}
    for name in ("alice", "bob", "carol", "dave"):
        merged = truth.merge(pd.read_csv(demo / "demo" / "entries" / f"{name}.csv"), on="case_id")
        expected[name] = roc_auc_score(merged["label"], merged["score"])
    assert got == pytest.approx(expected, abs=1e-12)
    board = wait_for_leaderboard(base)
    assert {r["participant"] for r in board["rows"]} == set(expected) and board["n_cases"] == 100
    assert all(r["metrics"]["auc"]["ci_low"] <= r["metrics"]["auc"]["estimate"] <= r["metrics"]["auc"]["ci_high"]
               for r in board["rows"])
    assert requests.get(base + "/healthz", timeout=10).json()["broker"] == {"ok": True}  # details: staff only
