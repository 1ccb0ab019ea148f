"""`podium eval` end to end on the KNIGHT files, and the HTML report."""

from __future__ import annotations

import json
import re

import pytest

from mlcore.cli import main
from mlcore.eval import Evaluation


@pytest.fixture
def files(tmp_path, knight):
    truth = tmp_path / "truth.csv"
    truth.write_text("case_id,label\n" + "".join(f"{c},{y}\n" for c, y in zip(knight["ids"], knight["y"], strict=True)))
    canat = tmp_path / "canat.csv"
    canat.write_text("case_id,score\n" + "".join(f"{c},{s:.17g}\n" for c, s in zip(knight["ids"], knight["score"], strict=True)))
    flipped = tmp_path / "flipped.csv"
    flipped.write_text("case_id,score\n" + "".join(f"{c},{1 - s:.17g}\n" for c, s in zip(knight["ids"], knight["score"], strict=True)))
    return truth, canat, flipped


def test_eval_prints_table_and_writes_json_and_report(files, tmp_path, capsys):
    truth, canat, flipped = files
    out_json, out_html = tmp_path / "e.json", tmp_path / "e.html"
    rc = main(["eval", "--truth", str(truth), "--pred", f"CanAT={canat}", "--pred", f"flipped={flipped}",
               "--metric", "auc", "--metric", "accuracy", "--bootstrap", "2000", "--seed", "7", "--stratify",
               "--json", str(out_json), "--report", str(out_html), "--no-progress"])
    assert rc == 0
    text = capsys.readouterr().out
    line = next(ln for ln in text.splitlines() if ln.startswith("CanAT") and " auc " in ln)
    assert re.search(r"0\.845\d\s+\[0\.7\d{3}, 0\.9\d{3}\]\s+1\s+1\.0\s+1\.000", line)
    assert "delong" in text and "mcnemar" in text
    assert "ranking (aggregate_then_rank on auc): 1. CanAT, 2. flipped" in text
    assert "tie groups (delong test): CanAT | flipped" in text
    ev = Evaluation.from_json(out_json.read_text(encoding="utf-8"))
    row = ev.result("CanAT", "auc")
    assert row["ci_low"] == pytest.approx(0.712, abs=0.015) and row["ci_high"] == pytest.approx(0.954, abs=0.015)
    doc = json.loads(out_json.read_text(encoding="utf-8"))
    pair = doc["pairwise"][0]
    assert pair["tests"]["delong"]["p_adjusted"] is not None and pair["significant"] is True
    html = out_html.read_text(encoding="utf-8")
    assert "<script src=" not in html and "Plotly.newPlot" in html and "B=2000, seed=7" in html


def test_eval_reports_every_problem_and_fails(files, tmp_path, capsys):
    truth, canat, _ = files
    bad = tmp_path / "bad.csv"
    bad.write_text("case_id,score\ncase_00010,high\ncase_00010,0.2\nnope,0.1\n")
    rc = main(["eval", "--truth", str(truth), "--pred", f"ok={canat}", "--pred", f"bad={bad}", "--no-progress"])
    assert rc == 1
    err = capsys.readouterr().err
    for code in ("duplicate_cases", "missing_cases", "unknown_cases", "non_numeric"):
        assert f"[{code}]" in err


def test_eval_refuses_scores_for_a_probability_metric(files, tmp_path, capsys, knight):
    truth, _, _ = files
    scaled = tmp_path / "scaled.csv"
    scaled.write_text("case_id,score\n" + "".join(f"{c},{3 * s:.17g}\n" for c, s in zip(knight["ids"], knight["score"], strict=True)))
    rc = main(["eval", "--truth", str(truth), "--pred", f"x={scaled}", "--metric", "brier", "--no-progress"])
    assert rc == 1
    assert "[not_probability]" in capsys.readouterr().err


def test_unknown_metric_is_a_usage_error(files, capsys):
    truth, canat, _ = files
    assert main(["eval", "--truth", str(truth), "--pred", f"x={canat}", "--metric", "nope", "--no-progress"]) == 2
    assert "unknown metric 'nope'" in capsys.readouterr().err


