"""Random ops (augmentation). Each takes a ``numpy.random.Generator`` and applies the same draw to
every key it names, so an image and its label map stay aligned. Arrays are channel-first (C, X, Y, Z);
spatial axes are counted without the channel axis (0 = X).
"""

from __future__ import annotations

import numpy as np

from . import sample as S
from .ops import Op


class RandomFlip(Op):
    """Flip each spatial axis in ``axes`` independently with probability ``prob``."""

    deterministic = False

    def __init__(self, keys: list[str], axes: tuple[int, ...] | list[int] = (0, 1, 2), prob: float = 0.5):
        self.keys, self.axes, self.prob = list(keys), tuple(axes), prob

    def apply(self, sample, rng):
        flip = [a for a in self.axes if rng.random() < self.prob]
        if flip:
            for key in self.keys:
                x = S.get(sample, key)
                S.put(sample, key, np.flip(x, axis=tuple(a + 1 for a in flip)).copy())
        return sample


class RandomRot90(Op):
    """Rotate by k * 90 degrees (k uniform in 0..3) in the plane of spatial axes ``plane``, with probability ``prob``."""

    deterministic = False

    def __init__(self, keys: list[str], plane: tuple[int, int] | list[int] = (0, 1), prob: float = 0.5):
        self.keys, self.plane, self.prob = list(keys), tuple(plane), prob

    def apply(self, sample, rng):
        if rng.random() < self.prob:
            k = int(rng.integers(0, 4))
            for key in self.keys:
                x = S.get(sample, key)
                S.put(sample, key, np.rot90(x, k, axes=(self.plane[0] + 1, self.plane[1] + 1)).copy())
        return sample


class RandomScaleShift(Op):
    """Intensity x * (1 + u_s) + u_o with u_s ~ U(-scale, scale), u_o ~ U(-shift, shift)."""

    deterministic = False

    def __init__(self, key: str, scale: float = 0.1, shift: float = 0.1):
        self.key, self.scale, self.shift = key, scale, shift

    def apply(self, sample, rng):
        s, o = rng.uniform(-self.scale, self.scale), rng.uniform(-self.shift, self.shift)
        x = S.get(sample, self.key)
        return S.put(sample, self.key, (x * (1 + s) + o).astype(x.dtype, copy=False))


class RandomGaussianNoise(Op):
    """Add N(0, std^2) noise (intensity units) with probability ``prob``."""

    deterministic = False

    def __init__(self, key: str, std: float = 0.1, prob: float = 0.5):
        self.key, self.std, self.prob = key, std, prob

    def apply(self, sample, rng):
        if rng.random() < self.prob:
            x = S.get(sample, self.key)
            S.put(sample, self.key, (x + rng.normal(0, self.std, x.shape)).astype(x.dtype, copy=False))
        return sample
