"""`evaluate`: the one scoring entry point (CLI, platform scoring, leaderboard and baselines call it).

evaluate(task, truth, predictions_by_entry, metrics, bootstrap, tests, ranking) -> Evaluation

Every entry is evaluated on the same B resamples (`stats.plan.BootstrapPlan`), so intervals of
differences and ranks are paired. Per metric: point estimate and CI per entry; rank distribution;
pairwise difference CIs; the applicable paired tests with multiplicity-adjusted p-values; one verdict
test (DeLong for binary AUC, paired bootstrap otherwise) that decides tie groups, test-then-rank and
the significance map, so that no page shows two verdicts that disagree.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping

import numpy as np

from .. import __version__
from .evaluation import SCHEMA, Evaluation
from .missing import fill_missing
from .ranking import kendall_tau, rank_then_aggregate, ranks
from .ranking.methods import aggregate_per_case
from .settings import BootstrapSettings, RankingSettings, TestSettings, coerce
from .stats.compare import _adjust_pairs, compare_entries
from .stats.delong import delong_pairwise
from .stats.engine import jackknife, replicates_many
from .stats.mcnemar import mcnemar_test
from .stats.pairwise import pairwise_bootstrap
from .stats.plan import BootstrapPlan
from .stats.wilcoxon import wilcoxon_test
from .tasks import Task, get_task


def _applicable_tests(task: Task, metric, requested) -> list[str]:
    auto = "auto" in requested
    out = []
    if metric.verdict_test == "delong" and task.name == "binary" and (auto or "delong" in requested):
        out.append("delong")
    if metric.correct is not None and (auto or "mcnemar" in requested):
        out.append("mcnemar")
    if metric.per_case is not None and metric.correct is None and (auto or "wilcoxon" in requested):
        out.append("wilcoxon")
    if auto or "bootstrap" in requested:
        out.append("bootstrap")
    return out


def _statistics(task, truth, preds, metric):
    if hasattr(task, "case_statistic"):  # segmentation: predictions are scored cases
        return task.case_statistic(preds, metric.name)
    return metric.make_statistic(truth.values, preds)


def evaluate(task, truth, predictions_by_entry: Mapping[str, object], metrics=None, bootstrap=None, tests=None,
             ranking=None, progress: Callable[[int], None] | None = None, replicate_cache=None) -> Evaluation:
    """Score S entries against one ground truth with paired bootstrap statistics and tests.

    task: a Task or its name. truth: GroundTruth (N cases). predictions_by_entry: {entry name: predictions
    aligned to truth.case_ids ((N,) scores or values, (N, K) class probabilities; NaN = missing)}.
    metrics: metric names (default: the task's primary metric). bootstrap, tests, ranking: settings records
    or dicts (see `settings`). progress: called with the number of resamples done, chunk by chunk (once per
    metric pass). replicate_cache: None, or an object with ``get(plan, metric, entry) -> (B,) | None`` and
    ``put(plan, metric, entry, replicates, point)``: replicates depend only on the plan and the entry's
    predictions, so cached ones are reused and only the others are computed (the leaderboard's incremental
    path; values are identical either way). Returns an `Evaluation`.
    """
    task = get_task(task) if isinstance(task, str) else task
    boot = coerce(bootstrap, BootstrapSettings)
    test_cfg = coerce(tests, TestSettings)
    rank_cfg = coerce(ranking, RankingSettings)
    metric_names = list(metrics or [task.default_metric])
    metric_objs = {m: task.metric(m) for m in metric_names}
    rank_metric = rank_cfg.metric or metric_names[0]
    if rank_metric not in metric_objs:
        raise ValueError(f"ranking metric {rank_metric!r} is not among the evaluated metrics {metric_names}")
    names = list(predictions_by_entry)
    if not names:
        raise ValueError("evaluate needs at least one entry")
    case_ids = tuple(truth.case_ids)
    y = getattr(truth, "values", None)

    preds, missing = {}, {}
    for name, p in predictions_by_entry.items():
        if hasattr(task, "case_statistic") or p is None or not isinstance(p, np.ndarray | list | tuple):
            preds[name] = p
            continue
        preds[name], ids = fill_missing(task.name, y, p, case_ids, rank_cfg.missing)
        if ids:
            missing[name] = ids

    strata = task.strata(truth) if boot.stratify else None
    plan = BootstrapPlan(case_ids, boot.n_resamples, boot.seed, strata=strata, groups=boot.groups)
    stats = {(m, n): _statistics(task, truth, preds[n], metric_objs[m]) for m in metric_names for n in names}
    points = {key: s.point() for key, s in stats.items()}
    cached = {}
    if replicate_cache is not None:
        cached = {key: r for key in stats if (r := replicate_cache.get(plan, key[0], key[1])) is not None}
    todo = {f"{m}\x00{n}": s for (m, n), s in stats.items() if (m, n) not in cached}
    fresh = replicates_many(plan, todo, boot.chunk_size, progress) if todo else {}
    reps = {key: cached[key] if key in cached else fresh[f"{key[0]}\x00{key[1]}"] for key in stats}
    if replicate_cache is not None:
        for key in stats:
            if key not in cached:
                replicate_cache.put(plan, key[0], key[1], reps[key], points[key])

    results, pairwise, ranking_meta = [], [], {}
    per_case_all, reps_out = {}, {}
    for m in metric_names:
        metric = metric_objs[m]
        jack = {n: jackknife(plan, stats[(m, n)]) for n in names} if boot.ci_method == "bca" else None
        verdict = None
        # DeLong assumes independent cases and needs 2 cases of each class; clustered data (groups) or
        # fewer cases fall back to the paired bootstrap verdict, which resamples the clusters whole.
        analytic_ok = boot.groups is None and y is not None and min(int(np.sum(y == 1)), int(np.sum(y == 0))) >= 2
        if metric.verdict_test == "delong" and task.name == "binary" and len(names) > 1 and analytic_ok:
            d = delong_pairwise(y, np.stack([preds[n] for n in names]))
            verdict = {"name": "delong", "p_greater": d["p_greater"], "p_two_sided": d["p_two_sided"], "z": d["z"]}
        cmp = compare_entries({n: points[(m, n)] for n in names}, {n: reps[(m, n)] for n in names},
                              metric.higher_is_better, boot.level, boot.ci_method, jack, test_cfg.correction,
                              test_cfg.alpha, verdict, plan)
        reps_out[m] = {n: reps[(m, n)] for n in names}
        per_case = None
        if metric.per_case is not None and not hasattr(task, "case_statistic"):
            per_case = {n: np.asarray(metric.per_case(y, preds[n]), dtype=float) for n in names}
            per_case_all[m] = per_case
        tier_of = {e: t + 1 for t, group in enumerate(cmp["tiers"]) for e in group}
        for i, n in enumerate(names):
            results.append({"entry": n, "metric": m, "estimate": cmp["estimate"][i], "ci_low": cmp["ci_low"][i],
                            "ci_high": cmp["ci_high"][i], "ci_method": boot.ci_method, "level": boot.level,
                            "se": cmp["se"][i], "undefined_fraction": cmp["undefined"][i], "rank": cmp["rank"][i],
                            "median_rank": cmp["median_rank"][i], "rank_ci_low": cmp["rank_ci_low"][i],
                            "rank_ci_high": cmp["rank_ci_high"][i], "p_best": cmp["p_best"][i],
                            "rank_counts": cmp["rank_counts"][i], "tier": tier_of[n], "wins": cmp["wins"][i]})
        pairwise += _pair_rows(task, metric, names, y, preds, per_case, cmp, verdict, test_cfg, reps_out[m])
        ranking_meta[m] = {"tiers": cmp["tiers"], "kendall_tau_resamples": cmp["kendall_tau_resamples"],
                           "verdict_test": cmp["verdict_test"], "wins": dict(zip(names, cmp["wins"].tolist(), strict=True)),
                           "test_rank": dict(zip(names, cmp["test_rank"].tolist(), strict=True))}
        if per_case is not None and len(names) > 1:
            mean_rank, rta = rank_then_aggregate(np.stack([per_case[n] for n in names]), metric.higher_is_better)
            ranking_meta[m]["rank_then_aggregate"] = dict(zip(names, rta.tolist(), strict=True))
            ranking_meta[m]["mean_case_rank"] = dict(zip(names, mean_rank.tolist(), strict=True))
            medians = aggregate_per_case(np.stack([per_case[n] for n in names]), "median")
            ranking_meta[m]["median_then_rank"] = dict(zip(names, ranks(medians, metric.higher_is_better).tolist(), strict=True))

    meta = {
        "schema": SCHEMA, "mlcore_version": __version__,
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "task": {**task.to_dict(), **({"classes": list(truth.classes)} if getattr(truth, "classes", None) else {})},
        "n_cases": len(case_ids), "entries": names,
        "metrics": [metric_objs[m].to_dict() for m in metric_names],
        "bootstrap": {**plan.describe(), "level": boot.level, "ci_method": boot.ci_method},
        "tests": test_cfg.to_dict(), "missing": missing,
        "ranking": _final_ranking(rank_cfg, rank_metric, names, results, ranking_meta),
        "ranking_by_metric": ranking_meta,
    }
    data = {"y_true": y, "predictions": preds, "plan": plan}
    return Evaluation(meta, results, pairwise, reps_out, per_case_all, data)


def _pair_rows(task, metric, names, y, preds, per_case, cmp, verdict, cfg, reps) -> list[dict]:
    """One row per unordered pair with every applicable test, p-values adjusted per test over the pairs.
    With a margin, a one-sided paired bootstrap non-inferiority test is added in both directions."""
    applicable = _applicable_tests(task, metric, cfg.tests)
    if verdict is None or verdict.get("name") != "delong":  # DeLong left out (few cases of a class, clusters)
        applicable = [t for t in applicable if t != "delong"]
    s = len(names)
    raw = {t: np.full((s, s), np.nan) for t in applicable}
    stat = {t: np.full((s, s), np.nan) for t in applicable}
    for i in range(s):
        for j in range(i + 1, s):
            if "delong" in raw:
                raw["delong"][i, j], stat["delong"][i, j] = verdict["p_two_sided"][i, j], verdict["z"][i, j]
            if "mcnemar" in raw:
                t = mcnemar_test(correct_a=metric.correct(y, preds[names[i]]), correct_b=metric.correct(y, preds[names[j]]),
                                 variant=cfg.mcnemar_variant)
                raw["mcnemar"][i, j], stat["mcnemar"][i, j] = t["p_value"], t["statistic"]
            if "wilcoxon" in raw:
                t = wilcoxon_test(per_case[names[i]], per_case[names[j]], method=cfg.wilcoxon_method)
                raw["wilcoxon"][i, j], stat["wilcoxon"][i, j] = t["p_value"], t["statistic"]
            if "bootstrap" in raw:
                raw["bootstrap"][i, j] = cmp["bootstrap_p_two_sided"][i, j]
                stat["bootstrap"][i, j] = cmp["estimate"][i] - cmp["estimate"][j]
    adjusted = {t: _adjust_pairs(np.where(np.isnan(raw[t]), raw[t].T, raw[t]), cfg.correction, True) for t in applicable}
    noninf = None
    if cfg.margin:
        ni = pairwise_bootstrap(np.stack([reps[n] for n in names]), metric.higher_is_better, margin=cfg.margin)["p_greater"]
        noninf = (ni, _adjust_pairs(ni, cfg.correction, upper_only=False))
    rows = []
    for i in range(s):
        for j in range(i + 1, s):
            tests = {t: {"statistic": stat[t][i, j], "p_value": raw[t][i, j], "p_adjusted": adjusted[t][i, j],
                         "alternative": "two-sided", "correction": cfg.correction} for t in applicable}
            if noninf is not None:
                tests["noninferiority"] = {"margin": cfg.margin, "alternative": "one-sided", "correction": cfg.correction,
                                           "p_a_noninferior": noninf[0][i, j], "p_b_noninferior": noninf[0][j, i],
                                           "p_a_adjusted": noninf[1][i, j], "p_b_adjusted": noninf[1][j, i]}
            rows.append({"metric": metric.name, "entry_a": names[i], "entry_b": names[j],
                         "difference": cmp["estimate"][i] - cmp["estimate"][j], "ci_low": cmp["diff_ci_low"][i, j],
                         "ci_high": cmp["diff_ci_high"][i, j], "verdict_test": cmp["verdict_test"],
                         "p_verdict_adjusted": cmp["p_two_sided_adjusted"][i, j],
                         "significant": bool(cmp["p_two_sided_adjusted"][i, j] < cfg.alpha), "tests": tests})
    return rows


def _final_ranking(cfg: RankingSettings, metric: str, names, results, by_metric) -> dict:
    rows = {r["entry"]: r for r in results if r["metric"] == metric}
    methods = {"aggregate_then_rank": {n: int(rows[n]["rank"]) for n in names},
               "test_then_rank": by_metric[metric]["test_rank"]}
    for extra in ("rank_then_aggregate", "median_then_rank"):
        if extra in by_metric[metric]:
            methods[extra] = by_metric[metric][extra]
    if cfg.method not in methods:
        raise ValueError(f"ranking method {cfg.method!r} is not available for metric {metric!r}; "
                         f"available: {', '.join(methods)}")
    chosen = methods[cfg.method]
    taus = {}
    keys = list(methods)
    for a in range(len(keys)):
        for b in range(a + 1, len(keys)):
            ra = [methods[keys[a]][n] for n in names]
            rb = [methods[keys[b]][n] for n in names]
            taus[f"{keys[a]}~{keys[b]}"] = float(kendall_tau(ra, rb)) if len(names) > 1 else None
    return {"metric": metric, "method": cfg.method, "missing_policy": cfg.missing, "ranks": chosen,
            "order": sorted(names, key=lambda n: (chosen[n], names.index(n))), "by_method": methods,
            "tiers": by_metric[metric]["tiers"], "verdict_test": by_metric[metric]["verdict_test"],
            "kendall_tau_between_methods": taus,
            "kendall_tau_resamples": by_metric[metric]["kendall_tau_resamples"]}
