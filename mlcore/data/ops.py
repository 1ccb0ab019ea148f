"""Keyed ops: each reads ``key_in`` and writes ``key_out`` (default: in place) of a sample dict.

An op records the arguments it was built with (`Op.spec`), so a pipeline's cache folder can be named
by a hash of its deterministic ops' parameters. Deterministic ops ignore ``rng``; random ops
(augmentation, see `augment`) set ``deterministic = False`` and draw from the generator they are given.
Arrays are channel-first ``(C, X, Y, Z)`` once `AddChannel` has run, ``(X, Y, Z)`` before.
"""

from __future__ import annotations

import inspect

import numpy as np

from . import sample as S


class Op:
    """Base class. Subclasses implement ``apply(sample, rng) -> sample``; bump ``version`` when behaviour changes."""

    deterministic = True
    version = 1

    def __new__(cls, *args, **kwargs):
        obj = super().__new__(cls)
        bound = inspect.signature(cls.__init__).bind(obj, *args, **kwargs)
        bound.apply_defaults()
        obj._params = {k: v for k, v in list(bound.arguments.items())[1:]}
        return obj

    def spec(self) -> dict:
        """JSON-able description: class, version and constructor arguments."""
        return {"op": f"{type(self).__module__}.{type(self).__qualname__}", "version": self.version, "params": self._params}

    def __call__(self, sample: dict, rng: np.random.Generator | None = None) -> dict:
        return self.apply(sample, rng)

    def apply(self, sample: dict, rng):  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._params.items())
        return f"{type(self).__name__}({args})"


class ArrayOp(Op):
    """An op that maps one array to another: subclasses implement ``fn(array) -> array``."""

    def __init__(self, key_in: str, key_out: str | None = None):
        self.key_in, self.key_out = key_in, key_out or key_in

    def apply(self, sample, rng):
        return S.put(sample, self.key_out, self.fn(S.get(sample, self.key_in)))

    def fn(self, array):  # pragma: no cover - abstract
        raise NotImplementedError


class LoadImage(Op):
    """Read the image file (or DICOM folder) named at ``key_in``; write the array (X, Y, Z) at ``key_out``
    and its geometry (spacing in mm, RAS affine) at ``key_meta`` (default ``<key_out>_meta``)."""

    def __init__(self, key_in: str, key_out: str | None = None, key_meta: str | None = None, dtype: str = "float32"):
        self.key_in, self.key_out = key_in, key_out or key_in
        self.key_meta, self.dtype = key_meta or f"{self.key_out}_meta", dtype

    def apply(self, sample, rng):
        from .readers import read_image

        path = S.get(sample, self.key_in)
        array, meta = read_image(path)
        dtype = np.dtype(self.dtype)
        if dtype.kind in "ui" and array.size:
            info, low, high = np.iinfo(dtype), array.min(), array.max()
            if low < info.min or high > info.max:
                raise ValueError(f"{path}: values {low}..{high} do not fit {dtype} (LoadImage dtype); use a wider type")
        S.put(sample, self.key_out, array.astype(dtype, copy=False))
        return S.put(sample, self.key_meta, meta)


class Cast(ArrayOp):
    """Cast to ``dtype`` (numpy name)."""

    def __init__(self, key_in: str, dtype: str = "float32", key_out: str | None = None):
        super().__init__(key_in, key_out)
        self.dtype = dtype

    def fn(self, array):
        return np.asarray(array).astype(self.dtype)


class AddChannel(ArrayOp):
    """(X, Y, Z) -> (1, X, Y, Z)."""

    def fn(self, array):
        return np.asarray(array)[None]


class NormalizeIntensity(ArrayOp):
    """Z-score: (x - mean) / std over all voxels (or over voxels != 0 when ``nonzero``); std 0 gives x - mean."""

    def __init__(self, key_in: str, key_out: str | None = None, nonzero: bool = False):
        super().__init__(key_in, key_out)
        self.nonzero = nonzero

    def fn(self, array):
        x = np.asarray(array, dtype=np.float32)
        ref = x[x != 0] if self.nonzero else x
        mean, std = (float(ref.mean()), float(ref.std())) if ref.size else (0.0, 0.0)
        out = (x - mean) / (std if std > 0 else 1.0)
        return np.where(x != 0, out, 0).astype(np.float32) if self.nonzero else out.astype(np.float32)


class ScaleIntensityRange(ArrayOp):
    """Map [a_min, a_max] linearly to [b_min, b_max] (e.g. CT HU window to [0, 1]); clip outside when asked."""

    def __init__(self, key_in: str, a_min: float, a_max: float, b_min: float = 0.0, b_max: float = 1.0,
                 clip: bool = True, key_out: str | None = None):
        super().__init__(key_in, key_out)
        self.a_min, self.a_max, self.b_min, self.b_max, self.clip = a_min, a_max, b_min, b_max, clip

    def fn(self, array):
        x = (np.asarray(array, dtype=np.float32) - self.a_min) / (self.a_max - self.a_min)
        x = x * (self.b_max - self.b_min) + self.b_min
        return np.clip(x, min(self.b_min, self.b_max), max(self.b_min, self.b_max)) if self.clip else x


class CenterCropOrPad(ArrayOp):
    """Crop or zero-pad the last ``len(shape)`` axes symmetrically to ``shape`` (voxels)."""

    def __init__(self, key_in: str, shape: tuple[int, ...] | list[int], key_out: str | None = None):
        super().__init__(key_in, key_out)
        self.shape = tuple(int(s) for s in shape)

    def fn(self, array):
        x = np.asarray(array)
        lead = x.ndim - len(self.shape)
        pads, slices = [(0, 0)] * lead, [slice(None)] * lead
        for have, want in zip(x.shape[lead:], self.shape, strict=True):
            if have >= want:
                start = (have - want) // 2
                pads.append((0, 0))
                slices.append(slice(start, start + want))
            else:
                before = (want - have) // 2
                pads.append((before, want - have - before))
                slices.append(slice(None))
        return np.pad(x[tuple(slices)], pads)


class SelectColumns(Op):
    """Gather named scalar keys (``features.<name>``) into one float32 vector at ``key_out`` (tabular input)."""

    def __init__(self, keys: list[str], key_out: str):
        self.keys, self.key_out = list(keys), key_out

    def apply(self, sample, rng):
        return S.put(sample, self.key_out, np.array([float(S.get(sample, k)) for k in self.keys], dtype=np.float32))
