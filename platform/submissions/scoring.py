"""Scoring a submission's predictions with mlcore.eval (no metric is computed here)."""

import io

import numpy as np
from django.core.files.base import ContentFile


def score_predictions(submission) -> dict:
    """Read the stored file through the phase's Task, store aligned predictions, return {metric: value}."""
    phase = submission.phase
    task = phase.task
    truth = phase.read_truth()
    with submission.file.open("rb") as fh:
        values = task.read_predictions(fh, phase.case_ids)
    buffer = io.BytesIO()
    np.save(buffer, values)
    submission.predictions.save(f"submission-{submission.pk}.npy", ContentFile(buffer.getvalue()), save=False)
    return {name: task.score(truth, values, name) for name in phase.metrics}