def test_eval_segmentation_folders(tmp_path, capsys):
    import numpy as np

    ref, good, shifted = (tmp_path / d for d in ("ref", "good", "shifted"))
    for d in (ref, good, shifted):
        d.mkdir()
    for i in range(6):
        m = np.zeros((16, 16), np.uint8)
        m[4:12, 4:12] = 1  # 64 pixels
        np.save(ref / f"case{i}.npy", m)
        g = m.copy()
        g[4:6, :] = 0  # 48 pixels kept: Dice = 2 * 48 / (64 + 48) = 6 / 7
        np.save(good / f"case{i}.npy", g)
        np.save(shifted / f"case{i}.npy", np.roll(m, 2, axis=0))  # overlap 48: Dice = 96 / 128 = 0.75
    out_json = tmp_path / "seg.json"
    rc = main(["eval", "--task", "segmentation", "--truth", str(ref), "--pred", f"good={good}", "--pred", f"shifted={shifted}",
               "--metric", "dice", "--metric", "global_dice", "--bootstrap", "200", "--json", str(out_json), "--no-progress"])
    assert rc == 0, capsys.readouterr().err
    ev = Evaluation.from_json(out_json.read_text(encoding="utf-8"))
    assert ev.result("good", "dice")["estimate"] == pytest.approx(6 / 7)
    assert ev.result("shifted", "global_dice")["estimate"] == pytest.approx(0.75)
    assert ev.meta["ranking"]["order"] == ["good", "shifted"]


def test_figures_from_a_loaded_document(files, tmp_path):
    truth, canat, flipped = files
    out_json = tmp_path / "e.json"
    assert main(["eval", "--truth", str(truth), "--pred", f"a={canat}", "--pred", f"b={flipped}", "--bootstrap", "200",
                 "--no-stratify", "--json", str(out_json), "--no-progress"]) == 0
    ev = Evaluation.from_json(out_json.read_text(encoding="utf-8"))
    assert ev.meta["bootstrap"]["stratified"] is False
    figs = ev.figures()
    assert set(figs) == {"forest_auc", "ranks_auc", "significance_auc"}  # no ROC or per-case data in a JSON document
    forest = figs["forest_auc"].data[0]
    row = ev.result("a", "auc")
    assert list(forest.y) == ["a", "b"]
    assert forest.error_x.array[0] == pytest.approx(row["ci_high"] - row["estimate"])
    sig = figs["significance_auc"].data[0]
    assert sig.z[0][1] == 1 and sig.z[1][0] == -1  # a significantly better than b


def test_roc_points_match_sklearn(knight):
    import numpy as np
    from sklearn.metrics import roc_curve

    from mlcore.eval.report.figures import roc_points

    fpr, tpr = roc_points(knight["y"], knight["score"])
    ref_fpr, ref_tpr, _ = roc_curve(knight["y"], knight["score"], drop_intermediate=False)
    np.testing.assert_allclose(fpr, ref_fpr)
    np.testing.assert_allclose(tpr, ref_tpr)
    w = np.tile([0, 2], 30)  # every other case twice: same curve as the repeated data set
    rep_fpr, rep_tpr, _ = roc_curve(np.repeat(knight["y"], w), np.repeat(knight["score"], w), drop_intermediate=False)
    got = roc_points(knight["y"], knight["score"], w)
    np.testing.assert_allclose(np.unique(np.c_[got[0], got[1]], axis=0), np.unique(np.c_[rep_fpr, rep_tpr], axis=0))


def test_eval_with_groups_and_bca(files, tmp_path, knight):
    truth, canat, _ = files
    groups = tmp_path / "groups.csv"
    # two consecutive cases of the same class form one patient
    ids, y = knight["ids"], knight["y"]
    groups.write_text("case_id,group\n" + "".join(
        f"{c},{'p' + str(i // 2) if y[i] == y[i ^ 1] else 'q' + str(i)}\n" for i, c in enumerate(ids)))
    out_json = tmp_path / "g.json"
    rc = main(["eval", "--truth", str(truth), "--pred", f"a={canat}", "--groups", str(groups), "--ci", "bca",
               "--bootstrap", "500", "--json", str(out_json), "--no-progress"])
    assert rc == 0
    ev = Evaluation.from_json(out_json.read_text(encoding="utf-8"))
    b = ev.meta["bootstrap"]
    assert b["grouped"] and b["stratified"] and b["ci_method"] == "bca" and b["n_units"] < 60
    bad = tmp_path / "groups_bad.csv"
    bad.write_text("case_id,group\ncase_00010,p1\n")
    assert main(["eval", "--truth", str(truth), "--pred", f"a={canat}", "--groups", str(bad), "--no-progress"]) == 1
