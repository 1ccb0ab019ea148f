"""Content hashes: of op specs, of input files, and of a list of samples.

A cache folder is named by ``sha256(deterministic ops' specs + inputs' fingerprint)``, so editing one op
parameter or one input file gives a new folder. File content hashes are memoised per
(path, size, mtime) within the process, so hashing the same data set twice reads it once.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np

_FILE_HASHES: dict[tuple[str, int, int], str] = {}


def _default(obj):
    if isinstance(obj, np.ndarray):
        return {"ndarray": obj.dtype.str, "shape": obj.shape, "sha256": hashlib.sha256(np.ascontiguousarray(obj).tobytes()).hexdigest()}
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    if isinstance(obj, Path):
        return str(obj)
    return repr(obj)


def canonical_json(obj) -> str:
    """Stable JSON text (sorted keys, arrays by content hash, unknown objects by repr)."""
    return json.dumps(obj, sort_keys=True, default=_default, separators=(",", ":"))


def hash_json(obj, length: int = 16) -> str:
    """First ``length`` hex digits of sha256 of `canonical_json`."""
    return hashlib.sha256(canonical_json(obj).encode()).hexdigest()[:length]


def file_sha256(path: str | os.PathLike) -> str:
    """sha256 of a file's bytes, or of a folder's files (relative names and contents, sorted)."""
    path = Path(path)
    if path.is_dir():
        h = hashlib.sha256()
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            h.update(str(child.relative_to(path)).encode() + b"\0" + file_sha256(child).encode())
        return h.hexdigest()
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _FILE_HASHES:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        _FILE_HASHES[key] = h.hexdigest()
    return _FILE_HASHES[key]


def _with_file_hashes(value):
    if isinstance(value, Mapping):
        return {k: _with_file_hashes(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_with_file_hashes(v) for v in value]
    if isinstance(value, (str, Path)) and len(str(value)) < 4096 and os.path.exists(value):
        # Identity of a file is its content, not its path: a moved data set keeps its cache.
        return {"file_sha256": file_sha256(value)}
    return value


def samples_fingerprint(samples, length: int = 16) -> str:
    """Hash of a list of samples where every value naming an existing file is replaced by its content hash."""
    return hash_json([_with_file_hashes(s) for s in samples], length)
