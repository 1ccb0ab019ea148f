"""The segmentation Task: reads reference and predicted label maps, validates them, scores them.

Ground truth is a folder of label maps (one file per case, file name = case id); predictions are a
folder or a zip of the same. Validation reports every problem at once: missing, extra and duplicated
cases, unreadable files, label values outside the phase's labels and geometry mismatches (shape,
spacing, orientation; both geometries in the message). Scoring gives per-case values and counts
(`SegmentationScores`); `case_statistic` turns them into what the bootstrap engine resamples.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..problems import InvalidInput, Problem, format_ids
from ..resampling import MeanOfCases
from ..tasks import Task
from . import statistics as st
from .io import LabelMap
from .metrics import AGGREGATE_BASE, metric_records
from .policy import EmptyPolicy
from .results import SegmentationScores
from .scoring import ScoringOptions, check_metrics, labels_present, score_case
from .sources import CaseFile, list_case_files


@dataclass(frozen=True)
class LabelMapSet:
    """Label-map files aligned to a case order; arrays are read on demand (`load`).

    case_ids: (N,) in order; files: {case_id: CaseFile}; geometries: {case_id: Geometry};
    labels: label values found (references) or checked (predictions); spacing: mm for NumPy files.
    """

    case_ids: tuple[str, ...]
    files: dict[str, CaseFile]
    geometries: dict
    labels: tuple[int, ...]
    spacing: tuple[float, ...] | None = None

    def load(self, case_id: str) -> LabelMap:
        return self.files[case_id].read(self.spacing)


class SegmentationTask(Task):
    """Segmentation of label maps (2D or 3D, binary or multi-label).

    labels: label values to score, or {value: name} (None: every non-zero value in the references; 1
    when they are all background).
    spacing: mm per axis for .npy/.npz references (None: 1 mm). tolerance_mm: NSD tolerance (1.0).
    hd_percentile: percentile of ``hd95`` (95). area_weighted: weight boundary voxels by face area (False).
    empty_policy: overrides of the empty-mask rules ({metric: {state: value}}; see `policy`).
    distance_worst: value of distance metrics when one mask is empty, mm (None: the image diagonal).
    connectivity, min_overlap_voxels, min_overlap_fraction: lesion rule (full connectivity, any overlap).
    spacing_tolerance: relative spacing difference accepted between reference and prediction (1e-3).
    direction_tolerance: absolute direction-cosine difference accepted (1e-3).
    """

    name = "segmentation"
    default_metric = "dice"

    def __init__(self, labels=None, spacing=None, tolerance_mm: float = 1.0, hd_percentile: float = 95.0,
                 area_weighted: bool = False, empty_policy: Mapping | None = None, distance_worst: float | None = None,
                 connectivity: int | None = None, min_overlap_voxels: int = 1, min_overlap_fraction: float = 0.0,
                 spacing_tolerance: float = 1e-3, direction_tolerance: float = 1e-3):
        # keys may arrive as strings from JSON phase settings ({"1": "liver"})
        self.label_names = {int(k): str(v) for k, v in labels.items()} if isinstance(labels, Mapping) else None
        self.labels = None if labels is None else tuple(sorted(int(v) for v in labels))
        if self.labels is not None and any(v <= 0 for v in self.labels):
            raise ValueError(f"labels must be positive integers (0 is background), got {self.labels}")
        self.spacing = None if spacing is None else tuple(float(s) for s in np.atleast_1d(spacing))
        self.options = ScoringOptions(tolerance_mm, hd_percentile, area_weighted, connectivity, min_overlap_voxels,
                                      min_overlap_fraction, EmptyPolicy(empty_policy, distance_worst))
        self.spacing_tolerance = spacing_tolerance
        self.direction_tolerance = direction_tolerance
        self.metrics = metric_records()

    # -- reading --------------------------------------------------------------------------------
    def _read_all(self, files: dict[str, CaseFile], case_ids, problems: list[Problem], what: str):
        """Read every file once: geometries and label values per case; unreadable files become problems."""
        geometries, found = {}, {}
        for case in case_ids:
            try:
                label_map = files[case].read(self.spacing)
            except Exception as exc:  # any reader failure is the file's problem, reported with the rest
                problems.append(Problem("unreadable_file", f"{what} {files[case].name} cannot be read as a label map: {exc}", (case,)))
                continue
            geometries[case] = label_map.geometry
            arr = label_map.array
            if arr.dtype != bool and arr.size and arr.min() < 0:
                problems.append(Problem("bad_labels", f"{what} {files[case].name} has negative label values", (case,)))
                continue
            found[case] = labels_present(arr)
        return geometries, found

    def read_truth(self, source, case_ids=None) -> LabelMapSet:
        """Reference label maps of a folder (or zip), in `case_ids` order (None: sorted file names).

        Raises InvalidInput listing every problem (unreadable files, missing cases, labels outside
        the configured labels).
        """
        files, problems = list_case_files(source)
        if case_ids is None:
            case_ids = sorted(files)
            if not case_ids and not problems:
                problems.append(Problem("empty_file", f"no label maps in {source}"))
        missing = [c for c in case_ids if c not in files]
        if missing:
            problems.append(Problem("missing_cases", f"expected {len(case_ids)} reference label maps, found "
                                    f"{len(case_ids) - len(missing)}; missing: {format_ids(missing)}", tuple(missing)))
        geometries, found = self._read_all(files, [c for c in case_ids if c in files], problems, "reference")
        present = set().union(*found.values()) if found else set()
        if self.labels is not None:
            outside = {c: sorted(v - set(self.labels)) for c, v in found.items() if v - set(self.labels)}
            for case, values in outside.items():
                problems.append(Problem("unknown_labels", f"reference {files[case].name} has label value(s) {values}; "
                                        f"expected {list(self.labels)} and 0 for background", (case,)))
        if problems:
            raise InvalidInput(problems, "ground truth")
        # references that are all background still score label 1, so false positives are seen
        labels = self.labels if self.labels is not None else tuple(sorted(present)) or (1,)
        return LabelMapSet(tuple(case_ids), {c: files[c] for c in case_ids}, geometries, labels, self.spacing)

    def validate_predictions(self, source, case_ids, truth: LabelMapSet | None = None, metrics=()):
        """Predicted label maps of a folder or zip aligned to `case_ids`: (LabelMapSet or None, problems).

        truth: the references, for geometry checks and the label set (without it, only cases, files
        and the configured labels are checked). metrics: accepted for the base Task's signature
        (``validate_predictions(source, case_ids, metrics)``); a tuple of metric names in the place of
        `truth` is read as metrics. Every problem is reported at once.
        """
        if truth is not None and not isinstance(truth, LabelMapSet):
            truth, metrics = None, truth
        for m in metrics or ():
            self.metric(m)  # an unknown metric name is a caller error (KeyError naming the metrics)
        files, problems = list_case_files(source)
        case_ids = list(case_ids)
        expected = set(case_ids)
        missing = [c for c in case_ids if c not in files and not any(p.code == "duplicate_cases" and c in p.case_ids for p in problems)]
        extra = sorted(c for c in files if c not in expected)
        if missing:
            problems.append(Problem("missing_cases", f"expected {len(case_ids)} predicted label maps, found "
                                    f"{len(case_ids) - len(missing)}; missing: {format_ids(missing)}", tuple(missing)))
        if extra:
            problems.append(Problem("extra_cases", f"{len(extra)} file(s) name no case of this phase: {format_ids(extra)}", tuple(extra)))
        present = [c for c in case_ids if c in files]
        geometries, found = self._read_all(files, present, problems, "prediction")
        allowed = truth.labels if truth is not None and self.labels is None else self.labels
        if allowed is not None:
            for case, values in found.items():
                bad = sorted(values - set(allowed))
                if bad:
                    problems.append(Problem("unknown_labels", f"prediction {files[case].name} has label value(s) {bad}; "
                                            f"expected {list(allowed)} and 0 for background", (case,)))
        if truth is not None:
            for case, geometry in geometries.items():
                ref = truth.geometries.get(case)
                why = ref.mismatch(geometry, self.spacing_tolerance, self.direction_tolerance) if ref else None
                if why:
                    problems.append(Problem("geometry_mismatch", f"prediction {files[case].name} does not match its reference "
                                            f"({why}): prediction {geometry.describe()}; reference {ref.describe()}", (case,)))
        if problems:
            return None, problems
        labels = allowed if allowed is not None else tuple(sorted(set().union(*found.values()) if found else set()))
        return LabelMapSet(tuple(case_ids), {c: files[c] for c in case_ids}, geometries, tuple(labels), self.spacing), []

    def read_predictions(self, source, case_ids, truth: LabelMapSet | None = None, metrics=()) -> LabelMapSet:
        """`validate_predictions`, raising InvalidInput listing every problem."""
        predictions, problems = self.validate_predictions(source, case_ids, truth, metrics)
        if problems:
            raise InvalidInput(problems, "predictions")
        return predictions

    # -- scoring --------------------------------------------------------------------------------
    def score_pair(self, reference: LabelMap, prediction: LabelMap, labels=None, metrics=None):
        """`CaseScores` of one case; spacing from the reference's header (or the configured one)."""
        return score_case(reference.array, prediction.array, reference.geometry.spacing, labels or self.labels,
                          metrics, self.options)

    def score_cases(self, truth: LabelMapSet, predictions: LabelMapSet, metrics=None) -> SegmentationScores:
        """Per-case values and counts of every case, in `truth.case_ids` order (reads one case at a time).

        metrics: per-case or aggregate metric names (None: every per-case metric); an aggregate name
        adds its per-case counterpart. Every count of `scoring.COUNT_NAMES` is always computed, lesion
        counts included, so any aggregate metric can be resampled from the stored arrays later.
        """
        if metrics is not None:
            metrics = [AGGREGATE_BASE.get(m, m) for m in ((metrics,) if isinstance(metrics, str) else metrics)]
            metrics = list(dict.fromkeys(metrics))
        metrics = check_metrics(metrics)
        cases = [score_case(truth.load(c).array, predictions.load(c).array, truth.geometries[c].spacing,
                            truth.labels, metrics, self.options, lesion_counts=True) for c in truth.case_ids]
        return SegmentationScores.stack(truth.case_ids, cases)

    def to_dict(self) -> dict:
        """The task's configuration, recorded with every evaluation so a score can be reproduced."""
        o = self.options
        return {"name": self.name, "labels": None if self.labels is None else list(self.labels),
                "label_names": self.label_names, "spacing": self.spacing, "tolerance_mm": o.tolerance_mm,
                "hd_percentile": o.hd_percentile, "area_weighted": o.area_weighted, "connectivity": o.connectivity,
                "min_overlap_voxels": o.min_overlap_voxels, "min_overlap_fraction": o.min_overlap_fraction,
                "empty_policy": o.policy.describe(), "boundary": "mask minus its face-connected erosion",
                "spacing_tolerance": self.spacing_tolerance, "direction_tolerance": self.direction_tolerance}

    def case_statistic(self, scores: SegmentationScores, metric: str, label: int | None = None):
        """What the bootstrap engine resamples for `metric` (one label, or all labels averaged).

        Per-case metrics: the mean of per-case values (`MeanOfCases`, or `MeanOfDefinedCases` when the
        policy leaves some cases undefined). Aggregate metrics (`AGGREGATE_METRICS`): ratios of counts
        summed over the resampled cases.
        """
        cols = slice(None) if label is None else [scores.labels.index(int(label))]
        c = {k: v[:, cols] for k, v in scores.counts.items()}
        if metric in AGGREGATE_BASE:
            if metric.startswith("pooled_lesion") and np.isnan(c["lesion_tp"]).any():
                raise ValueError(f"{metric} needs lesion counts; these scores were made without them")
            # when no drawn case has any voxel (or lesion) of a label: the per-case both-empty value
            empty = self.options.policy.apply(AGGREGATE_BASE[metric], "both_empty", float("nan"), 0.0)
            if metric == "global_dice":
                return st.global_dice(c["tp"], c["fp"], c["fn"], empty)
            if metric == "global_iou":
                return st.global_iou(c["tp"], c["fp"], c["fn"], empty)
            if metric == "pooled_lesion_f1":
                return st.pooled_lesion_f1(c["lesion_tp"], c["lesion_fp"], c["lesion_fn"], empty)
            if metric == "pooled_lesion_precision":
                return st.pooled_lesion_precision(c["lesion_tp"], c["lesion_fp"], empty)
            return st.pooled_lesion_recall(c["lesion_tp"], c["lesion_fn"], empty)
        if metric not in scores.values:
            self.metric(metric)  # unknown name: KeyError naming the metrics
            raise ValueError(f"{metric} was not computed for these scores (computed: {', '.join(scores.values)})")
        values = scores.per_case(metric, label)
        return st.MeanOfDefinedCases(values) if np.isnan(values).any() else MeanOfCases(values)

    def score(self, truth: LabelMapSet, predictions, metric: str | None = None) -> float:
        """Point estimate of one metric: `predictions` is a LabelMapSet or `SegmentationScores`."""
        metric = metric or self.default_metric
        if metric not in self.metrics:
            self.metric(metric)  # raises KeyError naming the metrics
        scores = predictions if isinstance(predictions, SegmentationScores) else self.score_cases(truth, predictions)
        return self.case_statistic(scores, metric).point()
