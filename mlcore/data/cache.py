"""Disk cache of a pipeline's deterministic output, one pickle per sample.

Folder: ``<cache_dir>/<hash>`` with ``hash = sha256(deterministic op specs, inputs' fingerprint)``;
a ``manifest.json`` there records both parts so a reader can see why two folders differ. Files are
written to a temporary name and renamed, so a killed run never leaves a half-written entry.
"""

from __future__ import annotations

import json
import os
import pickle
import tempfile
from pathlib import Path

from .fingerprint import canonical_json, hash_json, samples_fingerprint


class DiskCache:
    """Cache for ``pipeline``'s deterministic part over ``samples`` (list of dicts)."""

    def __init__(self, cache_dir, pipeline, samples):
        spec = pipeline.deterministic_spec()
        inputs = samples_fingerprint(samples)
        self.key = hash_json({"ops": spec, "inputs": inputs})
        self.folder = Path(cache_dir) / self.key
        self.folder.mkdir(parents=True, exist_ok=True)
        manifest = self.folder / "manifest.json"
        if not manifest.exists():
            _atomic_write(manifest, json.dumps(json.loads(canonical_json({"ops": spec, "inputs": inputs, "n_samples": len(samples)})),
                                               indent=1).encode())
        self.hits = self.misses = 0

    def path(self, index: int) -> Path:
        return self.folder / f"{index:06d}.pkl"

    def get(self, index: int, compute):
        """The cached value for ``index``, or ``compute()`` stored then returned."""
        path = self.path(index)
        if path.exists():
            self.hits += 1
            with open(path, "rb") as fh:
                return pickle.load(fh)
        self.misses += 1
        value = compute()
        _atomic_write(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        return value


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
