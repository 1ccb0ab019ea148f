"""Segmentation metrics: spacing-aware overlap, surface and lesion metrics with a stated edge policy.

Plain numpy/scipy (no torch). Array functions first:

- `score_case(reference, prediction, spacing, labels, metrics, options)`: every metric per label.
- `surface_distances` with `hausdorff`, `hausdorff_percentile`, `assd`, `masd`, `nsd`.
- `dice`, `iou`, `confusion_counts`, `lesion_counts`, `boundary`.

Then `SegmentationTask` (reading, validation, per-case scores and counts, bootstrap statistics) and
`evaluate_folders` for ``podium eval``. Definitions: docs/segmentation.md.
"""

from .boundary import boundary
from .distances import SurfaceDistances, assd, hausdorff, hausdorff_percentile, masd, nsd, surface_distances
from .lesions import LesionCounts, lesion_counts
from .overlap import confusion_counts, dice, iou
from .policy import EmptyPolicy, EmptyRule
from .scoring import ALL_METRICS, COUNT_NAMES, CaseScores, ScoringOptions, score_case

__all__ = [
    "ALL_METRICS", "COUNT_NAMES", "CaseScores", "EmptyPolicy", "EmptyRule", "LesionCounts", "ScoringOptions",
    "SurfaceDistances", "assd", "boundary", "confusion_counts", "dice", "hausdorff", "hausdorff_percentile",
    "iou", "lesion_counts", "masd", "nsd", "score_case", "surface_distances", "evaluate_folders", "SegmentationTask",
]


def __getattr__(name):
    # The task and folder scoring pull in the image readers' modules on first use only.
    if name == "SegmentationTask":
        from .task import SegmentationTask

        return SegmentationTask
    if name == "evaluate_folders":
        from .folders import evaluate_folders

        return evaluate_folders
    raise AttributeError(name)
