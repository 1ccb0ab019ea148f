"""Each entry's bootstrap replicates, kept in the database between recomputations."""

from __future__ import annotations

import hashlib
import json

import numpy as np

from .models import Replicates


def plan_key(plan) -> str:
    """Depends only on what fixes the resamples: seed, B, case ids, strata and groups."""
    payload = json.dumps([plan.seed, plan.n_resamples, list(plan.case_ids), plan.strata, plan.groups], default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


class ReplicateCache:
    """The mapping that `mlcore.eval.evaluate(replicate_cache=...)` reads and fills.

    submissions: {entry name: Submission}. Counts hits and misses for the benchmark and tests.
    """

    def __init__(self, submissions: dict):
        self.submissions = submissions
        self.hits = self.misses = 0
        self._rows: dict | None = None

    def _load(self, key: str) -> dict:
        if self._rows is None:
            ids = [s.pk for s in self.submissions.values()]
            self._rows = {(r.submission_id, r.metric): r for r in Replicates.objects.filter(plan_key=key, submission_id__in=ids)}
        return self._rows

    def get(self, plan, metric: str, entry: str):
        sub = self.submissions.get(entry)
        row = self._load(plan_key(plan)).get((sub.pk, metric)) if sub else None
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        return np.frombuffer(bytes(row.values), dtype=np.float64)

    def put(self, plan, metric: str, entry: str, values, point=None) -> None:
        sub = self.submissions.get(entry)
        if sub is None:
            return
        point = None if point is None or not np.isfinite(point) else float(point)
        Replicates.objects.update_or_create(
            submission=sub, plan_key=plan_key(plan), metric=metric,
            defaults={"values": np.ascontiguousarray(values, dtype=np.float64).tobytes(), "point": point})
