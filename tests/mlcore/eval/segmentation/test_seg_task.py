"""SegmentationTask: reading, validation that reports every problem, per-case scores and counts."""

import zipfile

import numpy as np
import pytest

from mlcore.eval import InvalidInput, get_task
from mlcore.eval.segmentation import evaluate_folders, score_case
from mlcore.eval.segmentation.results import SegmentationScores
from mlcore.eval.segmentation.scoring import COUNT_NAMES
from mlcore.eval.segmentation.task import SegmentationTask


def cube(shape, lo, hi, label=1):
    a = np.zeros(shape, dtype=np.uint8)
    a[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]] = label
    return a


@pytest.fixture
def phase(tmp_path, write_nifti, write_itk):
    """Three reference cases (NIfTI) and a good prediction folder (MHA) with known overlaps."""
    refs, preds = tmp_path / "refs", tmp_path / "preds"
    refs.mkdir()
    preds.mkdir()
    shape = (16, 14, 10)
    truth = {"c1": cube(shape, (2, 2, 2), (8, 8, 6)), "c2": cube(shape, (4, 4, 2), (10, 10, 8)),
             "c3": cube(shape, (1, 1, 1), (5, 5, 5)) + cube(shape, (9, 9, 5), (12, 12, 8), 2)}
    guess = {"c1": cube(shape, (2, 2, 2), (8, 8, 6)), "c2": cube(shape, (5, 4, 2), (10, 10, 8)),
             "c3": cube(shape, (1, 1, 1), (5, 5, 4))}
    for case, arr in truth.items():
        write_nifti(refs / f"{case}.nii.gz", arr)
    for case, arr in guess.items():
        write_itk(preds / f"{case}.mha", arr)
    return refs, preds, truth, guess


def test_get_task_gives_segmentation():
    assert isinstance(get_task("segmentation"), SegmentationTask)


def test_scores_and_counts_per_case(phase):
    refs, preds, truth, guess = phase
    task = SegmentationTask(tolerance_mm=2.0)
    gt = task.read_truth(refs)
    assert gt.case_ids == ("c1", "c2", "c3") and gt.labels == (1, 2)
    pred = task.read_predictions(preds, gt.case_ids, gt)
    scores = task.score_cases(gt, pred)
    assert scores.values["dice"].shape == (3, 2)
    # c2: reference 6*6*6 = 216 voxels, prediction 5*6*6 = 180 inside it: Dice = 360/396
    assert scores.values["dice"][1, 0] == pytest.approx(360 / 396)
    assert scores.counts["tp"][1, 0] == 180 and scores.counts["fn"][1, 0] == 36 and scores.counts["fp"][1, 0] == 0
    voxel = 0.8 * 0.9 * 2.5
    assert scores.counts["reference_volume_mm3"][1, 0] == pytest.approx(216 * voxel)
    # label 2 only in c3's reference: c1 and c2 both empty (Dice 1), c3 prediction empty (Dice 0)
    assert list(scores.values["dice"][:, 1]) == [1.0, 1.0, 0.0]
    assert scores.counts["lesion_fn"][2, 1] == 1
    # the one entry point: identical to scoring the arrays directly with the header spacing
    direct = score_case(truth["c3"], guess["c3"], (0.8, 0.9, 2.5), labels=(1, 2))
    for m in direct.values:
        np.testing.assert_allclose(scores.values[m][2], direct.values[m])
    # global Dice from counts vs the mean of per-case Dice
    tp, fp, fn = (scores.counts[k] for k in ("tp", "fp", "fn"))
    expected_global = np.mean([2 * tp[:, k].sum() / (2 * tp[:, k].sum() + fp[:, k].sum() + fn[:, k].sum()) for k in range(2)])
    assert task.score(gt, scores, "global_dice") == pytest.approx(expected_global)
    assert task.score(gt, scores, "dice") == pytest.approx(scores.values["dice"].mean())


def test_arrays_round_trip(phase, tmp_path):
    refs, preds, _, _ = phase
    task = SegmentationTask()
    gt = task.read_truth(refs)
    scores = task.score_cases(gt, task.read_predictions(preds, gt.case_ids, gt))
    np.savez(tmp_path / "scores.npz", **scores.to_arrays())
    with np.load(tmp_path / "scores.npz") as z:
        back = SegmentationScores.from_arrays(z)
    assert back.case_ids == scores.case_ids and back.labels == scores.labels
    assert set(back.counts) == set(COUNT_NAMES)
    for m in scores.values:
        np.testing.assert_array_equal(back.values[m], scores.values[m])


