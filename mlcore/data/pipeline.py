"""Pipelines: a deterministic part (cacheable) followed by a random part (augmentation, seeded).

``Pipeline(deterministic=[...], random=[...])`` runs on one sample dict. `SampleDataset` applies a
pipeline to a list of samples, caching the deterministic output on disk (`cache.DiskCache`) and drawing
the random part from ``numpy.random.default_rng([seed, epoch, index])``, so an epoch is reproducible
whatever the number of data-loader workers. It needs no torch and works as a torch map-style dataset.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .fingerprint import hash_json
from .ops import Op
from .sample import copy_tree


class Pipeline:
    """Ordered ops. ``deterministic`` ops must not draw random numbers; ``random`` ops may."""

    def __init__(self, deterministic: Sequence[Op] = (), random: Sequence[Op] = ()):
        self.deterministic, self.random = list(deterministic), list(random)
        for op in self.deterministic:
            if not op.deterministic:
                raise ValueError(f"{op!r} draws random numbers; put it in the random part of the pipeline")

    def deterministic_spec(self) -> list[dict]:
        """Specs (class, version, parameters) of the deterministic ops, in order."""
        return [op.spec() for op in self.deterministic]

    def deterministic_hash(self) -> str:
        """16 hex digits naming the deterministic part."""
        return hash_json(self.deterministic_spec())

    def run_deterministic(self, sample: dict) -> dict:
        out = copy_tree(sample)
        for op in self.deterministic:
            out = op(out)
        return out

    def run_random(self, sample: dict, rng: np.random.Generator) -> dict:
        out = copy_tree(sample)
        for op in self.random:
            out = op(out, rng)
        return out

    def __call__(self, sample: dict, rng: np.random.Generator | None = None) -> dict:
        out = self.run_deterministic(sample)
        return self.run_random(out, rng if rng is not None else np.random.default_rng(0)) if self.random else out


class SampleDataset:
    """A list of samples seen through a pipeline, with an optional disk cache of the deterministic part.

    samples: list of sample dicts (file paths in them are hashed by content for the cache name).
    cache_dir: root folder for caches, or None for no cache. seed: seeds the random part.
    """

    def __init__(self, samples: Sequence[dict], pipeline: Pipeline, cache_dir=None, seed: int = 0, augment: bool = True):
        from .cache import DiskCache

        self.samples, self.pipeline, self.seed, self.augment = list(samples), pipeline, int(seed), augment
        self.epoch = 0
        self.cache = DiskCache(cache_dir, pipeline, self.samples) if cache_dir is not None else None

    def set_epoch(self, epoch: int) -> None:
        """Random part of item i in epoch e draws from default_rng([seed, e, i])."""
        self.epoch = int(epoch)

    def __len__(self) -> int:
        return len(self.samples)

    def prepared(self, index: int) -> dict:
        """Deterministic output for sample ``index`` (from the cache when there is one)."""
        if self.cache is not None:
            return self.cache.get(index, lambda: self.pipeline.run_deterministic(self.samples[index]))
        return self.pipeline.run_deterministic(self.samples[index])

    def __getitem__(self, index: int) -> dict:
        out = self.prepared(int(index))
        if self.augment and self.pipeline.random:
            out = self.pipeline.run_random(out, np.random.default_rng([self.seed, self.epoch, int(index)]))
        return out
