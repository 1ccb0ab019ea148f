"""Reading case tables (CSV) with checks that report every problem at once.

A case table has a ``case_id`` column and one or more value columns. These helpers read bytes or a
path, detect encoding and delimiter problems, and align the values to an expected case order.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter

import numpy as np
import pandas as pd

from .problems import Problem, format_ids

CASE_ID = "case_id"


def _read_bytes(source) -> bytes:
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    if hasattr(source, "read"):
        data = source.read()
        return data.encode("utf-8") if isinstance(data, str) else data
    with open(os.fspath(source), "rb") as fh:
        return fh.read()


def header_fields(text: str) -> list[str]:
    return next(csv.reader(io.StringIO(text)), [])


def _ragged_lines(text: str) -> list[str]:
    """1-based numbers of the non-empty lines whose field count differs from the header's (pandas
    would otherwise shift the columns of a long first row into an index)."""
    rows = csv.reader(io.StringIO(text))
    header = next(rows, [])
    return [str(i) for i, row in enumerate(rows, start=2) if row and len(row) != len(header)]


def read_case_table(source, value_columns: list[str] | None = None) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Parse a CSV case table into a frame of strings, collecting problems.

    source: path, bytes or binary file object.
    value_columns: columns that must be present besides ``case_id`` (None: any).
    Returns (frame, problems); frame is None when the file cannot be parsed at all.
    """
    raw = _read_bytes(source)
    if not raw.strip():
        return None, [Problem("empty_file", "the file is empty: expected a CSV with a header line 'case_id,...'")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [Problem("bad_encoding", f"the file is not UTF-8 text (byte {exc.start} cannot be decoded): save it as UTF-8 CSV")]
    header = text.splitlines()[0]
    if "," not in header and any(d in header for d in (";", "\t", "|")):
        found = next(d for d in (";", "\t", "|") if d in header)
        return None, [Problem("bad_delimiter", f"expected comma-separated values, found {found!r} as the delimiter in the header {header!r}")]
    ragged = _ragged_lines(text)
    if ragged:
        return None, [Problem("ragged_row", f"every row must have as many fields as the header ({len(header_fields(text))}); not so on line {format_ids(ragged)}")]
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, csv.Error) as exc:
        return None, [Problem("malformed_csv", f"the CSV cannot be parsed: {exc}")]
    frame.columns = [str(c).strip() for c in frame.columns]
    problems = []
    expected = [CASE_ID] + list(value_columns or [])
    missing_cols = [c for c in expected if c not in frame.columns]
    if missing_cols:
        problems.append(Problem(
            "wrong_columns",
            f"expected columns {', '.join(expected)}; found {', '.join(frame.columns) or 'none'} (missing: {', '.join(missing_cols)})",
        ))
        return None, problems
    if frame.empty:
        return None, [Problem("no_rows", "the file has a header but no rows")]
    frame[CASE_ID] = frame[CASE_ID].str.strip()
    return frame, problems


def align_cases(frame: pd.DataFrame, expected_ids: list[str]) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Check that `frame` has each expected case id exactly once and reorder it to `expected_ids`.

    Reports missing, duplicate, unknown (extra) and empty ids, each with the ids concerned.
    """
    problems = []
    ids = list(frame[CASE_ID])
    empty = [str(i + 2) for i, v in enumerate(ids) if v == ""]
    if empty:
        problems.append(Problem("empty_case_id", f"{len(empty)} row(s) have an empty case_id (lines {format_ids(empty)})"))
    counts = Counter(v for v in ids if v != "")
    dups = sorted(k for k, n in counts.items() if n > 1)
    if dups:
        problems.append(Problem("duplicate_cases", f"{len(dups)} case id(s) appear more than once: {format_ids(dups)}", tuple(dups)))
    expected_set = set(expected_ids)
    missing = [c for c in expected_ids if c not in counts]
    if missing:
        problems.append(Problem(
            "missing_cases",
            f"expected {len(expected_ids)} case ids, found {len(expected_set) - len(missing)} of them; missing: {format_ids(missing)}",
            tuple(missing),
        ))
    extra = sorted(k for k in counts if k not in expected_set)
    if extra:
        problems.append(Problem("unknown_cases", f"{len(extra)} case id(s) are not in this phase: {format_ids(extra)}", tuple(extra)))
    if problems:
        return None, problems
    return frame.set_index(CASE_ID).loc[expected_ids].reset_index(), []


def parse_numeric(frame: pd.DataFrame, column: str) -> tuple[np.ndarray | None, list[Problem]]:
    """Convert a string column to float64, reporting non-numeric and non-finite values by case id."""
    values = pd.to_numeric(frame[column].str.strip(), errors="coerce").to_numpy(dtype=float)
    problems = []
    raw = frame[column].str.strip().str.lower()
    non_numeric = frame[CASE_ID][np.isnan(values) & ~raw.isin(["nan", "na"])].tolist()
    if non_numeric:
        problems.append(Problem("non_numeric", f"column {column!r} must be a number; not a number for case(s) {format_ids(non_numeric)}", tuple(non_numeric)))
    nan = frame[CASE_ID][raw.isin(["nan", "na"])].tolist()
    if nan:
        problems.append(Problem("not_finite", f"column {column!r} is NaN for case(s) {format_ids(nan)}", tuple(nan)))
    inf = frame[CASE_ID][np.isinf(values)].tolist()
    if inf:
        problems.append(Problem("not_finite", f"column {column!r} is infinite for case(s) {format_ids(inf)}", tuple(inf)))
    return (None if problems else values), problems
