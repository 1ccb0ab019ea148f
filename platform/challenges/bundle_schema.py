"""challenge.yaml, version 1: what each field may hold. `check_bundle` reports every problem at once."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from mlcore.eval import InvalidInput, get_task
from mlcore.eval.tables import read_case_table

from .bundle_yaml import Reporter
from .models import Case, DataFile, Phase

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SUPPORTED_VERSIONS = (1,)
CHALLENGE_KEYS = {"version", "slug", "title", "description", "terms", "requires_approval", "phases", "data"}
PHASE_KEYS = {"slug", "title", "description", "task", "task_options", "ground_truth", "cases", "metrics", "ranking",
              "bootstrap", "submission_kinds", "limits", "time_limit", "opens", "closes", "leaderboard", "publish_per_case", "data",
              "entry_selection", "rank_baselines"}


def _choice(r, path, value, choices, default):
    if value is None:
        return default
    if value not in choices:
        r.add(path, f"expected one of {', '.join(choices)}; found {value!r}")
    return value


def _int(r, path, value, default, low, high):
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        r.add(path, f"expected a whole number from {low} to {high}; found {value!r}")
        return default
    return value


def _bool(r, path, value, default):
    if value is None:
        return default
    if not isinstance(value, bool):
        r.add(path, f"expected true or false; found {value!r}")
    return value


def _text(r, path, value, required=False, max_length=None):
    if value is None or value == "":
        if required:
            r.add(path, "required, not found")
        return ""
    if not isinstance(value, str):
        r.add(path, f"expected text; found {type(value).__name__} {value!r}")
        return ""
    if max_length and len(value) > max_length:
        r.add(path, f"at most {max_length} characters; found {len(value)}")
    return value


def _slug(r, path, value):
    text = _text(r, path, value, required=True, max_length=50)
    if text and not SLUG.match(text):
        r.add(path, f"expected lowercase letters, digits and single hyphens (like 'kidney-tumours'); found {text!r}")
    return text


def _date(r, path, value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        r.add(path, f"expected an ISO 8601 date and time such as 2027-03-01T12:00:00+00:00; found {value!r}")
        return None


def _file(r, root: Path, path, value):
    name = _text(r, path, value, required=True)
    if not name:
        return None
    target = (root / name).resolve()
    if root.resolve() not in target.parents:
        r.add(path, f"must be a path inside the bundle; found {name!r}")
        return None
    if not target.exists():
        r.add(path, f"file {name} not found in the bundle")
        return None
    return target


def _csv_line(path: Path, case_ids) -> int:
    """Line of the first listed case in a case table (header is line 1)."""
    try:
        ids = [line.split(",", 1)[0].strip() for line in path.read_text(errors="replace").splitlines()]
    except OSError:
        return 0
    return next((i + 1 for i, c in enumerate(ids) if c in set(case_ids)), 0)


def _data_files(r, root, path, items, phase_slug=None):
    out = []
    if items is None:
        return out
    if not isinstance(items, list):
        r.add(path, f"expected a list of {{path, kind}}; found {items!r}")
        return out
    for i, item in enumerate(items):
        item = item if isinstance(item, dict) else {}
        target = _file(r, root, path + (i, "path"), item.get("path"))
        kind = _choice(r, path + (i, "kind"), item.get("kind"), DataFile.Kind.values, DataFile.Kind.TRAINING)
        if target is not None:  # a file, or a folder (stored as one zip, exported back as a folder)
            out.append({"name": item["path"], "kind": kind, "phase": phase_slug, "source": target,
                        "description": str(item.get("description", ""))})
    return out


def _ground_truth(r, root, path, spec, task):
    target = _file(r, root, path + ("ground_truth",), spec.get("ground_truth"))
    if target is None or task is None:
        return None, None
    try:
        truth = task.read_truth(target)
    except InvalidInput as exc:
        for p in exc.problems:
            r.add_file(spec["ground_truth"], "label", _csv_line(target, p.case_ids) if target.is_file() else 0, p.message)
        return target, None
    return target, truth


def _cases(r, root, path, spec, truth):
    subsets = {c: Case.Subset.PUBLIC for c in truth.case_ids} if truth else {}
    if not spec.get("cases"):
        return subsets
    target = _file(r, root, path + ("cases",), spec["cases"])
    if target is None:
        return subsets
    frame, problems = read_case_table(target, ["subset"])
    for p in problems:
        r.add_file(spec["cases"], "", 0, p.message)
    for i, (case_id, subset) in enumerate(zip(frame["case_id"], frame["subset"], strict=True) if frame is not None else []):
        if truth and case_id not in subsets:
            r.add_file(spec["cases"], "case_id", i + 2, f"case {case_id!r} is not in the ground truth")
        elif subset not in Case.Subset.values:
            r.add_file(spec["cases"], "subset", i + 2, f"expected public or private; found {subset!r}")
        else:
            subsets[case_id] = subset
    return subsets


def _phase(r, root, i, spec, seen_slugs):
    path = ("phases", i)
    if not isinstance(spec, dict):
        r.add(path, f"expected a mapping of phase fields; found {spec!r}")
        return None
    for key in sorted(set(spec) - PHASE_KEYS):
        r.add(path + (key,), f"unknown field; expected some of {', '.join(sorted(PHASE_KEYS))}")
    slug = _slug(r, path + ("slug",), spec.get("slug"))
    if slug in seen_slugs:
        r.add(path + ("slug",), f"two phases are named {slug!r}")
    seen_slugs.add(slug)
    task = None
    task_name = _text(r, path + ("task",), spec.get("task"), required=True)
    if task_name:
        try:
            task = get_task(task_name)
        except (KeyError, ImportError) as exc:
            r.add(path + ("task",), str(exc.args[0]) if exc.args else str(exc))
    metrics = spec.get("metrics") or ([task.default_metric] if task else [])
    if not isinstance(metrics, list) or not all(isinstance(m, str) for m in metrics):
        r.add(path + ("metrics",), f"expected a list of metric names; found {metrics!r}")
        metrics = []
    elif task is not None:
        unknown = [m for m in metrics if m not in task.metrics]
        if unknown:
            r.add(path + ("metrics",), f"unknown metric(s) {', '.join(unknown)} for task {task.name}; expected some of {', '.join(task.metrics)}")
    truth_path, truth = _ground_truth(r, root, path, spec, task)
    boot, limits = spec.get("bootstrap") or {}, spec.get("limits") or {}
    opens, closes = _date(r, path + ("opens",), spec.get("opens")), _date(r, path + ("closes",), spec.get("closes"))
    if opens and closes and closes <= opens:
        r.add(path + ("closes",), f"must be after opens ({opens.isoformat()}); found {closes.isoformat()}")
    options = spec.get("task_options") or {}
    if not isinstance(options, dict):
        r.add(path + ("task_options",), f"expected a mapping; found {options!r}")
        options = {}
    return {
        "slug": slug, "title": _text(r, path + ("title",), spec.get("title"), required=True, max_length=200),
        "description": _text(r, path + ("description",), spec.get("description")),
        "task_type": task.name if task else "", "task_options": options, "metrics": metrics,
        "ranking": _choice(r, path + ("ranking",), spec.get("ranking"), Phase.Ranking.values, Phase.Ranking.AGGREGATE_THEN_RANK),
        "entry_selection": _choice(r, path + ("entry_selection",), spec.get("entry_selection"), Phase.EntrySelection.values,
                                   Phase.EntrySelection.FINAL_OR_LATEST),
        "rank_baselines": _bool(r, path + ("rank_baselines",), spec.get("rank_baselines"), False),
        "bootstrap_resamples": _int(r, path + ("bootstrap", "resamples"), boot.get("resamples"), 1000, 100, 100_000),
        "seed": _int(r, path + ("bootstrap", "seed"), boot.get("seed"), 1234, 0, 2**31 - 1),
        "submission_kinds": _choice(r, path + ("submission_kinds",), spec.get("submission_kinds"), Phase.SubmissionKinds.values, "predictions"),
        "limit_per_day": _int(r, path + ("limits", "per_day"), limits.get("per_day"), 5, 0, 10_000),
        "limit_total": _int(r, path + ("limits", "total"), limits.get("total"), 100, 0, 1_000_000),
        "limit_concurrent": _int(r, path + ("limits", "concurrent"), limits.get("concurrent"), 2, 1, 1_000),
        "time_limit_s": _int(r, path + ("time_limit",), spec.get("time_limit"), 1200, 60, 86_400),
        "opens_at": opens, "closes_at": closes,
        "leaderboard_visibility": _choice(r, path + ("leaderboard",), spec.get("leaderboard"), Phase.Visibility.values, "public"),
        "publish_per_case": _bool(r, path + ("publish_per_case",), spec.get("publish_per_case"), False),
        "ground_truth_name": spec.get("ground_truth") or "", "truth_path": truth_path,
        "cases": _cases(r, root, path, spec, truth), "data": _data_files(r, root, path + ("data",), spec.get("data"), slug),
    }


def check_bundle(root: Path, spec, reporter: Reporter) -> dict | None:
    """Validate a parsed challenge.yaml against the bundle folder; None when it is not a mapping."""
    r = reporter
    if not isinstance(spec, dict):
        r.add((), f"expected a mapping of challenge fields; found {type(spec).__name__}")
        return None
    for key in sorted(set(spec) - CHALLENGE_KEYS):
        r.add((key,), f"unknown field; expected some of {', '.join(sorted(CHALLENGE_KEYS))}")
    version = spec.get("version", 1)
    if version not in SUPPORTED_VERSIONS:
        r.add(("version",), f"expected bundle version {', '.join(map(str, SUPPORTED_VERSIONS))}; found {version!r}")
    phases = spec.get("phases")
    if not isinstance(phases, list) or not phases:
        r.add(("phases",), f"expected a non-empty list of phases; found {phases!r}")
        phases = []
    seen: set = set()
    return {
        "version": version if version in SUPPORTED_VERSIONS else 1,
        "slug": _slug(r, ("slug",), spec.get("slug")),
        "title": _text(r, ("title",), spec.get("title"), required=True, max_length=200),
        "description": _text(r, ("description",), spec.get("description")),
        "terms": _text(r, ("terms",), spec.get("terms")),
        "requires_approval": _bool(r, ("requires_approval",), spec.get("requires_approval"), False),
        "data": _data_files(r, root, ("data",), spec.get("data")),
        "phases": [p for i, s in enumerate(phases) if (p := _phase(r, root, i, s, seen))],
    }
