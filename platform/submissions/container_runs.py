"""Container submissions on the platform's side: which queue and limits a phase's runs get, which cases
they see at /input, and the cheap checks of an uploaded image archive.

A phase's container settings live in `phase.task_options` (the Task ignores keys it does not take):

    gpu: true                       # runs go to the `containers-gpu` queue (default: containers-cpu)
    container:
      inputs: public/test_inputs.csv   # name of the phase's DataFile holding the cases' inputs
                                       # (default: its only hidden_input DataFile, else its only public_input one)
      trial_cases: 5                # trial runs see the first N cases of the public subset (0: no trial runs);
                                    # their inputs come from a public_input DataFile only (see trial_inputs_data_file)
      trial_runs_per_day: 3         # per team (or solo participant), UTC day; apart from the phase's limits
      memory_mb: 4096, cpus: 1, pids: 128, output_mb: 1024, max_image_mb: 10240

Inputs file: a CSV with a `case_id` column (each case becomes `/input/<case_id>.csv`: the header and
its row, without the case_id column) or a zip holding one file per case named `<case_id><suffix>`.
The time limit is the phase's `time_limit_s`. Ground truth is never read here.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

from django.conf import settings

from mlcore.eval import Problem

from .algorithm_io import case_file_suffix
from .executors import QUEUE_CPU, QUEUE_GPU, RunLimits, inspect_archive

MiB = 1024**2
#: A tar.gz is read through to inspect it (about 2 s per 100 MiB); above this size the request only
#: checks its size and the worker inspects it fully (refusing it with the same messages).
INSPECT_IN_REQUEST_BYTES = 256 * MiB


#: DataFile kinds (challenges.models.DataFile.Kind): hidden inputs are served to organizers only and are
#: preferred for hidden runs; trial runs read public inputs only.
HIDDEN_INPUT = "hidden_input"
PUBLIC_INPUT = "public_input"


class InputsMissing(RuntimeError):
    """The phase has no usable inputs for its containers (the organizers' problem, not the team's)."""


class NoTrialInputs(InputsMissing):
    """The phase has no public_input data file a trial run could read."""


def options(phase) -> dict:
    return dict((phase.task_options or {}).get("container") or {})


def accepts_containers(phase) -> bool:
    return phase.submission_kinds in ("container", "both")


def queue_for(phase) -> str:
    """`containers-gpu` when the phase's task_options say `gpu: true`, else `containers-cpu`."""
    gpu = (phase.task_options or {}).get("gpu", options(phase).get("gpu", False))
    return QUEUE_GPU if gpu is True or str(gpu).lower() in ("1", "true", "yes") else QUEUE_CPU


