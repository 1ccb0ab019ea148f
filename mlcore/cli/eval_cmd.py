"""`podium eval`: score prediction files against a truth file with paired bootstrap statistics.

    podium eval --truth TRUTH.csv --pred NAME=FILE.csv [--pred ...] --metric auc [--metric ...]
                --bootstrap 2000 --seed 7 [--stratify] [--json OUT.json] [--report OUT.html]

Prints a table (entry, metric, estimate, CI, rank, median rank, P(best)) and the pairwise tests.
Exit status: 0 on success, 1 when an input file has problems (all of them are printed), 2 on bad options.
"""

from __future__ import annotations

import argparse
import sys

from mlcore.eval import InvalidInput, get_task
from mlcore.eval.stats.intervals import METHODS as CI_METHODS
from mlcore.eval.stats.multiplicity import METHODS as CORRECTIONS


def register(sub) -> None:
    p = sub.add_parser("eval", help="score prediction files against ground truth, with CIs, ranks and paired tests")
    p.add_argument("--task", default="binary", choices=["binary", "multiclass", "regression", "segmentation"],
                   help="task type (default: binary); segmentation takes folders or zips of label maps")
    p.add_argument("--truth", required=True, help="truth CSV: case_id,label")
    p.add_argument("--pred", action="append", required=True, metavar="NAME=FILE",
                   help="predictions CSV (binary case_id,score; multiclass case_id + one column per class; regression case_id,value); repeatable")
    p.add_argument("--metric", action="append", help="metric name, repeatable (default: the task's primary metric); the first ranks")
    p.add_argument("--bootstrap", type=int, default=2000, metavar="B", help="bootstrap resamples (default 2000)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    p.add_argument("--stratify", action=argparse.BooleanOptionalAction, default=True,
                   help="keep class counts in every resample (classification; default on, as in evaluate())")
    p.add_argument("--groups", metavar="FILE", help="CSV case_id,group: resample whole groups (e.g. patients)")
    p.add_argument("--ci", default="percentile", choices=CI_METHODS, help="interval method (default percentile)")
    p.add_argument("--level", type=float, default=0.95, help="confidence level (default 0.95)")
    p.add_argument("--correction", default="holm", choices=CORRECTIONS, help="multiplicity correction (default holm)")
    p.add_argument("--alpha", type=float, default=0.05, help="significance level of verdicts (default 0.05)")
    p.add_argument("--ranking", default="aggregate_then_rank",
                   choices=["aggregate_then_rank", "median_then_rank", "rank_then_aggregate", "test_then_rank"],
                   help="ranking method (default aggregate_then_rank)")
    p.add_argument("--margin", type=float, default=0.0,
                   help="non-inferiority margin in metric units: adds a one-sided paired bootstrap test per pair")
    p.add_argument("--json", metavar="OUT.json", help="write the evaluation document (JSON)")
    p.add_argument("--report", metavar="OUT.html", help="write a self-contained HTML report")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _read_groups(path, case_ids):
    from mlcore.eval.tables import align_cases, read_case_table

    frame, problems = read_case_table(path, ["group"])
    if frame is not None:
        frame, problems = align_cases(frame, list(case_ids))
    if problems:
        raise InvalidInput(problems, f"groups file {path}")
    return tuple(frame["group"].str.strip())


def _fmt(v, spec=".4f"):
    return "-" if v is None or v != v else format(v, spec)


def print_tables(ev, out=None) -> None:
    """The results table and the pairwise tests, as plain text (to `out`, default standard output)."""
    out = out or sys.stdout
    b = ev.meta["bootstrap"]
    level = int(round(b["level"] * 100))
    print(f"{ev.meta['n_cases']} cases, B={b['n_resamples']}, seed={b['seed']}, "
          f"{'stratified' if b['stratified'] else 'unstratified'}, {level}% {b['ci_method']} CI", file=out)
    header = f"{'entry':<20} {'metric':<18} {'estimate':>9} {f'{level}% CI':>19} {'rank':>4} {'med.rank':>8} {'P(best)':>7} {'tier':>4}"
    print(header, file=out)
    for _, r in ev.table().iterrows():
        ci = f"[{_fmt(r.ci_low)}, {_fmt(r.ci_high)}]"
        print(f"{r.entry:<20} {r.metric:<18} {_fmt(r.estimate):>9} {ci:>19} {int(r['rank']):>4} "
              f"{_fmt(r.median_rank, '.1f'):>8} {_fmt(r.p_best, '.3f'):>7} {int(r.tier):>4}", file=out)
    r = ev.meta["ranking"]
    order = ", ".join(f"{r['ranks'][e]}. {e}" for e in r["order"])
    tiers = " | ".join(", ".join(group) for group in r["tiers"])
    print(f"\nranking ({r['method']} on {r['metric']}): {order}\ntie groups ({r['verdict_test']} test): {tiers}", file=out)
    if not ev.pairwise:
        return
    print(f"\npairwise tests (two-sided; p_adj: {ev.meta['tests']['correction']}; * = verdict test significant at "
          f"alpha={ev.meta['tests']['alpha']})", file=out)
    print(f"{'metric':<18} {'a':<14} {'b':<14} {'diff':>8} {'CI of diff':>19} {'test':<9} {'stat':>9} {'p':>9} {'p_adj':>9}", file=out)
    for pair in ev.pairwise:
        for name, t in pair["tests"].items():
            if name == "noninferiority":
                print(f"{pair['metric']:<18} {pair['entry_a']:<14} {pair['entry_b']:<14} non-inferiority margin {t['margin']:g}: "
                      f"p(a non-inferior)={_fmt(t['p_a_adjusted'], '.3g')}, p(b non-inferior)={_fmt(t['p_b_adjusted'], '.3g')} "
                      "(adjusted)", file=out)
                continue
            mark = "*" if name == pair["verdict_test"] and pair["significant"] else ""
            ci = f"[{_fmt(pair['ci_low'])}, {_fmt(pair['ci_high'])}]"
            print(f"{pair['metric']:<18} {pair['entry_a']:<14} {pair['entry_b']:<14} {_fmt(pair['difference']):>8} {ci:>19} "
                  f"{name:<9} {_fmt(t['statistic'], '.4g'):>9} {_fmt(t['p_value'], '.3g'):>9} {_fmt(t['p_adjusted'], '.3g'):>9}{mark}", file=out)


