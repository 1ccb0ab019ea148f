"""YAML with line numbers: where each field of challenge.yaml is, for error messages."""

from __future__ import annotations

from dataclasses import dataclass

import yaml


@dataclass(frozen=True)
class BundleProblem:
    """One problem in a bundle: the file, the field (dotted path), the line (1-based; 0 if unknown)."""

    file: str
    field: str
    line: int
    message: str

    def __str__(self):
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    def to_dict(self) -> dict:
        return {"file": self.file, "field": self.field, "line": self.line, "message": self.message}


def field_name(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def line_index(text: str) -> dict[tuple, int]:
    """Map each field path, such as ('phases', 0, 'metrics'), to the 1-based line where it starts."""
    lines: dict[tuple, int] = {}

    def walk(node, path):
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                lines[path + (key.value,)] = key.start_mark.line + 1
                walk(value, path + (key.value,))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, path + (i,))

    root = yaml.compose(text)
    if root is not None:
        walk(root, ())
    return lines


class Reporter:
    """Collects problems, finding the line of a field (or of its nearest parent that has one)."""

    def __init__(self, lines: dict[tuple, int], file: str = "challenge.yaml"):
        self.lines, self.file, self.problems = lines, file, []

    def add(self, path: tuple, message: str) -> None:
        probe = path
        while probe and probe not in self.lines:
            probe = probe[:-1]
        self.problems.append(BundleProblem(self.file, field_name(path), self.lines.get(probe, 0), message))

    def add_file(self, file: str, field: str, line: int, message: str) -> None:
        self.problems.append(BundleProblem(file, field, line, message))
