"""Phases of each task type for submission tests (binary c1..c6 from the factory; multiclass A/B/C;
regression; segmentation c1..c3 with the corpus's reference label maps)."""

from pathlib import Path

from django.core.files.base import ContentFile

from tests.platform.factories import CASES, PhaseFactory

CORPUS = Path(__file__).resolve().parent / "corpus"
MC_LABELS = ["A", "B", "C", "A", "B", "C"]
REG_TARGETS = [10.0, 12.5, 9.0, 14.0, 11.0, 13.5]


def binary_phase(**kw):
    return PhaseFactory(metrics=["auc", "brier"], **kw)


def multiclass_phase(**kw):
    truth = "case_id,label\n" + "".join(f"{c},{y}\n" for c, y in zip(CASES, MC_LABELS, strict=True))
    return PhaseFactory(task_type="multiclass", metrics=["auc_macro"], task_options={"classes": ["A", "B", "C"]},
                        ground_truth=ContentFile(truth.encode(), name="truth.csv"), **kw)


def regression_phase(**kw):
    truth = "case_id,label\n" + "".join(f"{c},{y}\n" for c, y in zip(CASES, REG_TARGETS, strict=True))
    return PhaseFactory(task_type="regression", metrics=["mae"], ground_truth=ContentFile(truth.encode(), name="truth.csv"), **kw)


def segmentation_phase(**kw):
    phase = PhaseFactory(task_type="segmentation", metrics=["dice"], task_options={"labels": [1, 2]},
                         ground_truth=ContentFile((CORPUS / "segmentation" / "truth.zip").read_bytes(), name="truth.zip"), **kw)
    phase.cases.filter(order__gte=3).delete()
    phase.__dict__.pop("case_ids", None)
    return phase


PHASES = {"binary": binary_phase, "multiclass": multiclass_phase, "regression": regression_phase, "segmentation": segmentation_phase}
