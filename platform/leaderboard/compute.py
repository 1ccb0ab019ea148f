"""A phase's leaderboard on one case subset: every counted entry through `mlcore.eval.evaluate` on one
shared set of paired bootstrap resamples, with cached replicates; the documents pages and the API serve."""

from __future__ import annotations

import json
import time

import numpy as np
from django.utils import timezone

from mlcore import __version__ as mlcore_version
from mlcore.eval import GroundTruth, evaluate
from mlcore.eval.evaluation import _clean as json_ready  # NaN -> null, numpy -> Python, as in Evaluation JSON

from .entries import entry_names, select_entries
from .replicate_cache import ReplicateCache


def subset_case_ids(phase, subset: str) -> list[str]:
    return list(phase.cases.filter(subset=subset).order_by("order").values_list("case_id", flat=True))


def _predictions(sub, rows: np.ndarray) -> np.ndarray:
    with sub.predictions.open("rb") as fh:
        return np.load(fh)[rows]


def settings_of(phase) -> dict:
    classification = phase.task_type in ("binary", "multiclass")
    return {
        "metrics": list(phase.metrics),
        "bootstrap": {"n_resamples": phase.bootstrap_resamples, "seed": phase.seed, "stratify": classification},
        "ranking": {"method": phase.ranking},
    }


def evaluate_subset(phase, subset: str, entries: dict, cache: bool = True):
    """Evaluation of `entries` ({name: Submission}) on the phase's `subset` cases (None without cases)."""
    from submissions.evaluation import read_truth, stored_case_scores, task_for

    case_ids = subset_case_ids(phase, subset)
    segmentation = phase.task_type == "segmentation"
    stored = "per_case" if segmentation else "predictions"
    entries = {name: sub for name, sub in entries.items() if getattr(sub, stored)}
    if not case_ids or not entries:
        return None
    order = {c: i for i, c in enumerate(phase.case_ids)}
    rows = np.array([order[c] for c in case_ids])
    if segmentation:
        task = task_for(phase)
        truth = GroundTruth(tuple(case_ids), np.full(len(case_ids), np.nan))  # scores already hold the comparison
        preds = {name: stored_case_scores(sub, rows) for name, sub in entries.items()}
    else:
        task, full_truth = read_truth(phase)
        truth = full_truth.subset(case_ids)
        preds = {name: _predictions(sub, rows) for name, sub in entries.items()}
    return evaluate(task, truth, preds, **settings_of(phase),
                    replicate_cache=ReplicateCache(entries) if cache else None)


def _row(ev, name, sub, metrics, ranked: bool) -> dict:
    stats = {m: ev.result(name, m) for m in metrics}
    primary = stats[metrics[0]]
    final_rank = ev.meta["ranking"]["ranks"].get(name) if ranked else None
    return {
        "rank": final_rank, "entry": name, "submission": sub.pk, "team": sub.team.name if sub.team_id else None,
        "participant": sub.creator.username, "method": sub.method_description, "is_baseline": sub.is_baseline,
        "is_final": sub.is_final, "created_at": sub.created_at.isoformat(),
        "metrics": {m: {k: r[k] for k in ("estimate", "ci_low", "ci_high")} for m, r in stats.items()},
        "median_rank": primary["median_rank"] if ranked else None,
        "rank_ci": [primary["rank_ci_low"], primary["rank_ci_high"]] if ranked else None,
        "p_best": primary["p_best"] if ranked else None, "tier": primary["tier"] if ranked else None,
    }


ROC_ENTRIES = 10  # ROC curves of the best entries only: a plot of 200 curves helps nobody


