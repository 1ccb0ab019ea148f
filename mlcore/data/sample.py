"""Samples: nested dicts addressed by dotted keys (``data.input.image``).

A sample is a plain ``dict`` whose values may be dicts themselves. ``get(sample, "data.input.image")``
walks the nesting; a missing key raises `MissingKeyError`, which names the closest existing key
(FuseMedML convention), so a typo in a config is caught with a useful message.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping

_MISSING = object()


class MissingKeyError(KeyError):
    """A dotted key is absent from a sample; ``closest`` is the nearest existing key or None."""

    def __init__(self, key: str, closest: str | None, available: list[str]):
        self.key, self.closest, self.available = key, closest, available
        hint = f"; did you mean {closest!r}?" if closest else ""
        super().__init__(f"sample has no key {key!r}{hint} (keys: {', '.join(available[:20]) or 'none'})")

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.args[0]


def iter_keys(sample: Mapping, prefix: str = "") -> Iterator[str]:
    """Every dotted key of a nested mapping, leaves and inner nodes, depth first."""
    for name, value in sample.items():
        key = f"{prefix}{name}"
        yield key
        if isinstance(value, Mapping):
            yield from iter_keys(value, key + ".")


def closest_key(sample: Mapping, key: str) -> str | None:
    """The existing dotted key most similar to ``key`` (difflib ratio >= 0.5), or None."""
    matches = difflib.get_close_matches(key, list(iter_keys(sample)), n=1, cutoff=0.5)
    return matches[0] if matches else None


def get(sample: Mapping, key: str, default=_MISSING):
    """Value at dotted ``key``; raise `MissingKeyError` (or return ``default`` when given)."""
    node = sample
    for part in key.split("."):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        else:
            if default is not _MISSING:
                return default
            raise MissingKeyError(key, closest_key(sample, key), sorted(iter_keys(sample)))
    return node


def has(sample: Mapping, key: str) -> bool:
    """True when dotted ``key`` exists."""
    return get(sample, key, _MISSING_SENTINEL) is not _MISSING_SENTINEL


_MISSING_SENTINEL = object()


def put(sample: dict, key: str, value) -> dict:
    """Set dotted ``key`` to ``value``, creating intermediate dicts; returns the sample."""
    parts = key.split(".")
    node = sample
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[parts[-1]] = value
    return sample


def copy_tree(sample: Mapping) -> dict:
    """Copy of the dict structure (leaf values such as arrays are shared, not copied)."""
    return {k: copy_tree(v) if isinstance(v, Mapping) else v for k, v in sample.items()}