def max_image_bytes(phase) -> int:
    return int(options(phase).get("max_image_mb", settings.PODIUM_MAX_IMAGE_BYTES // MiB)) * MiB


def run_limits(phase, trial: bool = False) -> RunLimits:
    """The sandbox limits of a run of `phase` (trial runs: the same, log tail capped for the team)."""
    opts = options(phase)
    return RunLimits(time_limit_s=float(phase.time_limit_s), memory_bytes=int(opts.get("memory_mb", 4096)) * MiB,
                     cpus=float(opts.get("cpus", 1.0)), pids=int(opts.get("pids", 128)),
                     output_bytes=int(opts.get("output_mb", 1024)) * MiB,
                     log_tail_bytes=settings.PODIUM_TRIAL_LOG_BYTES if trial else 64 * 1024)


def job_deadline(phase) -> timedelta:
    """Time a container job may take in all: load, the run's time limit, scoring."""
    return timedelta(seconds=phase.time_limit_s + settings.PODIUM_CONTAINER_SLACK_S)


def trial_case_ids(phase) -> list[str]:
    """The public sample cases a trial run sees: the first `trial_cases` of the public subset."""
    n = int(options(phase).get("trial_cases", 5))
    if n <= 0:
        return []
    return list(phase.cases.filter(subset="public").order_by("order").values_list("case_id", flat=True)[:n])


def inputs_data_file(phase):
    """The phase's DataFile with its cases' inputs (named by task_options.container.inputs)."""
    name = options(phase).get("inputs")
    files = phase.data_files.all()
    if name:
        found = files.filter(name=name).first()
        if found is None:
            raise InputsMissing(f"phase {phase}: task_options.container.inputs names {name!r}, which is not a data file of the phase")
        return found
    for kind in HIDDEN_INPUT, "public_input":
        candidates = list(files.filter(kind=kind))
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            break
    raise InputsMissing(f"phase {phase}: expected one public_input (or {HIDDEN_INPUT}) data file with the cases' inputs; "
                        "name one in task_options.container.inputs")


def trial_inputs_data_file(phase):
    """The DataFile a trial run's inputs come from: a public_input one, never hidden inputs (the team sees
    a trial run's whole log, so a trial image could print whatever it reads). The file named by
    task_options.container.inputs when it is a public_input one, else the phase's only public_input file."""
    name = options(phase).get("inputs")
    public = list(phase.data_files.filter(kind=PUBLIC_INPUT))
    named = [f for f in public if name and f.name == name]
    if named:
        return named[0]
    if len(public) == 1:
        return public[0]
    why = "none" if not public else f"{len(public)}, and task_options.container.inputs names none of them"
    raise NoTrialInputs(f"phase {phase} has no public inputs for trial runs: trial runs read a {PUBLIC_INPUT} data file "
                        f"only, never hidden inputs, and the phase has {why}")


def case_inputs(phase, case_ids, trial: bool = False) -> dict[str, tuple[bytes, str]]:
    """case id -> (file content, suffix) for `case_ids`, read from the phase's inputs file (for a trial
    run: from its public_input file only, see `trial_inputs_data_file`)."""
    data = trial_inputs_data_file(phase) if trial else inputs_data_file(phase)
    with data.file.open("rb") as fh:
        raw = fh.read()
    wanted = list(case_ids)
    found: dict[str, tuple[bytes, str]] = {}
    if data.name.lower().endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            by_case = {}
            for info in z.infolist():
                if info.is_dir():
                    continue
                base = info.filename.rsplit("/", 1)[-1]
                suffix = case_file_suffix(base)
                by_case[base[: len(base) - len(suffix)] if suffix else base] = (info, suffix)
            for case_id in wanted:
                if case_id in by_case:
                    info, suffix = by_case[case_id]
                    found[case_id] = (z.read(info), suffix)
    else:
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        header = rows[0] if rows else []
        if "case_id" not in header:
            raise InputsMissing(f"phase {phase}: the inputs file {data.name} has no case_id column")
        key = header.index("case_id")
        keep = [i for i in range(len(header)) if i != key]
        wanted_set = set(wanted)
        for row in rows[1:]:
            if row and row[key] in wanted_set:
                out = io.StringIO()
                writer = csv.writer(out, lineterminator="\n")
                writer.writerow([header[i] for i in keep])
                writer.writerow([row[i] for i in keep])
                found[row[key]] = (out.getvalue().encode(), ".csv")
    missing = [c for c in wanted if c not in found]
    if missing:
        raise InputsMissing(f"phase {phase}: the inputs file {data.name} lacks {len(missing)} case(s), e.g. {missing[:5]}")
    return {c: found[c] for c in wanted}


def check_image_upload(phase, upload, path: str) -> list[Problem]:
    """Problems of an uploaded image archive found cheaply in the request (empty: accept).

    A tar is only seeked through; a tar.gz up to INSPECT_IN_REQUEST_BYTES is read once. Larger
    compressed archives are inspected by the worker, which refuses them with the same messages.
    """
    limit = max_image_bytes(phase)
    if upload.size > limit:
        return [Problem("archive_too_large", f"the archive is {upload.size:,} bytes; this phase's limit is {limit:,} bytes")]
    with open(path, "rb") as fh:
        gzipped = fh.read(2) == b"\x1f\x8b"
    if gzipped and upload.size > INSPECT_IN_REQUEST_BYTES:
        return []
    return list(inspect_archive(path, max_archive_bytes=limit).problems)