def _print_problems(name, path, problems) -> None:
    print(f"{name} ({path}) has {len(problems)} problem(s):", file=sys.stderr)
    for p in problems:
        print(f"  [{p.code}] {p.message}", file=sys.stderr)


def _segmentation_inputs(args, metrics):
    """(task, truth, {entry: SegmentationScores}) or None after printing every problem."""
    from mlcore.eval.segmentation.folders import score_folders
    from mlcore.eval.segmentation.scoring import ALL_METRICS

    specs = dict(_split(spec) for spec in args.pred)
    per_case = [m for m in metrics if m in ALL_METRICS] or ["dice"]  # aggregate metrics come from the counts
    try:
        task, truth, scores, problems = score_folders(args.truth, specs, per_case, on_invalid="skip")
        for m in metrics:
            task.metric(m)
    except InvalidInput as exc:
        print(exc, file=sys.stderr)
        return None
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return None
    for name, found in problems.items():
        _print_problems(name, specs[name], found)
    return None if problems else (task, truth, scores)


def _split(spec):
    name, sep, path = spec.partition("=")
    return (name, path) if sep else (name, name)


def run(args) -> int:
    from mlcore.eval import evaluate

    if args.task == "segmentation":
        metrics = args.metric or ["dice"]
        inputs = _segmentation_inputs(args, metrics)
        if inputs is None:
            return 1
        task, truth, preds = inputs
        return _evaluate_and_print(args, evaluate, task, truth, preds, metrics)
    task = get_task(args.task)
    try:
        truth = task.read_truth(args.truth)
    except InvalidInput as exc:
        print(exc, file=sys.stderr)
        return 1
    if hasattr(task, "for_truth"):
        task = task.for_truth(truth)
    metrics = args.metric or [task.default_metric]
    try:
        for m in metrics:
            task.metric(m)
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return 2
    preds, status = {}, 0
    for spec in args.pred:
        name, path = _split(spec)
        if name in preds:
            print(f"entry name {name!r} is given twice", file=sys.stderr)
            return 2
        values, problems = task.validate_predictions(path, truth.case_ids, metrics)
        if problems:
            _print_problems(name, path, problems)
            status = 1
            continue
        preds[name] = values
    if status:
        return status
    return _evaluate_and_print(args, evaluate, task, truth, preds, metrics)


def _evaluate_and_print(args, evaluate, task, truth, preds, metrics) -> int:
    try:
        groups = _read_groups(args.groups, truth.case_ids) if args.groups else None
    except InvalidInput as exc:
        print(exc, file=sys.stderr)
        return 1
    bar = None
    if not args.no_progress:
        from tqdm import tqdm

        bar = tqdm(total=args.bootstrap, desc="bootstrap", unit="resample", file=sys.stderr, leave=False,
                   disable=None)
    try:
        ev = evaluate(task, truth, preds, metrics,
                      bootstrap={"n_resamples": args.bootstrap, "seed": args.seed, "stratify": args.stratify,
                                 "groups": groups, "level": args.level, "ci_method": args.ci},
                      tests={"correction": args.correction, "alpha": args.alpha, "margin": args.margin},
                      ranking={"method": args.ranking}, progress=bar.update if bar else None)
    except ValueError as exc:
        print(f"cannot evaluate: {exc}", file=sys.stderr)
        return 2
    finally:
        if bar:
            bar.close()
    print_tables(ev)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            fh.write(ev.to_json())
    if args.report:
        ev.to_html(args.report)
    return 0
