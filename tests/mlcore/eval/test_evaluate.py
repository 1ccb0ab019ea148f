"""evaluate(): the one scoring entry point, its JSON document and its agreement with the parts."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn import metrics as skm

from mlcore.eval import BootstrapPlan, Evaluation, GroundTruth, compare_entries, evaluate, replicates
from mlcore.eval.metrics.rank_statistics import AUCStatistic
from mlcore.eval.stats.intervals import percentile_ci


@pytest.fixture
def asah_eval(asah):
    truth = GroundTruth(tuple(f"p{i}" for i in range(len(asah["y"]))), asah["y"])
    preds = {k: asah[k] for k in ("wfns", "s100b", "ndka")}
    return evaluate("binary", truth, preds, ["auc"], bootstrap={"n_resamples": 1000, "seed": 11, "stratify": True})


def test_estimates_and_cis_agree_with_the_parts(asah, asah_eval):
    ev = asah_eval
    assert ev.result("wfns", "auc")["estimate"] == pytest.approx(0.823678861788618, rel=1e-12)
    plan = BootstrapPlan([f"p{i}" for i in range(len(asah["y"]))], 1000, 11, strata=asah["y"])
    reps = replicates(plan, AUCStatistic(asah["y"], asah["s100b"]))
    lo, hi = percentile_ci(reps)
    row = ev.result("s100b", "auc")
    assert (row["ci_low"], row["ci_high"]) == (lo, hi)
    np.testing.assert_array_equal(ev.replicates["auc"]["s100b"], reps)


def test_verdict_for_auc_is_delong_with_holm(asah, asah_eval):
    pairs = {(p["entry_a"], p["entry_b"]): p for p in asah_eval.pairwise}
    ws = pairs[("wfns", "s100b")]
    assert ws["verdict_test"] == "delong"
    assert ws["tests"]["delong"]["p_value"] == pytest.approx(0.0271757822291882, rel=1e-9)
    raw = sorted([0.0271757822291882, 0.00514557970691098, 0.164295175223054])
    holm = [min(1, raw[0] * 3), max(raw[0] * 3, raw[1] * 2), max(raw[0] * 3, raw[1] * 2, raw[2])]
    assert ws["tests"]["delong"]["p_adjusted"] == pytest.approx(holm[1], rel=1e-9)
    assert ws["significant"] is False  # 0.054 after Holm
    assert pairs[("wfns", "ndka")]["significant"] is True
    # the tiers use the same adjusted p-values as the pairwise rows
    assert asah_eval.meta["ranking"]["tiers"] == [["wfns", "s100b"], ["ndka"]]


def test_json_round_trip_and_shape(asah_eval):
    doc = json.loads(asah_eval.to_json())
    assert doc["schema"] == "podium.evaluation/1"
    assert doc["bootstrap"]["seed"] == 11 and doc["bootstrap"]["n_resamples"] == 1000
    assert doc["mlcore_version"]
    assert {"estimate", "ci_low", "ci_high", "median_rank", "p_best"} <= set(doc["results"][0])
    assert {"statistic", "p_value", "p_adjusted"} <= set(doc["pairwise"][0]["tests"]["delong"])
    back = Evaluation.from_json(asah_eval.to_json())
    assert back.table().equals(asah_eval.table())
    with pytest.raises(ValueError, match="schema"):
        Evaluation.from_json('{"schema": "other"}')


def test_deterministic_for_a_seed(asah):
    truth = GroundTruth(tuple(str(i) for i in range(len(asah["y"]))), asah["y"])
    preds = {"a": asah["wfns"] / 5, "b": asah["s100b"] / asah["s100b"].max()}
    runs = [evaluate("binary", truth, preds, ["auc", "brier"], bootstrap={"n_resamples": 300, "seed": 5}) for _ in range(2)]
    a, b = (r.to_dict() for r in runs)
    a.pop("created"), b.pop("created")
    assert a == b


def test_compare_entries_is_the_same_computation(asah, asah_eval):
    reps = asah_eval.replicates["auc"]
    points = {k: asah_eval.result(k, "auc")["estimate"] for k in reps}
    out = compare_entries(points, reps)
    assert out["p_best"].tolist() == [asah_eval.result(k, "auc")["p_best"] for k in reps]
    assert out["verdict_test"] == "bootstrap"
    prov = compare_entries(points, reps, plan=BootstrapPlan([f"p{i}" for i in range(len(asah["y"]))], 1000, 11,
                                                            strata=asah["y"]))["provenance"]
    assert (prov["seed"], prov["n_resamples"], prov["ci_method"], prov["stratified"]) == (11, 1000, "percentile", True)
    assert prov["mlcore_version"]


def test_multiclass_and_regression_evaluations(rng):
    n = 150
    y = rng.integers(0, 3, n)
    logits = rng.normal(size=(n, 3)) + 2 * np.eye(3)[y]
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    truth = GroundTruth(tuple(map(str, range(n))), y, ("a", "b", "c"))
    ev = evaluate("multiclass", truth, {"m": p, "flat": np.full((n, 3), 1 / 3)}, ["auc_macro", "qwk"],
                  bootstrap={"n_resamples": 200, "seed": 1})
    assert ev.result("m", "auc_macro")["estimate"] == pytest.approx(skm.roc_auc_score(y, p, multi_class="ovr"))
    assert ev.result("m", "auc_macro")["rank"] == 1 and ev.result("flat", "auc_macro")["estimate"] == 0.5
    target = rng.normal(size=n)
    truth = GroundTruth(tuple(map(str, range(n))), target)
    ev = evaluate("regression", truth, {"good": target + 0.1 * rng.normal(size=n), "bad": target + rng.normal(size=n)},
                  ["mae", "spearman"], bootstrap={"n_resamples": 200, "seed": 1},
                  ranking={"method": "rank_then_aggregate"})
    assert ev.meta["ranking"]["order"] == ["good", "bad"]
    assert "wilcoxon" in ev.pairwise[0]["tests"]
    assert ev.result("bad", "mae")["estimate"] > ev.result("good", "mae")["estimate"]


def test_missing_predictions_take_the_worst_value(asah):
    truth = GroundTruth(tuple(str(i) for i in range(len(asah["y"]))), asah["y"])
    s = asah["wfns"].copy()
    s[:3] = np.nan
    ev = evaluate("binary", truth, {"a": s}, ["auc"], bootstrap={"n_resamples": 50, "seed": 0})
    assert ev.meta["missing"] == {"a": ["0", "1", "2"]}
    filled = asah["wfns"].copy()
    filled[:3] = np.where(asah["y"][:3] == 1, filled[3:].min() - 1, filled[3:].max() + 1)
    assert ev.result("a", "auc")["estimate"] == pytest.approx(skm.roc_auc_score(asah["y"], filled))


def test_bca_and_grouped_bootstrap(knight):
    truth = GroundTruth(tuple(knight["ids"]), knight["y"])
    groups = tuple(i // 2 if knight["y"][i] == knight["y"][min(i + 1, 59)] else 100 + i for i in range(60))
    ev = evaluate("binary", truth, {"canat": knight["score"]}, ["auc"],
                  bootstrap={"n_resamples": 2000, "seed": 3, "ci_method": "bca", "stratify": False, "groups": groups})
    row = ev.result("canat", "auc")
    assert row["ci_method"] == "bca" and row["ci_low"] < 0.845 < row["ci_high"]
    assert ev.meta["bootstrap"]["grouped"] is True


@pytest.mark.parametrize("metric", ["auc", "brier"])
def test_one_verdict_everywhere(rng, metric):
    """Pairwise significance, tiers and test-then-rank wins all come from the same adjusted p-values."""
    n = 200
    y = rng.integers(0, 2, n)
    preds = {f"e{k}": 1 / (1 + np.exp(-(rng.normal(size=n) + s * y))) for k, s in enumerate([2.0, 1.9, 1.2, 1.1, 0.2])}
    ev = evaluate("binary", GroundTruth(tuple(map(str, range(n))), y), preds, [metric],
                  bootstrap={"n_resamples": 400, "seed": 3})
    higher = metric == "auc"
    wins = dict.fromkeys(preds, 0)
    for p in ev.pairwise:
        a_better = (p["difference"] > 0) == higher
        assert p["significant"] == (p["p_verdict_adjusted"] < 0.05)
        if p["significant"]:
            wins[p["entry_a"] if a_better else p["entry_b"]] += 1
    assert wins == {r["entry"]: r["wins"] for r in ev.results}
    tiers = ev.meta["ranking_by_metric"][metric]["tiers"]
    best = tiers[0][0]
    for p in ev.pairwise:
        if best in (p["entry_a"], p["entry_b"]):
            other = p["entry_b"] if p["entry_a"] == best else p["entry_a"]
            assert (other in tiers[0]) == (not p["significant"])
