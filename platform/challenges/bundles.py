"""Challenge bundles: a folder with `challenge.yaml` and the data files it names.

    version: 1
    slug: breast-cancer
    title: Breast cancer diagnosis from fine-needle aspirates
    description: Markdown text
    phases:
      - slug: test
        title: Test phase
        task: binary                 # a task type of mlcore.eval
        ground_truth: test/truth.csv # case_id,label (hidden)
        cases: test/cases.csv        # optional: case_id,subset (public|private); default all public
        metrics: [auc]               # the first is the primary metric
        bootstrap: {resamples: 1000, seed: 1234}
"""

from __future__ import annotations

from pathlib import Path

import yaml
from django.core.files.base import ContentFile
from django.db import transaction

from mlcore.eval import InvalidInput, get_task
from mlcore.eval.tables import read_case_table

from .models import Case, Challenge, Phase


class BundleError(ValueError):
    """A bundle with problems; `problems` lists each one as 'file: field: message'."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("the challenge bundle is invalid:\n" + "\n".join(f"- {p}" for p in problems))


def _read_phase(root: Path, index: int, spec: dict, problems: list[str]):
    where = f"challenge.yaml: phases[{index}]"
    for key in ("slug", "title", "task", "ground_truth"):
        if not spec.get(key):
            problems.append(f"{where}.{key}: required, not found")
    if any(not spec.get(k) for k in ("task", "ground_truth")):
        return None
    try:
        task = get_task(spec["task"])
    except KeyError as exc:
        problems.append(f"{where}.task: {exc.args[0]}")
        return None
    metrics = spec.get("metrics") or [task.default_metric]
    unknown = [m for m in metrics if m not in task.metrics]
    if unknown:
        problems.append(f"{where}.metrics: unknown metric(s) {', '.join(unknown)}; expected some of {', '.join(task.metrics)}")
    truth_path = root / spec["ground_truth"]
    if not truth_path.is_file():
        problems.append(f"{where}.ground_truth: file {spec['ground_truth']} not found in the bundle")
        return None
    try:
        truth = task.read_truth(truth_path)
    except InvalidInput as exc:
        problems.extend(f"{spec['ground_truth']}: {p.message}" for p in exc.problems)
        return None
    subsets = {c: Case.Subset.PUBLIC for c in truth.case_ids}
    if spec.get("cases"):
        frame, case_problems = read_case_table(root / spec["cases"], ["subset"])
        problems.extend(f"{spec['cases']}: {p.message}" for p in case_problems)
        if frame is not None:
            for case_id, subset in zip(frame["case_id"], frame["subset"], strict=True):
                if case_id not in subsets or subset not in Case.Subset.values:
                    problems.append(f"{spec['cases']}: case {case_id!r} subset {subset!r}: expected a ground-truth case and public|private")
                else:
                    subsets[case_id] = subset
    boot = spec.get("bootstrap") or {}
    return {
        "slug": spec["slug"], "title": spec["title"], "task_type": task.name, "metrics": metrics,
        "bootstrap_resamples": int(boot.get("resamples", 1000)), "seed": int(boot.get("seed", 1234)),
        "truth_bytes": truth_path.read_bytes(), "cases": [(c, subsets[c]) for c in truth.case_ids],
    }


def import_bundle(path) -> Challenge:
    """Create a challenge from a bundle folder; raise BundleError listing every problem."""
    root = Path(path)
    manifest = root / "challenge.yaml"
    if not manifest.is_file():
        raise BundleError([f"{root}: no challenge.yaml found"])
    try:
        spec = yaml.safe_load(manifest.read_text()) or {}
    except yaml.YAMLError as exc:
        raise BundleError([f"challenge.yaml: not valid YAML: {exc}"]) from None
    problems = [f"challenge.yaml: {k}: required, not found" for k in ("slug", "title", "phases") if not spec.get(k)]
    phases = [_read_phase(root, i, p, problems) for i, p in enumerate(spec.get("phases") or [])]
    if spec.get("slug") and Challenge.objects.filter(slug=spec["slug"]).exists():
        problems.append(f"challenge.yaml: slug: a challenge {spec['slug']!r} already exists")
    if problems:
        raise BundleError(problems)
    with transaction.atomic():
        challenge = Challenge.objects.create(slug=spec["slug"], title=spec["title"], description=spec.get("description", ""))
        for p in phases:
            truth_bytes, cases = p.pop("truth_bytes"), p.pop("cases")
            phase = Phase(challenge=challenge, **p)
            phase.ground_truth.save(f"{challenge.slug}-{phase.slug}.csv", ContentFile(truth_bytes), save=False)
            phase.save()
            Case.objects.bulk_create(Case(phase=phase, case_id=c, order=i, subset=s) for i, (c, s) in enumerate(cases))
    return challenge
