"""Empty-mask policy: the value each metric takes when the reference, the prediction or both are empty.

Defaults follow Metrics Reloaded (Maier-Hein et al., Nature Methods 2024):

| metric | both empty | reference empty only | prediction empty only |
|---|---|---|---|
| dice, iou | 1 | 0 | 0 |
| nsd | 1 | 0 | 0 |
| hausdorff, hd95, assd, masd | 0 | worst | worst |
| volume_difference | 0 (formula) | formula | formula |
| relative_volume_difference | 0 | NaN (undefined: excluded from means) | 1 (formula) |
| lesion_f1, lesion_dice | 1 | 0 | 0 |
| lesion_precision | 1 | 0 | 1 (no predicted lesion is wrong) |
| lesion_recall | 1 | 1 (no reference lesion is missed) | 0 |
| lesion_count_error | formula | formula | formula |

Distance metrics are undefined when exactly one mask is empty (Metrics Reloaded); for aggregation they
take the stated ``worst`` value, by default the diagonal of the image's field of view in mm
(sqrt(sum(((shape - 1) * spacing)²))), the largest distance two voxel centres of the image can have, or
a fixed number set by the organiser (``distance_worst``). A both-empty case is a correct empty
prediction, so distances take their best value 0. An entry here overrides the default:
``{"hd95": {"reference_empty": 373.1}}``; a value is a number, ``"worst"``, ``"nan"`` or ``None``
(use the formula's value).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

WORST = "worst"
FORMULA = None

#: Empty states of a (reference, prediction) pair.
BOTH_EMPTY, REFERENCE_EMPTY, PREDICTION_EMPTY, NEITHER_EMPTY = "both_empty", "reference_empty", "prediction_empty", "neither"


@dataclass(frozen=True)
class EmptyRule:
    """Values of one metric in the three empty states: a number, ``"worst"``, ``"nan"`` or None (formula)."""

    both_empty: float | str | None = FORMULA
    reference_empty: float | str | None = FORMULA
    prediction_empty: float | str | None = FORMULA


_DISTANCE = EmptyRule(0.0, WORST, WORST)
DEFAULT_RULES: dict[str, EmptyRule] = {
    "dice": EmptyRule(1.0, 0.0, 0.0),
    "iou": EmptyRule(1.0, 0.0, 0.0),
    "nsd": EmptyRule(1.0, 0.0, 0.0),
    "hausdorff": _DISTANCE,
    "hd95": _DISTANCE,
    "assd": _DISTANCE,
    "masd": _DISTANCE,
    "volume_difference": EmptyRule(),
    "relative_volume_difference": EmptyRule(0.0, "nan", FORMULA),
    "lesion_precision": EmptyRule(1.0, 0.0, 1.0),
    "lesion_recall": EmptyRule(1.0, 1.0, 0.0),
    "lesion_f1": EmptyRule(1.0, 0.0, 0.0),
    "lesion_dice": EmptyRule(1.0, 0.0, 0.0),
    "lesion_count_error": EmptyRule(),
}


def empty_state(reference_voxels: int, prediction_voxels: int) -> str:
    """Which of the four empty states a pair is in, from its voxel counts."""
    if reference_voxels == 0:
        return BOTH_EMPTY if prediction_voxels == 0 else REFERENCE_EMPTY
    return PREDICTION_EMPTY if prediction_voxels == 0 else NEITHER_EMPTY


class EmptyPolicy:
    """Per-metric empty-mask rules: defaults (`DEFAULT_RULES`) with overrides.

    overrides: {metric: EmptyRule or {state: value}}; metric names as in `DEFAULT_RULES` (``hd95`` also
    stands for any other percentile). distance_worst: the ``worst`` value of distance metrics in mm
    (None: the case's field-of-view diagonal).
    """

    def __init__(self, overrides: Mapping | None = None, distance_worst: float | None = None):
        self.rules = dict(DEFAULT_RULES)
        for metric, rule in (overrides or {}).items():
            if metric not in self.rules:
                raise KeyError(f"unknown metric {metric!r} in empty policy; expected one of {', '.join(self.rules)}")
            self.rules[metric] = rule if isinstance(rule, EmptyRule) else replace(self.rules[metric], **dict(rule))
        self.distance_worst = distance_worst

    def apply(self, metric: str, state: str, formula_value: float, worst: float) -> float:
        """The value of `metric` in `state`: the rule's value, or the formula's when the rule says so.

        worst: the case's worst value for this metric (used by ``"worst"``).
        """
        if state == NEITHER_EMPTY:
            return float(formula_value)
        rule = getattr(self.rules[metric], state)
        if rule is FORMULA:
            return float(formula_value)
        if rule == WORST:
            return float(worst)
        return float("nan") if rule == "nan" else float(rule)

    def describe(self) -> dict:
        """The rules as a plain dict (stored with results so a score can be reproduced)."""
        rules = {m: {"both_empty": r.both_empty, "reference_empty": r.reference_empty,
                     "prediction_empty": r.prediction_empty} for m, r in self.rules.items()}
        return {"rules": rules, "distance_worst": self.distance_worst}