def test_every_problem_reported_at_once(phase, tmp_path, write_nifti):
    refs, _, truth, _ = phase
    bad = tmp_path / "bad"
    bad.mkdir()
    write_nifti(bad / "c1.nii.gz", truth["c1"] * 3)                    # label 3 unknown
    write_nifti(bad / "c2.nii.gz", truth["c2"], spacing=(1, 1, 1))     # spacing differs
    np.save(bad / "c2.npy", truth["c2"])                              # second file for c2
    (bad / "c9.nii.gz").write_bytes(b"not an image")                   # extra (not read)
    (bad / "c3.nii.gz").write_bytes(b"not an image either")            # unreadable
    (bad / "notes.txt").write_text("hi")                               # unsupported
    task = SegmentationTask()
    gt = task.read_truth(refs)
    result, problems = task.validate_predictions(bad, gt.case_ids, gt)
    assert result is None
    codes = {p.code: p for p in problems}
    assert set(codes) == {"unsupported_file", "duplicate_cases", "extra_cases", "unreadable_file", "unknown_labels"}
    assert codes["unreadable_file"].case_ids == ("c3",) and "c3.nii.gz cannot be read" in codes["unreadable_file"].message
    assert codes["duplicate_cases"].case_ids == ("c2",)
    assert codes["extra_cases"].case_ids == ("c9",)
    assert "label value(s) [3]" in codes["unknown_labels"].message


def test_geometry_mismatch_names_both_geometries(phase, tmp_path, write_nifti):
    refs, _, truth, _ = phase
    bad = tmp_path / "bad"
    bad.mkdir()
    write_nifti(bad / "c1.nii.gz", truth["c1"], spacing=(1, 1, 1))
    write_nifti(bad / "c2.nii.gz", truth["c2"], flip_x=True)
    write_nifti(bad / "c3.nii.gz", truth["c3"][:, :, :9])
    task = SegmentationTask()
    gt = task.read_truth(refs)
    with pytest.raises(InvalidInput) as err:
        task.read_predictions(bad, gt.case_ids, gt)
    messages = {p.case_ids[0]: p.message for p in err.value.problems}
    assert "(spacing)" in messages["c1"] and "spacing (1, 1, 1) mm" in messages["c1"] and "spacing (0.8, 0.9, 2.5) mm" in messages["c1"]
    assert "(orientation)" in messages["c2"] and "orientation RPS" in messages["c2"] and "orientation LPS" in messages["c2"]
    assert "(shape)" in messages["c3"] and "(16, 14, 9)" in messages["c3"] and "(16, 14, 10)" in messages["c3"]


def test_zip_predictions_and_evaluate_folders(phase, tmp_path):
    refs, preds, _, _ = phase
    archive = tmp_path / "entry.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in sorted(preds.iterdir()):
            z.write(f, f"submission/{f.name}")
        z.writestr("__MACOSX/._c1.mha", b"junk")
    frame = evaluate_folders(refs, {"folder": preds, "zip": archive}, metrics=["dice", "hd95"], tolerance_mm=2.0)
    assert len(frame) == 2 * 3 * 2
    by_entry = frame.set_index(["entry", "case_id", "label"])
    np.testing.assert_allclose(by_entry.loc["zip"][["dice", "hd95", "tp"]], by_entry.loc["folder"][["dice", "hd95", "tp"]])
    assert by_entry.loc[("folder", "c2", 1), "dice"] == pytest.approx(360 / 396)


def test_configured_labels_refuse_other_values(phase):
    refs, _, _, _ = phase
    with pytest.raises(InvalidInput, match=r"label value\(s\) \[2\]"):
        SegmentationTask(labels={1: "organ"}).read_truth(refs)


def test_missing_cases_listed(phase, tmp_path, write_itk):
    refs, _, truth, _ = phase
    partial = tmp_path / "partial"
    partial.mkdir()
    write_itk(partial / "c2.mha", truth["c2"])
    task = SegmentationTask()
    gt = task.read_truth(refs)
    _, problems = task.validate_predictions(partial, gt.case_ids, gt)
    assert [(p.code, p.case_ids) for p in problems] == [("missing_cases", ("c1", "c3"))]
    assert problems[0].message == "expected 3 predicted label maps, found 1; missing: c1, c3"


def test_numpy_phase_uses_configured_spacing(tmp_path):
    refs, preds = tmp_path / "refs", tmp_path / "preds"
    refs.mkdir()
    preds.mkdir()
    ref = np.zeros((10, 10, 6), dtype=np.uint8)
    ref[2, 2, 1] = 1
    pred = np.zeros_like(ref)
    pred[2, 5, 1] = 1  # 3 voxels away along axis 1
    np.save(refs / "a.npy", ref)
    np.savez(preds / "a.npz", label=pred)
    frame = evaluate_folders(refs, {"e": preds}, metrics=["hausdorff", "dice"], spacing=(1.0, 2.5, 4.0))
    assert frame.loc[0, "hausdorff"] == pytest.approx(7.5)
    assert frame.loc[0, "dice"] == 0.0


