"""The phase's Task of mlcore.eval, configured from the phase, and the calls the platform makes on it.

Nothing here validates content or computes a metric: it only hands the phase's files to the Task
(`validate_predictions`, `read_truth`, `score`, `score_cases`) in the form each Task type takes. Tabular
tasks read file objects; the segmentation Task reads a folder or a zip on disk.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import json
import os
import shutil
import tempfile

import numpy as np
from django.core.files.base import ContentFile

from mlcore.eval import get_task

SEGMENTATION = "segmentation"


def task_for(phase):
    """The phase's Task with the options of `phase.task_options` that its constructor accepts."""
    base = get_task(phase.task_type)
    accepted = set(inspect.signature(type(base).__init__).parameters) - {"self"}
    options = {k: v for k, v in (phase.task_options or {}).items() if k in accepted}
    return get_task(phase.task_type, **options) if options else base


@contextlib.contextmanager
def local_path(field_file, suffix=""):
    """A path on local disk holding a stored file (a copy when the storage has no local paths)."""
    try:
        yield field_file.path
        return
    except NotImplementedError:
        pass
    fd, tmp = tempfile.mkstemp(prefix="podium-", suffix=suffix or os.path.splitext(field_file.name)[1])
    try:
        with os.fdopen(fd, "wb") as out, field_file.open("rb") as src:
            shutil.copyfileobj(src, out)
        yield tmp
    finally:
        os.unlink(tmp)


def read_truth(phase, task=None):
    """(task, truth): the hidden ground truth in the phase's case order, and the task configured for it
    (a multiclass task takes its classes from the truth when the phase does not name them)."""
    task = task or task_for(phase)
    if phase.task_type == SEGMENTATION:
        # Reading every reference (geometry, labels) is costly: keep the result per process, keyed by
        # everything it depends on. Reference files are read case by case later (LabelMapSet.load).
        key = (phase.pk, phase.ground_truth.name, _stamp(phase.ground_truth), json.dumps(phase.task_options, sort_keys=True),
               hash(phase.case_ids))
        if key not in _SEGMENTATION_TRUTHS:
            _SEGMENTATION_TRUTHS[key] = task.read_truth(_truth_on_disk(phase), list(phase.case_ids))
        return task, _SEGMENTATION_TRUTHS[key]
    with phase.ground_truth.open("rb") as fh:
        truth = task.read_truth(fh).subset(phase.case_ids)
    if hasattr(task, "for_truth") and getattr(task, "classes", None) is None:
        task = task.for_truth(truth)
    return task, truth


def _stamp(field_file) -> tuple:
    """Size and modification time of a stored file: a replaced file under the same name is a new key."""
    storage, name = field_file.storage, field_file.name
    try:
        return storage.size(name), storage.get_modified_time(name).timestamp()
    except (NotImplementedError, OSError):
        return (storage.size(name),)


_TRUTH_COPIES: dict[tuple, str] = {}
_SEGMENTATION_TRUTHS: dict[tuple, object] = {}


def _truth_on_disk(phase) -> str:
    """The reference folder or zip on local disk (a per-process copy when the storage is remote)."""
    try:
        return phase.ground_truth.path
    except NotImplementedError:
        pass
    key = (phase.pk, phase.ground_truth.name, _stamp(phase.ground_truth))
    if key not in _TRUTH_COPIES or not os.path.exists(_TRUTH_COPIES[key]):
        fd, copy = tempfile.mkstemp(prefix="podium-truth-", suffix=os.path.splitext(phase.ground_truth.name)[1])
        with os.fdopen(fd, "wb") as out, phase.ground_truth.open("rb") as src:
            shutil.copyfileobj(src, out)
        _TRUTH_COPIES[key] = copy
    return _TRUTH_COPIES[key]


def validate_predictions(phase, path: str, task_and_truth=None):
    """(values or None, problems) of a predictions file on disk, from the phase's Task.

    Segmentation predictions are checked against the references (labels, geometry); tabular ones
    against the case list and the metrics (probabilities where a metric needs them).
    task_and_truth: `read_truth(phase)` when the caller has it already.
    """
    task, truth = task_and_truth or read_truth(phase)
    if phase.task_type == SEGMENTATION:
        return task.validate_predictions(path, phase.case_ids, truth)
    with open(path, "rb") as fh:
        if phase.task_type == "multiclass":
            return task.validate_predictions(fh, phase.case_ids)
        return task.validate_predictions(fh, phase.case_ids, tuple(phase.metrics))


