"""`evaluate_folders`: score folders (or zips) of predicted label maps against a folder of references.

This is what ``podium eval --task segmentation`` calls: one row per (entry, case, label) with every
requested metric and every per-case count, ready for the statistics engine or a CSV.
"""

from __future__ import annotations

import pandas as pd

from ..problems import InvalidInput
from .results import SegmentationScores
from .scoring import check_metrics
from .task import SegmentationTask


def score_folders(reference_dir, prediction_dirs: dict, metrics=None, on_invalid: str = "raise", **config):
    """Score each entry: (task, truth, {entry: SegmentationScores}, {entry: [Problem]}).

    reference_dir: folder (or zip) of reference label maps. prediction_dirs: {entry name: folder or zip}.
    metrics: names from `scoring.ALL_METRICS` (None: all). on_invalid: ``"raise"`` (InvalidInput for the
    first invalid entry, listing all its problems) or ``"skip"`` (leave it out, report its problems).
    config: `SegmentationTask` keyword arguments (labels, spacing, tolerance_mm, hd_percentile, ...).
    """
    metrics = check_metrics(metrics)
    task = SegmentationTask(**config)
    truth = task.read_truth(reference_dir)
    scores, problems = {}, {}
    for entry, source in prediction_dirs.items():
        predictions, found = task.validate_predictions(source, truth.case_ids, truth)
        if found:
            if on_invalid == "raise":
                raise InvalidInput(found, f"predictions of {entry}")
            problems[entry] = found
            continue
        scores[entry] = task.score_cases(truth, predictions, metrics)
    return task, truth, scores, problems


def scores_frame(scores: dict[str, SegmentationScores]) -> pd.DataFrame:
    """Long table: one row per (entry, case_id, label), metric columns, then count columns and state."""
    frames = []
    for entry, s in scores.items():
        n, n_labels = len(s.case_ids), len(s.labels)
        data = {"entry": [entry] * (n * n_labels),
                "case_id": [c for c in s.case_ids for _ in s.labels],
                "label": [v for _ in s.case_ids for v in s.labels]}
        data.update({m: v.reshape(-1) for m, v in s.values.items()})
        data.update({m: v.reshape(-1) for m, v in s.counts.items()})
        data["state"] = s.state.reshape(-1)
        frames.append(pd.DataFrame(data))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["entry", "case_id", "label"])


def summarise(task: SegmentationTask, scores: dict[str, SegmentationScores], metrics) -> pd.DataFrame:
    """Point estimates: one row per entry, one column per metric (per-case metrics averaged over cases
    and labels; aggregate metrics such as ``global_dice`` from summed counts), via `case_statistic`,
    the same objects the bootstrap engine resamples."""
    rows = {entry: {m: task.case_statistic(s, m).point() for m in metrics} for entry, s in scores.items()}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(metrics))


def evaluate_folders(reference_dir, prediction_dirs: dict, metrics=None, on_invalid: str = "raise", **config) -> pd.DataFrame:
    """Per-case values and counts of each entry's predicted label maps (see `score_folders`).

    Returns a DataFrame with one row per (entry, case_id, label): the metric columns, the count columns
    (`scoring.COUNT_NAMES`) and the empty ``state`` (plus ``label_name`` when labels were given as
    {value: name}); ``frame.attrs["problems"]`` holds the problems of
    skipped entries (on_invalid="skip") as {entry: [Problem.to_dict()]}.
    """
    task, _, scores, problems = score_folders(reference_dir, prediction_dirs, metrics, on_invalid, **config)
    frame = scores_frame(scores)
    if task.label_names:
        frame.insert(3, "label_name", frame["label"].map(task.label_names))
    frame.attrs["problems"] = {e: [p.to_dict() for p in ps] for e, ps in problems.items()}
    return frame
