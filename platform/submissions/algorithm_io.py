"""The algorithm container's file contract: what /input holds, what /output must hold.

/input (read-only): one file per case, named `<case_id><suffix>`, and `manifest.json`:

    {"version": 1, "task": "binary", "cases": [{"case_id": "c1", "file": "c1.json"}, ...]}

/output: `predictions.csv` (`case_id,score` ...) for classification and regression tasks; one label map
per case, `<case_id>.npy` or `<case_id>.nii.gz`, for segmentation. `collect_outputs` checks only that
the expected files are there; their content goes through the phase's Task validation, exactly like an
uploaded predictions file. A plain module: no Django, no docker.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mlcore.eval.problems import Problem, format_ids
from submissions.executors.base import Reason, RunLimits, RunResult

MANIFEST = "manifest.json"
PREDICTIONS_CSV = "predictions.csv"
TABLE_TASKS = frozenset({"binary", "multiclass", "regression"})
LABEL_MAP_SUFFIXES = (".nii.gz", ".npy", ".nii")
_CASE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")


def case_file_suffix(path: str | Path) -> str:
    """`.nii.gz` for `x.nii.gz`, `.csv` for `x.csv`: the suffix a case file keeps in /input."""
    name = Path(path).name.lower()
    for double in (".nii.gz", ".tar.gz"):
        if name.endswith(double):
            return double
    return Path(path).suffix


def check_case_ids(case_ids) -> None:
    bad = [c for c in case_ids if not _CASE_ID.match(str(c)) or str(c) in (".", "..")]
    if bad:
        raise ValueError(f"case ids must be 1-128 letters, digits, '_', '.', '-' (starting with a letter or digit); "
                         f"found {format_ids(bad)}")
    seen, dup = set(), []
    for c in case_ids:
        (dup.append(c) if c in seen else seen.add(c))
    if dup:
        raise ValueError(f"duplicate case ids: {format_ids(dup)}")


def prepare_inputs(input_dir: str | Path, cases: Mapping[str, str | Path | bytes], *, task: str,
                   suffix: str | None = None) -> dict:
    """Fill `input_dir` (created, must be empty) with one file per case and `manifest.json`.

    cases: case id -> source file path, or the file's bytes (then `suffix`, e.g. ".json", names it).
    task: the phase's task name (binary, multiclass, regression, segmentation), written to the manifest.
    Files are copied (never linked, so the container cannot reach the original through a hard link) and
    made world-readable, because algorithms run as uid 65534. Returns the manifest.
    """
    input_dir = Path(input_dir)
    check_case_ids(list(cases))
    input_dir.mkdir(parents=True, exist_ok=True)
    if any(input_dir.iterdir()):
        raise ValueError(f"{input_dir} is not empty")
    entries = []
    for case_id, source in cases.items():
        if isinstance(source, bytes | bytearray):
            if not suffix:
                raise ValueError("pass suffix= (e.g. '.json') when cases are given as bytes")
            name = f"{case_id}{suffix}"
            (input_dir / name).write_bytes(source)
        else:
            name = f"{case_id}{case_file_suffix(source)}"
            shutil.copyfile(source, input_dir / name)
        os.chmod(input_dir / name, 0o644)
        entries.append({"case_id": case_id, "file": name})
    manifest = {"version": 1, "task": task, "cases": entries}
    (input_dir / MANIFEST).write_text(json.dumps(manifest, indent=1))
    os.chmod(input_dir / MANIFEST, 0o644)
    os.chmod(input_dir, 0o755)
    return manifest


@dataclass
class CollectedOutputs:
    """Where the outputs are. predictions_csv: for table tasks. label_maps: case id -> file, for
    segmentation. problems: missing or ambiguous files (content is checked later by the Task)."""

    predictions_csv: Path | None = None
    label_maps: dict[str, Path] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def collect_outputs(outputs_dir: str | Path, case_ids, *, task: str) -> CollectedOutputs:
    """Find the files the phase's Task will read in a finished run's `outputs_dir`."""
    outputs_dir = Path(outputs_dir)
    files = sorted(str(p.relative_to(outputs_dir)) for p in outputs_dir.rglob("*") if p.is_file() and not p.is_symlink())
    out = CollectedOutputs(files=files)
    if task in TABLE_TASKS:
        path = outputs_dir / PREDICTIONS_CSV
        if path.is_file():
            out.predictions_csv = path
        else:
            found = f"found: {', '.join(files[:5])}" if files else "/output was empty"
            out.problems.append(Problem("missing_predictions_file", f"expected /output/{PREDICTIONS_CSV}; {found}"))
        return out
    if task != "segmentation":
        raise ValueError(f"unknown task {task!r}; expected one of {sorted(TABLE_TASKS | {'segmentation'})}")
    missing, ambiguous = [], []
    for case_id in case_ids:
        present = [outputs_dir / f"{case_id}{s}" for s in LABEL_MAP_SUFFIXES if (outputs_dir / f"{case_id}{s}").is_file()]
        if not present:
            missing.append(case_id)
        elif len(present) > 1:
            ambiguous.append(case_id)
        else:
            out.label_maps[case_id] = present[0]
    if missing:
        out.problems.append(Problem("missing_label_maps", f"expected one label map per case (<case_id>.npy or "
                                    f"<case_id>.nii.gz in /output); {len(missing)} missing: {format_ids(missing)}",
                                    tuple(missing)))
    if ambiguous:
        out.problems.append(Problem("ambiguous_label_maps", f"cases with more than one label map: {format_ids(ambiguous)}",
                                    tuple(ambiguous)))
    return out


@dataclass
class AlgorithmRun:
    """One run of an algorithm on a phase's cases: the executor's result and where its outputs are."""

    result: RunResult
    outputs: CollectedOutputs
    inputs_dir: Path
    outputs_dir: Path


def run_algorithm(executor, image: str, cases: Mapping[str, str | Path | bytes], *, task: str, limits: RunLimits,
                  work_dir: str | Path, run_id: str | None = None, suffix: str | None = None,
                  heartbeat=None) -> AlgorithmRun:
    """Prepare /input from `cases`, run `image` with `executor` (an `Executor`), find its outputs.

    work_dir: an empty folder of the worker's for this run (inputs go to work_dir/input, outputs to
    work_dir/output); the caller deletes it once the outputs are stored. A run that completed but lacks
    the files the Task reads gets Reason.OUTPUT_INVALID with the problems as detail; the content of the
    files is for the phase's Task validation (`task.validate_predictions`), as for an uploaded file.
    heartbeat: passed to `executor.run` (called while the container runs; returning False cancels).
    """
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(work_dir, 0o755)
    inputs_dir, outputs_dir = work_dir / "input", work_dir / "output"
    prepare_inputs(inputs_dir, cases, task=task, suffix=suffix)
    result = executor.run(image, inputs_dir, outputs_dir, limits, run_id=run_id, heartbeat=heartbeat)
    outputs_dir.mkdir(exist_ok=True)
    collected = collect_outputs(outputs_dir, list(cases), task=task)
    if result.reason is Reason.COMPLETED and not collected.ok:
        result.reason = Reason.OUTPUT_INVALID
        result.detail = "; ".join(p.message for p in collected.problems)
    return AlgorithmRun(result, collected, inputs_dir, outputs_dir)