def predictions_file(submission):
    """The stored file that holds a submission's predictions: the upload, or a container run's outputs."""
    return submission.output_file if submission.kind == "container" else submission.file


def score_submission_file(submission) -> dict:
    """Score a stored submission: {metric: value} on all cases. Sets `submission.public_scores` (the same
    on the public-leaderboard cases) and stores aligned predictions (tabular, .npy) or per-case values and
    counts (segmentation, .npz) on the submission (not saved).

    Raises mlcore.eval.InvalidInput when the file no longer validates against the phase."""
    from mlcore.eval import InvalidInput

    phase = submission.phase
    task, truth = read_truth(phase)
    with local_path(predictions_file(submission)) as path:
        if phase.task_type == SEGMENTATION:
            predictions = task.read_predictions(path, phase.case_ids, truth)
            per_case_metrics = [m for m in phase.metrics if m in _segmentation_case_metrics()]
            cases = task.score_cases(truth, predictions, per_case_metrics or None)
            buffer = io.BytesIO()
            np.savez_compressed(buffer, **cases.to_arrays())
            submission.per_case.save(f"submission-{submission.pk}.npz", ContentFile(buffer.getvalue()), save=False)
            public = _public_rows(phase)
            submission.public_scores = {m: _finite(task.case_statistic(_case_rows(cases, public), m).point())
                                        for m in phase.metrics} if public is not None else None
            scores = {m: _finite(task.score(truth, cases, m)) for m in phase.metrics}
            submission.public_scores = scores if submission.public_scores is None else submission.public_scores
            return scores
        values, problems = validate_predictions(phase, path, (task, truth))
        if problems:
            raise InvalidInput(problems, "predictions")
    buffer = io.BytesIO()
    np.save(buffer, values)
    submission.predictions.save(f"submission-{submission.pk}.npy", ContentFile(buffer.getvalue()), save=False)
    scores = {m: _finite(task.score(truth, values, m)) for m in phase.metrics}
    public = _public_rows(phase)
    submission.public_scores = scores if public is None else {
        m: _finite(task.score(truth.subset([phase.case_ids[i] for i in public]), values[public], m)) for m in phase.metrics}
    return scores


def _public_rows(phase):
    """Rows (phase case order) of the public-leaderboard cases; None when every case is public."""
    subsets = list(phase.cases.order_by("order").values_list("subset", flat=True))
    rows = np.flatnonzero(np.array(subsets) == "public")
    return None if rows.size == len(subsets) else rows


def _case_rows(scores, rows):
    """Segmentation scores of some cases only (rows in phase case order)."""
    from mlcore.eval.segmentation.results import SegmentationScores

    return SegmentationScores(tuple(np.asarray(scores.case_ids)[rows]), scores.labels,
                              {m: v[rows] for m, v in scores.values.items()},
                              {m: c[rows] for m, c in scores.counts.items()}, scores.state[rows])


def _segmentation_case_metrics():
    from mlcore.eval.segmentation.scoring import ALL_METRICS

    return ALL_METRICS


def _finite(value) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


def stored_case_scores(submission, rows=None):
    """The submission's stored per-case values and counts (segmentation), for `rows` (phase case order)
    or all cases; None when there are none."""
    if not submission.per_case:
        return None
    from mlcore.eval.segmentation.results import SegmentationScores

    with submission.per_case.open("rb") as fh, np.load(fh, allow_pickle=False) as arrays:
        scores = SegmentationScores.from_arrays(arrays)
    return scores if rows is None else _case_rows(scores, rows)


def per_case_scores(submission, public_only: bool = False) -> dict | None:
    """{case_ids, values: {metric: [value per case]}} from the stored per-case file (segmentation), or
    None. public_only: the public-leaderboard cases only (participants while the phase runs)."""
    rows = _public_rows(submission.phase) if public_only else None
    scores = stored_case_scores(submission, rows)
    if scores is None:
        return None
    return {"case_ids": list(scores.case_ids),
            "values": {m: [None if np.isnan(v) else float(v) for v in scores.per_case(m)] for m in scores.values}}
