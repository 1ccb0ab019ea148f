"""`podium eval`: score prediction files against a truth file (filled by the statistics issue)."""

from __future__ import annotations

import sys

from mlcore.eval import InvalidInput, get_task


def register(sub) -> None:
    p = sub.add_parser("eval", help="score prediction files against ground truth")
    p.add_argument("--task", default="binary", help="task type (default: binary)")
    p.add_argument("--truth", required=True, help="truth CSV: case_id,label")
    p.add_argument("--pred", action="append", required=True, metavar="NAME=FILE", help="predictions CSV, repeatable")
    p.add_argument("--metric", action="append", help="metric name, repeatable (default: the task's primary metric)")
    p.set_defaults(func=run)


def run(args) -> int:
    task = get_task(args.task)
    try:
        truth = task.read_truth(args.truth)
    except InvalidInput as exc:
        print(exc, file=sys.stderr)
        return 1
    metrics = args.metric or [task.default_metric]
    status = 0
    print("entry\t" + "\t".join(metrics))
    for spec in args.pred:
        name, _, path = spec.partition("=")
        path = path or name
        try:
            values = task.read_predictions(path, truth.case_ids)
        except InvalidInput as exc:
            print(f"{name}: {exc}", file=sys.stderr)
            status = 1
            continue
        print(name + "\t" + "\t".join(f"{task.score(truth, values, m):.4f}" for m in metrics))
    return status
