"""Challenge bundles: the demo bundle imports with its real case counts; a broken bundle lists every problem."""

from pathlib import Path

import pytest
import yaml

from challenges.bundles import BundleError, import_bundle
from challenges.demo import build_bundle
from challenges.models import Case

pytestmark = pytest.mark.django_db


def test_demo_bundle_imports_the_breast_cancer_test_split(tmp_path):
    challenge = import_bundle(build_bundle(tmp_path / "b"))
    phase = challenge.phases.get()
    # scikit-learn's set: 569 cases, 212 malignant; 200 test cases keep the class ratio (stratified).
    truth = phase.read_truth()
    assert len(truth.case_ids) == 200 and phase.case_ids == truth.case_ids
    assert int(truth.values.sum()) == round(200 * 212 / 569)
    assert phase.cases.filter(subset=Case.Subset.PUBLIC).count() == 100
    train = (tmp_path / "b" / "public" / "train.csv").read_text().splitlines()
    assert len(train) - 1 == 369 and "label" in train[0]
    assert "label" not in (tmp_path / "b" / "public" / "test_inputs.csv").read_text().splitlines()[0]


def test_a_broken_bundle_lists_every_problem(tmp_path):
    root = Path(tmp_path)
    (root / "truth.csv").write_text("case_id,label\na,1\nb,2\n")
    (root / "challenge.yaml").write_text(yaml.safe_dump({
        "slug": "x",
        "phases": [
            {"slug": "p1", "title": "P1", "task": "ranking", "ground_truth": "truth.csv"},
            {"slug": "p2", "title": "P2", "task": "binary", "ground_truth": "nowhere.csv"},
            {"slug": "p3", "title": "P3", "task": "binary", "ground_truth": "truth.csv", "metrics": ["auc", "fun"]},
        ],
    }))
    with pytest.raises(BundleError) as err:
        import_bundle(root)
    text = "\n".join(err.value.problems)
    assert "challenge.yaml: title: required" in text
    assert "phases[0].task: unknown task type 'ranking'" in text
    assert "phases[1].ground_truth: file nowhere.csv not found" in text
    assert "phases[2].metrics: unknown metric(s) fun" in text
    assert "truth.csv: labels must be 0 or 1; found other values for case(s) b" in text
