"""Challenge bundles: every problem listed with file, field and line; export and re-import give an
equal challenge; the demo bundle imports with its real case counts."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from challenges.bundle_export import export_bundle, export_zip, fingerprint
from challenges.bundles import BundleError, import_bundle
from challenges.demo import build_bundle
from challenges.models import Case, Challenge

pytestmark = pytest.mark.django_db

# Line numbers matter: the test below names the line of each error.
BROKEN_YAML = """\
version: 3
slug: Bad Slug!
title: ''
requires_approval: maybe
colour: blue
phases:
  - slug: p1
    title: First
    task: ranking
    ground_truth: truth.csv
  - slug: p2
    title: Second
    task: binary
    ground_truth: truth.csv
    metrics: [auc, fun]
    ranking: best-of-three
    bootstrap: {resamples: 5, seed: -1}
    submission_kinds: carrier-pigeon
    limits: {per_day: lots}
    opens: 2027-05-01T00:00:00+00:00
    closes: 2027-04-01T00:00:00+00:00
    leaderboard: secret
    time_limit: 10
    data: [{path: ../etc/passwd, kind: training}, {path: missing.csv, kind: training}]
  - slug: p2
    title: Third
    task: binary
    ground_truth: labels.csv
"""


def test_a_bundle_with_many_errors_lists_each_with_file_field_and_line(tmp_path):
    (tmp_path / "truth.csv").write_text("case_id,label\na,1\nb,0\n")
    (tmp_path / "labels.csv").write_text("case_id,label\na,1\nb,2\nc,0\n")
    (tmp_path / "challenge.yaml").write_text(BROKEN_YAML)
    with pytest.raises(BundleError) as err:
        import_bundle(tmp_path)
    got = {(p.file, p.field, p.line) for p in err.value.problems}
    expected = {
        ("challenge.yaml", "version", 1), ("challenge.yaml", "slug", 2), ("challenge.yaml", "title", 3),
        ("challenge.yaml", "requires_approval", 4), ("challenge.yaml", "colour", 5),
        ("challenge.yaml", "phases[0].task", 9), ("challenge.yaml", "phases[1].metrics", 15),
        ("challenge.yaml", "phases[1].ranking", 16), ("challenge.yaml", "phases[1].bootstrap.resamples", 17),
        ("challenge.yaml", "phases[1].bootstrap.seed", 17), ("challenge.yaml", "phases[1].submission_kinds", 18),
        ("challenge.yaml", "phases[1].limits.per_day", 19), ("challenge.yaml", "phases[1].closes", 21),
        ("challenge.yaml", "phases[1].leaderboard", 22), ("challenge.yaml", "phases[1].time_limit", 23),
        ("challenge.yaml", "phases[1].data[0].path", 24), ("challenge.yaml", "phases[1].data[1].path", 24),
        ("challenge.yaml", "phases[2].slug", 25), ("labels.csv", "label", 3),
    }
    assert expected <= got, sorted(expected - got)
    messages = "\n".join(str(p) for p in err.value.problems)
    assert "challenge.yaml:9: phases[0].task: unknown task type 'ranking'" in messages
    assert "phases[1].metrics: unknown metric(s) fun" in messages
    assert "phases[1].closes: must be after opens (2027-05-01T00:00:00+00:00)" in messages
    assert "labels.csv:3: label: labels must be 0 or 1; found other values for case(s) b" in messages
    assert Challenge.objects.count() == 0


def test_invalid_yaml_names_its_line(tmp_path):
    (tmp_path / "challenge.yaml").write_text("slug: x\ntitle: [unclosed\nphases: []\n")
    with pytest.raises(BundleError) as err:
        import_bundle(tmp_path)
    assert err.value.problems[0].file == "challenge.yaml" and "not valid YAML" in err.value.problems[0].message
    assert err.value.problems[0].line in (2, 3, 4)


def test_demo_bundle_imports_the_breast_cancer_test_split(tmp_path):
    challenge = import_bundle(build_bundle(tmp_path / "b"))
    phase = challenge.phases.get()
    # scikit-learn's set: 569 cases, 212 malignant; 200 test cases keep the class ratio (stratified).
    truth = phase.read_truth()
    assert len(truth.case_ids) == 200 and phase.case_ids == truth.case_ids
    assert int(truth.values.sum()) == round(200 * 212 / 569)
    assert phase.cases.filter(subset=Case.Subset.PUBLIC).count() == 100
    train = challenge.data_files.get(kind="training").file.read().decode().splitlines()
    assert len(train) - 1 == 369 and "label" in train[0]
    inputs = phase.data_files.get(kind="public_input").file.read().decode().splitlines()
    assert len(inputs) - 1 == 200 and "label" not in inputs[0]


def test_export_and_reimport_give_an_equal_challenge(tmp_path):
    original = import_bundle(build_bundle(tmp_path / "b"))
    phase = original.phases.get()
    phase.limit_per_day, phase.leaderboard_visibility = 3, "private_until_end"
    phase.save()
    before = fingerprint(original)
    archive = export_zip(original)
    original.delete()
    again = import_bundle(io.BytesIO(archive))
    assert fingerprint(again) == before
    # and a folder export of the re-imported challenge holds the same hidden truth bytes
    folder = export_bundle(again, tmp_path / "exported")
    assert (folder / "hidden" / "truth.csv").read_bytes() == (tmp_path / "b" / "hidden" / "truth.csv").read_bytes()


def test_zip_entries_outside_the_bundle_are_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("challenge.yaml", "slug: x\n")
        zf.writestr("../evil.txt", "x")
    with pytest.raises(BundleError, match="inside the bundle"):
        import_bundle(io.BytesIO(buffer.getvalue()))
    assert not (Path(tmp_path).parent / "evil.txt").exists()


def test_import_command_reports_problems(tmp_path):
    (tmp_path / "challenge.yaml").write_text("slug: x\n")
    with pytest.raises(CommandError, match="challenge.yaml:1: phases: expected a non-empty list"):
        call_command("import_challenge", str(tmp_path))