def all_figures(ev, include_roc: bool) -> dict:
    """{name: plotly figure as JSON}: forest plot, rank blob plot, significance map and per-case values
    per metric; with include_roc, ROC curves with bootstrap bands of the best entries (binary tasks)."""
    from dataclasses import replace

    from mlcore.eval.report import figures as f

    out = {}
    for m in ev.metric_names:
        out[f"forest_{m}"] = f.forest_plot(ev, m)
        out[f"ranks_{m}"] = f.rank_blob_plot(ev, m)
        if len(ev.entries) > 1:
            out[f"significance_{m}"] = f.significance_map(ev, m)
        per_case = f.per_case_plot(ev, m)
        if per_case is not None:
            out[f"per_case_{m}"] = per_case
    best = ev.meta["ranking"]["order"][:ROC_ENTRIES]
    if include_roc and "predictions" in ev.data:
        top = replace(ev, data={**ev.data, "predictions": {n: ev.data["predictions"][n] for n in best}})
        roc = f.roc_curves(top)
        if roc is not None:
            out["roc"] = roc
    return {name: json.loads(fig.to_json()) for name, fig in out.items()}


def public_figures(figures: dict, include_per_case: bool) -> dict:
    """Per-case plots only when the organizers publish per-case values."""
    return {name: fig for name, fig in figures.items() if include_per_case or not name.startswith("per_case_")}


def reproduce_command(phase, metrics, boot) -> str:
    """The `podium eval` call that gives the same numbers from the subset's truth and the entries' files."""
    parts = ["podium eval", f"--task {phase.task_type}", "--truth TRUTH.csv", "--pred ENTRY=FILE.csv ..."]
    parts += [f"--metric {m}" for m in metrics]
    parts += [f"--bootstrap {boot['n_resamples']}", f"--seed {boot['seed']}", f"--ranking {phase.ranking}"]
    if boot.get("stratified"):
        parts.append("--stratify")
    return " ".join(parts)


def build(phase, subset: str) -> dict | None:
    """{document, statistics, figures, organizer_figures, n_entries, duration_s} or None (no cases/entries)."""
    start = time.perf_counter()
    teams, baselines = select_entries(phase)
    ranked = entry_names(teams + (baselines if phase.rank_baselines else []))
    listed = entry_names(baselines) if not phase.rank_baselines else {}
    ev = evaluate_subset(phase, subset, ranked) if ranked else None
    ev_baselines = evaluate_subset(phase, subset, listed) if listed else None
    if ev is None and ev_baselines is None:
        return None
    metrics = list(phase.metrics)
    rows = [_row(ev, n, s, metrics, True) for n, s in ranked.items()] if ev else []
    rows += [_row(ev_baselines, n, s, metrics, False) for n, s in listed.items()] if ev_baselines else []
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["entry"]))
    ev = ev or ev_baselines  # settings and figures: of the ranked entries, else of the baselines alone
    boot = ev.meta["bootstrap"]
    document = {
        "phase": phase.pk, "challenge": phase.challenge.slug, "subset": subset, "task": phase.task_type,
        "computed_at": timezone.now().isoformat(), "n_cases": ev.meta["n_cases"],
        "primary_metric": metrics[0], "metrics": ev.meta["metrics"],
        "ranking": {k: ev.meta["ranking"][k] for k in ("method", "metric", "tiers", "verdict_test", "kendall_tau_between_methods")},
        "reproduce": {"seed": boot["seed"], "n_resamples": boot["n_resamples"], "ci_method": boot["ci_method"],
                      "level": boot["level"], "stratified": boot.get("stratified"), "mlcore_version": mlcore_version,
                      "ranking_method": phase.ranking, "command": reproduce_command(phase, metrics, boot)},
        "rows": rows,
    }
    # ROC curves step at each case, so with one's own scores they would reveal hidden labels: they are
    # drawn once the phase has ended (organizers have them in the HTML report at any time).
    figures = all_figures(ev, include_roc=phase.has_ended())
    return {
        "document": json_ready(document), "statistics": ev.to_dict(),
        "figures": public_figures(figures, include_per_case=phase.publish_per_case),
        "organizer_figures": figures,
        "n_entries": len(rows), "duration_s": time.perf_counter() - start,
    }
