"""Group-level (subject-level by default) splits, stratified and seeded, stored as JSON split files.

Every case of a group lands in the same split, so no subject leaks between training and validation.
Stratification: each group takes the most common value of ``stratify`` among its cases; within each
stratum the groups are shuffled with ``numpy.random.default_rng(seed)`` and cut by the fractions
(largest-remainder rounding), so each split's strata proportions match the whole to within one group.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from . import sample as S

SPLIT_FORMAT = "podium-split/1"


def _counts(n: int, fractions: dict[str, float]) -> dict[str, int]:
    total = sum(fractions.values())
    raw = {k: n * v / total for k, v in fractions.items()}
    out = {k: int(np.floor(v)) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: (-(raw[k] - out[k]), list(raw).index(k)))[: n - sum(out.values())]:
        out[k] += 1
    return out


def split_cases(samples: list[dict], fractions: dict[str, float] | None = None, by: str = "subject",
                stratify: str | None = None, seed: int = 0) -> dict:
    """Split ``samples`` into named parts.

    fractions: e.g. ``{"train": 0.8, "val": 0.2}`` (normalised to sum 1).
    by: dotted key whose value defines a group (``subject``, ``meta.site`` ...).
    stratify: dotted key of the value to balance (``meta.label``), or None.
    Returns a split dict: ``{"format", "seed", "by", "stratify", "fractions", "splits": {name: [case ids]}}``.
    """
    fractions = fractions or {"train": 0.8, "val": 0.2}
    groups: dict = defaultdict(list)
    for s in samples:
        groups[str(S.get(s, by))].append(s)
    strata: dict = defaultdict(list)
    for g, members in sorted(groups.items()):
        key = Counter(str(S.get(m, stratify)) for m in members).most_common(1)[0][0] if stratify else ""
        strata[key].append(g)
    rng = np.random.default_rng(seed)
    parts: dict[str, list[str]] = {name: [] for name in fractions}
    for key in sorted(strata):
        names = [strata[key][i] for i in rng.permutation(len(strata[key]))]
        start = 0
        for name, count in _counts(len(names), fractions).items():
            for g in names[start:start + count]:
                parts[name].extend(m["case_id"] for m in groups[g])
            start += count
    return {"format": SPLIT_FORMAT, "seed": seed, "by": by, "stratify": stratify, "fractions": fractions,
            "splits": {k: sorted(v) for k, v in parts.items()}}


def save_split(split: dict, path) -> Path:
    """Write a split dict as JSON."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(split, indent=1), encoding="utf-8")
    return path


def load_split(path) -> dict:
    """Read a split file; check that no case id appears in two parts."""
    split = json.loads(Path(path).read_text(encoding="utf-8"))
    if split.get("format") != SPLIT_FORMAT or "splits" not in split:
        raise ValueError(f"{path}: not a split file (expected format {SPLIT_FORMAT!r})")
    seen: dict[str, str] = {}
    for name, ids in split["splits"].items():
        for c in ids:
            if c in seen:
                raise ValueError(f"{path}: case {c!r} is in both {seen[c]!r} and {name!r}")
            seen[c] = name
    return split


def select(samples: list[dict], split: dict, part: str) -> list[dict]:
    """The samples of one part, in the split file's order."""
    by_id = {s["case_id"]: s for s in samples}
    missing = [c for c in split["splits"][part] if c not in by_id]
    if missing:
        raise KeyError(f"split part {part!r} names {len(missing)} unknown case(s), e.g. {missing[:3]}")
    return [by_id[c] for c in split["splits"][part]]
