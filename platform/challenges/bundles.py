"""Challenge bundles: a folder or zip with `challenge.yaml` (see bundle_schema.py) and its data files.

`import_bundle` creates a challenge, refusing a bundle with problems (all listed, with file, field and
line); `export_bundle` writes an equivalent bundle back.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path

import yaml
from django.core.files.base import ContentFile, File
from django.db import transaction

from .bundle_schema import check_bundle
from .bundle_yaml import BundleProblem, Reporter, line_index
from .models import Case, Challenge, DataFile, Phase

MAX_BUNDLE_BYTES = 2 * 1024**3


class BundleError(ValueError):
    """A bundle with problems; `problems` lists BundleProblem records, rendered by str()."""

    def __init__(self, problems: list[BundleProblem]):
        self.problems = problems
        super().__init__("the challenge bundle is invalid:\n" + "\n".join(f"- {p}" for p in problems))


@contextmanager
def opened_bundle(source):
    """A folder path for a bundle given as a folder, a zip path or a zip file object."""
    if isinstance(source, str | Path) and Path(source).is_dir():
        yield Path(source)
        return
    tmp = Path(tempfile.mkdtemp(prefix="podium-bundle-"))
    try:
        try:
            archive = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError) as exc:
            raise BundleError([BundleProblem("bundle", "", 0, f"expected a folder or a zip archive; {exc}")]) from None
        problems = []
        total = 0
        for info in archive.infolist():
            total += info.file_size
            if info.filename.startswith("/") or ".." in Path(info.filename).parts:
                problems.append(BundleProblem(info.filename, "", 0, "paths in the zip must stay inside the bundle"))
        if total > MAX_BUNDLE_BYTES:
            problems.append(BundleProblem("bundle", "", 0, f"unpacks to {total} bytes; the limit is {MAX_BUNDLE_BYTES}"))
        if problems:
            raise BundleError(problems)
        archive.extractall(tmp)
        roots = [p.parent for p in tmp.rglob("challenge.yaml")]
        yield min(roots, key=lambda p: len(p.parts)) if roots else tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def read_bundle(root: Path) -> dict:
    manifest = root / "challenge.yaml"
    if not manifest.is_file():
        raise BundleError([BundleProblem("challenge.yaml", "", 0, "not found at the top of the bundle")])
    text = manifest.read_text(encoding="utf-8", errors="replace")
    try:
        spec, lines = yaml.safe_load(text), line_index(text)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", -1) + 1
        raise BundleError([BundleProblem("challenge.yaml", "", line, f"not valid YAML: {getattr(exc, 'problem', exc)}")]) from None
    reporter = Reporter(lines)
    checked = check_bundle(root, spec, reporter)
    if checked and Challenge.objects.filter(slug=checked["slug"]).exists():
        reporter.add(("slug",), f"a challenge {checked['slug']!r} already exists")
    if reporter.problems:
        raise BundleError(reporter.problems)
    return checked


def _save_file(field, name: str, source: Path) -> None:
    if source.is_dir():  # a folder of label maps is stored as one zip
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in sorted(source.rglob("*")):
                if f.is_file():
                    zf.write(f, f.relative_to(source))
        field.save(name + ".zip", ContentFile(buffer.getvalue()), save=False)
    else:
        with source.open("rb") as fh:
            field.save(Path(name).name, File(fh), save=False)


def import_bundle(source, owner=None) -> Challenge:
    """Create a challenge from a bundle folder or zip; raise BundleError listing every problem."""
    with opened_bundle(source) as root:
        spec = read_bundle(root)
        with transaction.atomic():
            challenge = Challenge.objects.create(
                slug=spec["slug"], title=spec["title"], description=spec["description"], terms=spec["terms"],
                requires_approval=spec["requires_approval"], bundle_version=spec["version"])
            if owner is not None:
                challenge.organizers.add(owner)
            phases = {}
            for p in spec["phases"]:
                fields = {k: v for k, v in p.items() if k not in ("truth_path", "cases", "data")}
                phase = Phase(challenge=challenge, **fields)
                _save_file(phase.ground_truth, f"{challenge.slug}-{phase.slug}-{Path(p['ground_truth_name']).name}", p["truth_path"])
                phase.save()
                Case.objects.bulk_create(Case(phase=phase, case_id=c, order=i, subset=s) for i, (c, s) in enumerate(p["cases"].items()))
                phases[phase.slug] = phase
            for d in spec["data"] + [d for p in spec["phases"] for d in p["data"]]:
                data = DataFile(challenge=challenge, phase=phases.get(d["phase"]), kind=d["kind"], name=d["name"], description=d["description"])
                _save_file(data.file, d["name"], d["source"])
                data.save()
    return challenge
