"""Finding label-map files in a folder or a zip archive, one file per case (file name = case id).

A folder is read at its top level; a zip at any depth (the member's base name names the case).
Hidden files, folders and macOS ``__MACOSX`` entries are ignored; any other file must have an accepted
suffix (`io.SUFFIXES`). Every problem is reported at once.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import dataclass

from ..problems import Problem, format_ids
from .io import SUFFIXES, LabelMap, read_label_map, split_case_id


@dataclass(frozen=True)
class CaseFile:
    """One case's file: a path, or a member of a zip archive (`archive` set)."""

    case_id: str
    name: str
    path: str
    archive: str | None = None

    @contextlib.contextmanager
    def local_path(self):
        """A path on disk holding the file (a zip member is extracted to a temporary file)."""
        if self.archive is None:
            yield self.path
            return
        tmp = tempfile.mkdtemp(prefix="podium-seg-")
        try:
            target = os.path.join(tmp, os.path.basename(self.name))
            with zipfile.ZipFile(self.archive) as z, z.open(self.path) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
            yield target
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def read(self, spacing=None) -> LabelMap:
        """The label map (see `io.read_label_map`; spacing in mm for NumPy files)."""
        with self.local_path() as path:
            return read_label_map(path, spacing)


def _ignored(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return name.endswith("/") or "__MACOSX" in parts or os.path.basename(name).startswith(".")


def list_case_files(source) -> tuple[dict[str, CaseFile], list[Problem]]:
    """Case files of a folder or a .zip: ({case_id: CaseFile}, problems).

    Problems: ``not_found`` (no such folder or zip), ``bad_zip``, ``unsupported_file`` (suffix not
    accepted), ``duplicate_cases`` (two files name one case). Duplicated cases are left out of the dict.
    """
    source = os.fspath(source)
    entries: list[tuple[str, str, str | None]] = []  # (name, path or member, archive)
    if os.path.isdir(source):
        for name in sorted(os.listdir(source)):
            if os.path.isfile(os.path.join(source, name)) and not _ignored(name):
                entries.append((name, os.path.join(source, name), None))
    elif os.path.isfile(source) and zipfile.is_zipfile(source):
        try:
            with zipfile.ZipFile(source) as z:
                names = [m.filename for m in z.infolist() if not m.is_dir()]
        except (zipfile.BadZipFile, OSError) as exc:
            return {}, [Problem("bad_zip", f"{os.path.basename(source)} cannot be opened as a zip archive: {exc}")]
        entries = [(os.path.basename(n), n, source) for n in sorted(names) if not _ignored(n)]
    elif os.path.isfile(source):
        return {}, [Problem("bad_zip", f"{os.path.basename(source)} is neither a folder nor a zip archive of label maps")]
    else:
        return {}, [Problem("not_found", f"no folder or zip archive at {source}")]
    problems: list[Problem] = []
    unsupported = [name for name, _, _ in entries if split_case_id(name) is None]
    if unsupported:
        problems.append(Problem("unsupported_file", f"file(s) with a suffix other than {', '.join(SUFFIXES)}: "
                                f"{format_ids(unsupported)}"))
    by_case: dict[str, list[CaseFile]] = defaultdict(list)
    for name, path, archive in entries:
        parts = split_case_id(name)
        if parts is not None:
            by_case[parts[0]].append(CaseFile(parts[0], name, path, archive))
    dups = sorted(c for c, files in by_case.items() if len(files) > 1)
    for case in dups:
        problems.append(Problem("duplicate_cases", f"case {case} has {len(by_case[case])} files: "
                                f"{', '.join(f.path for f in by_case[case])}; expected one", (case,)))
    return {c: files[0] for c, files in by_case.items() if len(files) == 1}, problems
