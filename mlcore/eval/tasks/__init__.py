"""Tasks: one object per task type that reads and validates ground truth and predictions.

Every reader returns all problems at once (see `problems.Problem`); the platform's upload validation,
container outputs, baseline validation and `podium eval` all go through these objects.
"""

from __future__ import annotations

from .base import GroundTruth, Task
from .binary import BinaryClassification, Regression
from .multiclass import MulticlassClassification

TASKS: dict[str, Task] = {t.name: t for t in (BinaryClassification(), MulticlassClassification(), Regression())}


def get_task(name: str, **options) -> Task:
    """The Task for a task type name (``binary``, ``multiclass``, ``regression``, ``segmentation``).

    options: constructor arguments for a configured instance (``classes=[...]`` for multiclass).
    """
    if name == "segmentation" and name not in TASKS:
        # Imported on demand: image readers (nibabel, SimpleITK) stay off the light path.
        from ..segmentation.task import SegmentationTask

        TASKS[name] = SegmentationTask()
    try:
        task = TASKS[name]
    except KeyError:
        raise KeyError(f"unknown task type {name!r}; expected one of {', '.join(TASKS)}") from None
    return type(task)(**options) if options else task


__all__ = ["GroundTruth", "Task", "BinaryClassification", "MulticlassClassification", "Regression", "TASKS", "get_task"]
