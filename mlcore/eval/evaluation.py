"""`Evaluation`: the result of `evaluate`, one JSON document for the CLI and the leaderboard cache.

JSON shape (``schema`` = "podium.evaluation/1"; NaN is written as null):

    {"schema", "mlcore_version", "created",
     "task": {"name", ...}, "n_cases", "entries": [names], "metrics": [{name, higher_is_better, range, ...}],
     "bootstrap": {seed, n_resamples, stratified, grouped, n_units, level, ci_method, generator},
     "tests": {tests, correction, alpha, ...}, "ranking": {metric, method, missing, ranks: {entry: rank},
        order: [entries], tiers: [[entries]], kendall_tau: {...}, wins: {entry: n}},
     "missing": {entry: [case ids]},
     "results": [{entry, metric, estimate, ci_low, ci_high, ci_method, level, se, undefined_fraction, rank,
                  median_rank, rank_ci_low, rank_ci_high, p_best, rank_counts: [..], tier, wins}],
     "pairwise": [{metric, entry_a, entry_b, difference, ci_low, ci_high, verdict_test, significant,
                   p_verdict_adjusted, tests: {name: {statistic, p_value, p_adjusted, ...}}}],
     "ranking_by_metric": {metric: {tiers, verdict_test, wins, test_rank, kendall_tau_resamples,
                                    rank_then_aggregate?, median_then_rank?, mean_case_rank?}}}

With a non-inferiority margin, ``tests`` also holds "noninferiority": {margin, p_a_noninferior,
p_b_noninferior, p_a_adjusted, p_b_adjusted}.

`results` has one row per (entry, metric); `pairwise` one row per unordered pair and metric, difference
= a - b in metric units with its paired percentile bootstrap CI.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import numpy as np

SCHEMA = "podium.evaluation/1"


def _clean(obj):
    """JSON-ready copy: numpy to Python, NaN/inf to None."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _clean(obj.tolist())
    if isinstance(obj, np.generic):
        return _clean(obj.item())
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


@dataclass
class Evaluation:
    """meta: everything but results and pairwise (see module docstring); results, pairwise: lists of dicts.

    In memory only (not serialised): replicates {metric: {entry: (B,)}} and per_case {metric: {entry: (N,)}},
    and data (truth values and predictions) for figures that need them (ROC curves).
    """

    meta: dict
    results: list[dict]
    pairwise: list[dict]
    replicates: dict = field(default_factory=dict, repr=False)
    per_case: dict = field(default_factory=dict, repr=False)
    data: dict = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict:
        return _clean({**self.meta, "results": self.results, "pairwise": self.pairwise})

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    @classmethod
    def from_json(cls, text) -> Evaluation:
        doc = json.loads(text) if isinstance(text, str | bytes) else dict(text)
        if doc.get("schema") != SCHEMA:
            raise ValueError(f"not a Podium evaluation document (schema {doc.get('schema')!r}, expected {SCHEMA!r})")
        results = doc.pop("results")
        pairwise = doc.pop("pairwise")
        return cls(doc, results, pairwise)

    # -- views ------------------------------------------------------------------------------------
    @property
    def entries(self) -> list[str]:
        return list(self.meta["entries"])

    @property
    def metric_names(self) -> list[str]:
        return [m["name"] for m in self.meta["metrics"]]

    def result(self, entry: str, metric: str) -> dict:
        for row in self.results:
            if row["entry"] == entry and row["metric"] == metric:
                return row
        raise KeyError(f"no result for entry {entry!r} and metric {metric!r}")

    def table(self):
        """pandas DataFrame: one row per (entry, metric) with estimate, CI, rank, median rank, P(best)."""
        import pandas as pd

        cols = ["entry", "metric", "estimate", "ci_low", "ci_high", "rank", "median_rank", "rank_ci_low",
                "rank_ci_high", "p_best", "tier"]
        frame = pd.DataFrame([{c: r.get(c) for c in cols} for r in self.results], columns=cols)
        return frame.sort_values(["metric", "rank", "entry"], kind="stable").reset_index(drop=True)

    def pairwise_table(self):
        """pandas DataFrame: one row per (metric, pair, test) with statistic, raw and adjusted p-values."""
        import pandas as pd

        rows = []
        for pair in self.pairwise:
            for name, t in pair["tests"].items():
                if name == "noninferiority":
                    continue
                rows.append({"metric": pair["metric"], "entry_a": pair["entry_a"], "entry_b": pair["entry_b"],
                             "difference": pair["difference"], "ci_low": pair["ci_low"], "ci_high": pair["ci_high"],
                             "test": name, "statistic": t.get("statistic"), "p_value": t.get("p_value"),
                             "p_adjusted": t.get("p_adjusted"), "verdict": name == pair["verdict_test"],
                             "significant": pair["significant"] if name == pair["verdict_test"] else None})
        return pd.DataFrame(rows)

    def figures(self) -> dict:
        """{name: plotly Figure}: forest plot, rank blob plot and significance map per metric, per-case
        strip plots and ROC curves when the in-memory data allows."""
        from .report.figures import all_figures

        return all_figures(self)

    def to_html(self, path=None) -> str:
        """One self-contained HTML report (plotly.js embedded, no CDN); written to `path` when given."""
        from .report.html import evaluation_html

        html = evaluation_html(self)
        if path is not None:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(html)
        return html
