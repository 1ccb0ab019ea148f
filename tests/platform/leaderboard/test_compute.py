"""Leaderboard computation: values equal `podium eval` on the same files, subset and seed; entry
selection; baselines; the replicate cache; coalesced refresh requests."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from leaderboard.compute import build, subset_case_ids
from leaderboard.models import LeaderboardState, Replicates, Snapshot
from leaderboard.refresh import recompute, request_refresh
from submissions.models import Submission
from tests.platform.leaderboard.helpers import scored_demo_phase

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def test_leaderboard_values_equal_podium_eval_on_the_same_files(tmp_path):
    phase, bundle, files, subs = scored_demo_phase(tmp_path)
    recompute(phase)
    doc = json.loads(Snapshot.objects.get(phase=phase, subset="public").document)
    public = subset_case_ids(phase, "public")
    truth = pd.read_csv(bundle / "hidden" / "truth.csv").set_index("case_id").loc[public].reset_index()
    truth.to_csv(tmp_path / "truth.csv", index=False)
    args = [sys.executable, "-m", "mlcore.cli", "eval", "--truth", str(tmp_path / "truth.csv"), "--no-progress",
            "--bootstrap", str(phase.bootstrap_resamples), "--seed", str(phase.seed), "--stratify",
            "--json", str(tmp_path / "eval.json"), "--ranking", phase.ranking]
    for name, path in files.items():
        pd.read_csv(path).set_index("case_id").loc[public].reset_index().to_csv(tmp_path / f"{name}.csv", index=False)
        args += ["--pred", f"{name}={tmp_path / f'{name}.csv'}"]
    for m in phase.metrics:
        args += ["--metric", m]
    subprocess.run(args, check=True, cwd=ROOT, capture_output=True, timeout=300)
    cli = json.loads((tmp_path / "eval.json").read_text(encoding="utf-8"))
    assert doc["n_cases"] == len(public) == 100
    for row in doc["rows"]:
        for m in phase.metrics:
            expected = next(r for r in cli["results"] if r["entry"] == row["entry"] and r["metric"] == m)
            assert row["metrics"][m] == {k: expected[k] for k in ("estimate", "ci_low", "ci_high")}
        primary = next(r for r in cli["results"] if r["entry"] == row["entry"] and r["metric"] == "auc")
        assert (row["p_best"], row["median_rank"], row["tier"]) == (primary["p_best"], primary["median_rank"], primary["tier"])
        assert row["rank"] == cli["ranking"]["ranks"][row["entry"]]
    assert doc["reproduce"]["seed"] == phase.seed and doc["reproduce"]["n_resamples"] == 500
    assert "--stratify" in doc["reproduce"]["command"]


def test_final_entry_is_kept_and_baselines_are_listed_unranked(tmp_path):
    phase, _, _, subs = scored_demo_phase(tmp_path, metrics=("auc",))
    alice = subs["alice"]
    # a later, worse submission of alice's does not replace her entry marked final
    Submission.objects.filter(pk=alice.pk).update(is_final=True)
    later = Submission.objects.get(pk=subs["carol"].pk)
    later.pk, later.creator, later.is_final = None, alice.creator, False
    later.save()
    Submission.objects.filter(pk=subs["bob"].pk).update(is_baseline=True)
    built = build(phase, "public")
    rows = {r["entry"]: r for r in built["document"]["rows"]}
    assert rows["alice"]["submission"] == alice.pk and rows["alice"]["is_final"]
    baseline = next(r for r in rows.values() if r["is_baseline"])
    assert baseline["rank"] is None and baseline["p_best"] is None
    ranks = sorted(r["rank"] for r in rows.values() if not r["is_baseline"])
    assert len(ranks) == 3 and ranks[0] == 1 and set(ranks) <= {1, 2, 3}  # equal estimates share a rank


def test_a_new_entry_reuses_the_cached_replicates(tmp_path):
    phase, _, _, subs = scored_demo_phase(tmp_path)
    Submission.objects.filter(pk=subs["dave"].pk).update(hidden_reason="duplicate of bob's entry")
    recompute(phase)
    assert Replicates.objects.count() == 3 * 3 * 2  # 3 entries x 3 metrics x 2 subsets
    before = {r.pk for r in Replicates.objects.all()}
    Submission.objects.filter(pk=subs["dave"].pk).update(hidden_reason="")
    recompute(phase)
    new = Replicates.objects.exclude(pk__in=before)
    assert new.count() == 3 * 2 and set(new.values_list("submission_id", flat=True)) == {subs["dave"].pk}


def test_refresh_requests_are_coalesced(tmp_path, django_capture_on_commit_callbacks):
    phase, _, _, _ = scored_demo_phase(tmp_path, metrics=("auc",))
    LeaderboardState.objects.filter(phase=phase).update(pending=False)
    with django_capture_on_commit_callbacks() as callbacks:
        assert request_refresh(phase.pk) is True
        assert request_refresh(phase.pk) is False
        assert request_refresh(phase.pk) is False
    assert len(callbacks) == 1 and LeaderboardState.objects.get(phase=phase).pending
