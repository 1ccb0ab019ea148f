"""A per-process cache with a short time to live for the hottest reads (phase, snapshot document).

A leaderboard read at most TTL seconds late is harmless (a recomputation takes longer than that), and
the API then answers without touching the database.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings

_entries: dict = {}


def cached(key, load: Callable, ttl: float | None = None):
    """`load()`'s value for `key`, reused for `ttl` seconds (default: PODIUM_HOT_CACHE_SECONDS, 1)."""
    ttl = getattr(settings, "PODIUM_HOT_CACHE_SECONDS", 1.0) if ttl is None else ttl
    now = time.monotonic()
    hit = _entries.get(key)
    if hit is not None and now - hit[0] < ttl:
        return hit[1]
    value = load()
    if len(_entries) > 10_000:
        _entries.clear()
    _entries[key] = (now, value)
    return value


def clear() -> None:
    _entries.clear()
