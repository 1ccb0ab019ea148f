"""Validation problems: every problem found in an input, reported at once.

A Task's validation never stops at the first error. It returns a list of `Problem`s, each with a
stable machine-readable `code`, a message a person can act on, and the offending case ids. The
platform turns them into upload errors, the CLI into printed lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: How many case ids a message names before it says "and N more".
MAX_IDS_IN_MESSAGE = 10


def format_ids(ids, limit: int = MAX_IDS_IN_MESSAGE) -> str:
    """Comma-separated ids, cut after `limit` with a count of the rest."""
    ids = [str(i) for i in ids]
    head = ", ".join(ids[:limit])
    return head if len(ids) <= limit else f"{head} and {len(ids) - limit} more"


@dataclass(frozen=True)
class Problem:
    """One problem in an input file.

    code: stable identifier (``missing_cases``, ``duplicate_cases``, ``non_numeric`` ...).
    message: what was expected and what was found.
    case_ids: the offending case ids (empty when the problem concerns the whole file).
    """

    code: str
    message: str
    case_ids: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "case_ids": list(self.case_ids)}


class InvalidInput(ValueError):
    """Raised when an input has one or more problems; `problems` lists all of them."""

    def __init__(self, problems: list[Problem], source: str = "input"):
        self.problems = list(problems)
        self.source = source
        lines = "\n".join(f"- {p.message}" for p in self.problems)
        super().__init__(f"{source} has {len(self.problems)} problem(s):\n{lines}")
