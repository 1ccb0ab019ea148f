"""Per-case segmentation scores of one entry, as the arrays the platform stores.

`SegmentationScores` holds, for N cases (the phase's order) and L labels, one (N, L) float array per
metric and per count (`scoring.COUNT_NAMES`). `to_arrays` / `from_arrays` round-trip it through a dict
of plain arrays (e.g. ``np.savez``), so the leaderboard never re-reads uploaded files. Aggregate
metrics (global Dice, pooled lesion F1) are rebuilt from the counts and resample correctly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .scoring import CaseScores


@dataclass(frozen=True)
class SegmentationScores:
    """case_ids: (N,); labels: (L,); values: {metric: (N, L)}; counts: {name: (N, L)}; state: (N, L) str."""

    case_ids: tuple[str, ...]
    labels: tuple[int, ...]
    values: dict[str, np.ndarray]
    counts: dict[str, np.ndarray]
    state: np.ndarray

    @classmethod
    def stack(cls, case_ids, cases: list[CaseScores]) -> SegmentationScores:
        """Stack per-case `CaseScores` (all scored on the same labels) into (N, L) arrays."""
        labels = cases[0].labels if cases else ()
        values = {m: np.array([c.values[m] for c in cases]).reshape(len(cases), len(labels)) for m in (cases[0].values if cases else {})}
        counts = {m: np.array([c.counts[m] for c in cases]).reshape(len(cases), len(labels)) for m in (cases[0].counts if cases else {})}
        state = np.array([c.state for c in cases], dtype=str).reshape(len(cases), len(labels))
        return cls(tuple(case_ids), tuple(labels), values, counts, state)

    def per_case(self, metric: str, label: int | None = None) -> np.ndarray:
        """(N,) values of a metric: for one label, or the mean over labels defined in the case."""
        values = self.values[metric]
        if label is not None:
            return values[:, self.labels.index(int(label))]
        defined = ~np.isnan(values)
        with np.errstate(invalid="ignore"):
            return np.where(defined.any(axis=1), np.nansum(values, axis=1) / np.maximum(defined.sum(axis=1), 1), np.nan)

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Flat dict of arrays: ``case_ids``, ``labels``, ``state``, ``value.<metric>``, ``count.<name>``."""
        out = {"case_ids": np.array(self.case_ids, dtype=str), "labels": np.array(self.labels, dtype=np.int64),
               "state": self.state}
        out.update({f"value.{m}": v for m, v in self.values.items()})
        out.update({f"count.{m}": v for m, v in self.counts.items()})
        return out

    @classmethod
    def from_arrays(cls, arrays) -> SegmentationScores:
        """Inverse of `to_arrays` (accepts an ``np.load`` result)."""
        values = {k[6:]: np.asarray(arrays[k]) for k in arrays.keys() if k.startswith("value.")}
        counts = {k[6:]: np.asarray(arrays[k]) for k in arrays.keys() if k.startswith("count.")}
        return cls(tuple(str(c) for c in arrays["case_ids"]), tuple(int(v) for v in arrays["labels"]), values, counts,
                   np.asarray(arrays["state"]))
