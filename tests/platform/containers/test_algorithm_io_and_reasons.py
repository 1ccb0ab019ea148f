"""/input preparation and /output collection (no engine needed), and how engine facts map to reasons."""

import json
import stat

import pytest

from submissions.algorithm_io import collect_outputs, prepare_inputs
from submissions.executors import Reason, RunLimits, RunResult
from submissions.executors.docker_executor import classify, parse_engine_time


def test_prepare_inputs_writes_one_file_per_case_and_a_manifest(tmp_path):
    src = tmp_path / "ct_07.nii.gz"
    src.write_bytes(b"\x1f\x8bfake")
    src.chmod(0o600)  # a worker's own file: the container user could not read it as is
    manifest = prepare_inputs(tmp_path / "in", {"ct_07": src, "ct_08": b"raw"}, task="segmentation", suffix=".npy")
    assert manifest == {"version": 1, "task": "segmentation",
                        "cases": [{"case_id": "ct_07", "file": "ct_07.nii.gz"}, {"case_id": "ct_08", "file": "ct_08.npy"}]}
    assert json.loads((tmp_path / "in" / "manifest.json").read_text()) == manifest
    assert sorted(p.name for p in (tmp_path / "in").iterdir()) == ["ct_07.nii.gz", "ct_08.npy", "manifest.json"]
    assert (tmp_path / "in" / "ct_07.nii.gz").read_bytes() == b"\x1f\x8bfake"
    assert (tmp_path / "in" / "ct_07.nii.gz").stat().st_ino != src.stat().st_ino  # a copy, not a link
    for path in (tmp_path / "in").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "in").stat().st_mode) == 0o755


@pytest.mark.parametrize("case_ids, message", [
    (["../etc"], "case ids must be"), (["a/b"], "case ids must be"), ([".hidden"], "case ids must be"),
])
def test_prepare_inputs_refuses_unsafe_case_ids(tmp_path, case_ids, message):
    with pytest.raises(ValueError, match=message):
        prepare_inputs(tmp_path / "in", {c: b"x" for c in case_ids}, task="binary", suffix=".json")


def test_prepare_inputs_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "old.json").write_text("{}")
    with pytest.raises(ValueError, match="not empty"):
        prepare_inputs(tmp_path / "in", {"c1": b"{}"}, task="binary", suffix=".json")


def test_collect_outputs_names_what_is_missing(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "preds.csv").write_text("case_id,score\n")
    binary = collect_outputs(out, ["c1"], task="binary")
    assert [p.code for p in binary.problems] == ["missing_predictions_file"]
    assert binary.problems[0].message == "expected /output/predictions.csv; found: preds.csv"

    (out / "a.npy").write_bytes(b"")
    (out / "b.npy").write_bytes(b"")
    (out / "b.nii.gz").write_bytes(b"")
    seg = collect_outputs(out, ["a", "b", "c", "d"], task="segmentation")
    assert sorted(seg.label_maps) == ["a"]
    assert [(p.code, p.case_ids) for p in seg.problems] == [("missing_label_maps", ("c", "d")),
                                                             ("ambiguous_label_maps", ("b",))]
    assert "2 missing: c, d" in seg.problems[0].message


@pytest.mark.parametrize("facts, reason", [
    (dict(exit_code=0, oom_killed=False, timed_out=False, fork_failures=0, output_full=False, logs=""), Reason.COMPLETED),
    (dict(exit_code=137, oom_killed=True, timed_out=False, fork_failures=3, output_full=True, logs=""), Reason.OUT_OF_MEMORY),
    (dict(exit_code=137, oom_killed=False, timed_out=True, fork_failures=12, output_full=False, logs=""), Reason.PIDS_LIMIT),
    (dict(exit_code=1, oom_killed=False, timed_out=False, fork_failures=0, output_full=False,
          logs="BlockingIOError: [Errno 11] Resource temporarily unavailable"), Reason.PIDS_LIMIT),
    (dict(exit_code=0, oom_killed=False, timed_out=False, fork_failures=5, output_full=False, logs=""), Reason.COMPLETED),
    (dict(exit_code=137, oom_killed=False, timed_out=True, fork_failures=0, output_full=True, logs=""), Reason.TIME_LIMIT),
    (dict(exit_code=0, oom_killed=False, timed_out=False, fork_failures=0, output_full=True, logs=""), Reason.OUTPUT_TOO_LARGE),
    (dict(exit_code=1, oom_killed=False, timed_out=False, fork_failures=0, output_full=False,
          logs="OSError: [Errno 101] Network is unreachable"), Reason.NETWORK_UNREACHABLE),
    (dict(exit_code=1, oom_killed=False, timed_out=False, fork_failures=0, output_full=False,
          logs="OSError: [Errno 30] Read-only file system: '/x'"), Reason.READ_ONLY_FILESYSTEM),
    (dict(exit_code=2, oom_killed=False, timed_out=False, fork_failures=0, output_full=False, logs="usage"), Reason.NONZERO_EXIT),
])
def test_classify(facts, reason):
    exit_code = facts.pop("exit_code")
    assert classify(exit_code, **facts)[0] is reason


def test_reasons_have_messages_and_only_platform_errors_spare_the_quota():
    assert all(reason.message for reason in Reason)
    assert [r for r in Reason if r.platform_fault] == [Reason.PLATFORM_ERROR]
    result = RunResult(2, Reason.NONZERO_EXIT, "", 1.0, detail="exit code 2")
    assert result.message == "the algorithm exited with a non-zero status; see the log tail (exit code 2)"
    assert result.to_dict()["reason"] == "nonzero_exit"


def test_limits_are_validated():
    with pytest.raises(ValueError, match="time_limit_s must be positive"):
        RunLimits(time_limit_s=0)
    with pytest.raises(ValueError, match="at least 6 MiB"):
        RunLimits(memory_bytes=1024)


def test_engine_timestamps_keep_microseconds():
    started = parse_engine_time("2026-11-22T16:42:37.185921415Z")
    finished = parse_engine_time("2026-11-22T16:42:39.069756833Z")
    assert (finished - started).total_seconds() == pytest.approx(1.883835, abs=1e-6)
    assert parse_engine_time("0001-01-01T00:00:00Z") is None
