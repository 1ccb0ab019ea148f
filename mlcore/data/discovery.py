"""Data set discovery: a BIDS-style tree or a plain case table, both giving a list of sample dicts.

Sample layout: ``{"case_id", "subject", "data": {"input": {...}, "target": {...}}, "meta": {...}}``,
with image entries as absolute file paths (read later by `ops.LoadImage`).
"""

from __future__ import annotations

import re
from pathlib import Path

from .readers import read_records

_BIDS = re.compile(r"^(?P<subject>sub-[A-Za-z0-9]+)(_(?P<session>ses-[A-Za-z0-9]+))?.*_(?P<suffix>[A-Za-z0-9]+)\.nii(\.gz)?$")


def discover_bids(root, suffix: str = "T1w", label_suffix: str | None = None, label_root: str = "derivatives/labels") -> list[dict]:
    """Find ``sub-*/[ses-*/]anat/*_<suffix>.nii.gz`` under ``root``, joined with ``participants.tsv``.

    label_suffix: when given, the label map ``<label_root>/sub-*/[ses-*/]anat/*_<label_suffix>.nii.gz``
    of each image goes to ``data.target.label`` (cases without one are kept, without a label).
    Case id: ``sub-X`` or ``sub-X_ses-Y``. Participants' columns go to ``meta``.
    """
    root = Path(root)
    participants = {}
    if (root / "participants.tsv").exists():
        participants = {row["participant_id"]: {k: v for k, v in row.items() if k != "participant_id"}
                        for row in read_records(root / "participants.tsv")}
    samples = []
    for path in sorted(root.glob("sub-*/anat/*.nii*")) + sorted(root.glob("sub-*/ses-*/anat/*.nii*")):
        m = _BIDS.match(path.name)
        if not m or m["suffix"] != suffix:
            continue
        case_id = m["subject"] + (f"_{m['session']}" if m["session"] else "")
        sample = {"case_id": case_id, "subject": m["subject"], "session": m["session"],
                  "data": {"input": {"image": str(path.resolve())}}, "meta": dict(participants.get(m["subject"], {}))}
        if label_suffix:
            rel = path.parent.relative_to(root)
            hits = sorted((root / label_root / rel).glob(f"{case_id}*_{label_suffix}.nii*"))
            if hits:
                sample["data"]["target"] = {"label": str(hits[0].resolve())}
        samples.append(sample)
    return sorted(samples, key=lambda s: s["case_id"])


def read_case_table(path, image_columns=("image",), target_columns=("label",), subject_column: str = "subject") -> list[dict]:
    """Samples from a CSV/TSV with a ``case_id`` column.

    image_columns -> ``data.input.<col>`` and target_columns -> ``data.target.<col>`` (paths relative to
    the table's folder are made absolute; a non-path value such as a class label is kept as is);
    ``subject_column`` (default: the case id) -> ``subject``; every other column -> ``meta``.
    """
    path = Path(path)
    rows = read_records(path)
    if rows and "case_id" not in rows[0]:
        raise ValueError(f"{path}: expected a 'case_id' column; found {', '.join(map(str, rows[0]))}")
    samples = []
    for row in rows:
        row["case_id"] = str(row["case_id"])
        sample = {"case_id": row["case_id"], "subject": str(row.get(subject_column) or row["case_id"]), "data": {}, "meta": {}}
        for group, cols in (("input", image_columns), ("target", target_columns)):
            for col in cols:
                value = row.get(col)
                if value is not None:
                    if isinstance(value, str) and (path.parent / value).exists():
                        value = str((path.parent / value).resolve())
                    sample["data"].setdefault(group, {})[col] = value
        used = {"case_id", subject_column, *image_columns, *target_columns}
        sample["meta"] = {k: v for k, v in row.items() if k not in used}
        samples.append(sample)
    return samples