def test_summarise_global_and_mean(phase):
    from mlcore.eval.segmentation.folders import score_folders, summarise

    refs, preds, _, _ = phase
    task, _, scores, problems = score_folders(refs, {"a": preds}, metrics=["dice", "lesion_f1"])
    table = summarise(task, scores, ["dice", "global_dice", "pooled_lesion_f1"])
    s = scores["a"]
    assert table.loc["a", "dice"] == pytest.approx(s.values["dice"].mean())
    tp, fp, fn = (s.counts[k] for k in ("lesion_tp", "lesion_fp", "lesion_fn"))
    # label 1: 3 detected of 3, no FP -> F1 1; label 2: c3's tumour missed, no other lesion -> F1 0
    assert table.loc["a", "pooled_lesion_f1"] == pytest.approx(0.5)
    assert (tp.sum(), fp.sum(), fn.sum()) == (3, 0, 1)


def test_light_import():
    import subprocess
    import sys

    code = ("import sys, mlcore.eval, mlcore.eval.segmentation as s; from mlcore.eval.segmentation import task; "
            "print(sorted(m for m in ('torch', 'monai', 'nibabel', 'SimpleITK') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_label_names_in_table(phase):
    refs, preds, _, _ = phase
    frame = evaluate_folders(refs, {"e": preds}, metrics=["dice"], labels={1: "organ", 2: "tumour"})
    assert list(frame["label_name"][:2]) == ["organ", "tumour"]


def test_counts_always_stored_and_aggregates_accepted(phase):
    refs, preds, _, _ = phase
    task = SegmentationTask()
    gt = task.read_truth(refs)
    scores = task.score_cases(gt, task.read_predictions(preds, gt.case_ids, gt), ["global_dice", "pooled_lesion_f1"])
    assert set(scores.values) == {"dice", "lesion_f1"}
    assert not np.isnan(scores.counts["lesion_tp"]).any()
    assert task.score(gt, scores, "pooled_lesion_f1") == pytest.approx(0.5)  # see test_summarise_global_and_mean
    import json

    config = json.loads(json.dumps(task.to_dict()))
    assert config["hd_percentile"] == 95.0 and config["empty_policy"]["rules"]["dice"]["both_empty"] == 1.0


def test_statistics_engine_resamples_segmentation_entries(phase, tmp_path, write_itk):
    from mlcore.eval import evaluate

    refs, preds, truth, _ = phase
    worse = tmp_path / "worse"
    worse.mkdir()
    for case, arr in truth.items():
        shrunk = np.zeros_like(arr)
        shrunk[1:-1, 1:-1, 1:-1] = arr[2:, 2:, 2:]  # shifted by one voxel on every axis
        write_itk(worse / f"{case}.mha", shrunk)
    task = SegmentationTask()
    gt = task.read_truth(refs)
    entries = {name: task.score_cases(gt, task.read_predictions(p, gt.case_ids, gt)) for name, p in (("a", preds), ("b", worse))}
    result = evaluate(task, gt, entries, metrics=["dice", "global_dice"], bootstrap={"n_resamples": 200, "seed": 1})
    rows = {(r["entry"], r["metric"]): r for r in result.results}
    for name, scores in entries.items():
        assert rows[(name, "dice")]["estimate"] == pytest.approx(scores.values["dice"].mean())
        tp, fp, fn = (scores.counts[k] for k in ("tp", "fp", "fn"))
        assert rows[(name, "global_dice")]["estimate"] == pytest.approx(
            np.mean(2 * tp.sum(0) / (2 * tp.sum(0) + fp.sum(0) + fn.sum(0))))


def test_base_task_signature_with_metrics(phase):
    refs, preds, _, _ = phase
    task = SegmentationTask()
    gt = task.read_truth(refs)
    predictions, problems = task.validate_predictions(preds, gt.case_ids, ("dice", "hd95"))  # as the CLI calls it
    assert problems == [] and predictions.case_ids == gt.case_ids
    with pytest.raises(KeyError, match="unknown metric 'dise'"):
        task.validate_predictions(preds, gt.case_ids, gt, ("dise",))


def test_all_background_references_still_score_false_positives(tmp_path):
    refs, preds = tmp_path / "refs", tmp_path / "preds"
    refs.mkdir()
    preds.mkdir()
    empty = np.zeros((6, 6, 4), dtype=np.uint8)
    np.save(refs / "a.npy", empty)
    fp = empty.copy()
    fp[1, 1, 1] = 1
    np.save(preds / "a.npy", fp)
    frame = evaluate_folders(refs, {"e": preds}, metrics=["dice", "nsd"])
    assert list(frame["label"]) == [1] and frame.loc[0, "dice"] == 0.0 and frame.loc[0, "nsd"] == 0.0


def test_options_from_json_phase_settings(phase):
    refs, preds, _, _ = phase
    task = get_task("segmentation", labels={"1": "organ", "2": "tumour"}, spacing=[1, 1, 1], tolerance_mm=2,
                    empty_policy={"hd95": {"reference_empty": 373.13}})
    assert task.labels == (1, 2) and task.label_names == {1: "organ", 2: "tumour"}
    gt = task.read_truth(refs)
    scores = task.score_cases(gt, task.read_predictions(preds, gt.case_ids, gt), ["dice"])
    with pytest.raises(ValueError, match="hd95 was not computed"):
        task.case_statistic(scores, "hd95")
