"""Export a challenge as a bundle that imports back to an equal challenge."""

from __future__ import annotations

import hashlib
import io
import shutil
import tempfile
import zipfile
from pathlib import Path

import yaml

from .models import Case, Challenge, Phase


def truth_name(phase: Phase) -> str:
    """Where the phase's ground truth goes in the bundle: its original name, else a default one."""
    if phase.ground_truth_name:
        return phase.ground_truth_name
    suffix = "" if phase.ground_truth.name.endswith(".zip") else ".csv"
    return f"phases/{phase.slug}/ground-truth{suffix}"


def _phase_spec(phase: Phase, data: list) -> dict:
    spec = {
        "slug": phase.slug, "title": phase.title, "description": phase.description, "task": phase.task_type,
        "task_options": phase.task_options, "ground_truth": truth_name(phase),
        "cases": f"phases/{phase.slug}/cases.csv", "metrics": phase.metrics, "ranking": phase.ranking,
        "entry_selection": phase.entry_selection, "rank_baselines": phase.rank_baselines,
        "bootstrap": {"resamples": phase.bootstrap_resamples, "seed": phase.seed},
        "submission_kinds": phase.submission_kinds,
        "limits": {"per_day": phase.limit_per_day, "total": phase.limit_total, "concurrent": phase.limit_concurrent},
        "time_limit": phase.time_limit_s, "leaderboard": phase.leaderboard_visibility,
        "publish_per_case": phase.publish_per_case, "data": data,
    }
    for key, value in (("opens", phase.opens_at), ("closes", phase.closes_at)):
        if value is not None:
            spec[key] = value.isoformat()
    return spec


def challenge_spec(challenge: Challenge) -> dict:
    """The challenge.yaml content describing `challenge`."""
    files = list(challenge.data_files.select_related("phase"))

    def data_of(phase):
        return [{"path": d.name, "kind": d.kind, "description": d.description} for d in files if d.phase == phase]

    return {
        "version": challenge.bundle_version, "slug": challenge.slug, "title": challenge.title,
        "description": challenge.description, "terms": challenge.terms, "requires_approval": challenge.requires_approval,
        "data": data_of(None), "phases": [_phase_spec(p, data_of(p)) for p in challenge.phases.all()],
    }


def _write_stored(field, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with field.open("rb") as fh:
        content = fh.read()
    if field.name.endswith(".zip") and not dest.name.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(content)) as zf:  # a folder stored as a zip goes back to a folder
            zf.extractall(dest)
    else:
        dest.write_bytes(content)


def export_bundle(challenge: Challenge, dest) -> Path:
    """Write the bundle folder (challenge.yaml, ground truth, case subsets, data files) to `dest`."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for phase in challenge.phases.all():
        _write_stored(phase.ground_truth, dest / truth_name(phase))
        rows = "".join(f"{c},{s}\n" for c, s in phase.cases.order_by("order").values_list("case_id", "subset"))
        (dest / "phases" / phase.slug).mkdir(parents=True, exist_ok=True)
        (dest / "phases" / phase.slug / "cases.csv").write_text("case_id,subset\n" + rows)
    for data in challenge.data_files.all():
        _write_stored(data.file, dest / data.name)
    (dest / "challenge.yaml").write_text(yaml.safe_dump(challenge_spec(challenge), sort_keys=False, allow_unicode=True))
    return dest


def export_zip(challenge: Challenge) -> bytes:
    tmp = Path(tempfile.mkdtemp(prefix="podium-export-"))
    try:
        root = export_bundle(challenge, tmp / challenge.slug)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in sorted(root.rglob("*")):
                if f.is_file():
                    zf.write(f, f.relative_to(root))
        return buffer.getvalue()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _digest(field) -> str:
    with field.open("rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def fingerprint(challenge: Challenge) -> dict:
    """Everything that makes a challenge what it is (no ids or timestamps): equal challenges, equal dicts."""
    spec = challenge_spec(challenge)
    for phase, p in zip(challenge.phases.all(), spec["phases"], strict=True):
        p.pop("cases")
        p["case_subsets"] = list(phase.cases.order_by("order").values_list("case_id", "subset"))
        p["ground_truth_sha256"] = _digest(phase.ground_truth)
    spec["data_sha256"] = {d.name: _digest(d.file) for d in challenge.data_files.all()}
    spec["public_cases"] = Case.objects.filter(phase__challenge=challenge, subset="public").count()
    return spec
