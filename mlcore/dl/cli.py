"""The `podium baseline` commands: train, predict, verify and publish baseline bundles.

`podium baseline ...` (mlcore.cli) and ``python -m mlcore.dl ...`` (this package alone, for a machine
with torch but without mlcore.eval's dependencies) both use `register` below.

    podium baseline train CONFIG [--out DIR] [--set KEY=VALUE ...] [--no-resume] [--quiet] [--zip]
    podium baseline predict BUNDLE INPUTS OUT [--uncertainty mc_dropout|tta]
    podium baseline verify BUNDLE
    podium baseline publish BUNDLE --phase ID [--predictions FILE] [--url URL] [--token TOKEN]

torch is imported only when one of these runs, so `podium --help` stays light.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def register(sub) -> None:
    """Add the ``baseline`` command to an argparse subparsers object."""
    add_actions(sub.add_parser("baseline", help="train, predict with, verify and publish baseline bundles"))


def add_actions(p) -> None:
    """Add the train / predict / verify / publish actions to parser ``p``."""
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    t = actions.add_parser("train", help="train from a YAML config; writes a run folder with a bundle/ inside")
    t.add_argument("config", help="YAML config (see configs/baselines/)")
    t.add_argument("--out", help="run folder (default runs/<config name>)")
    t.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a config value, e.g. --set training.epochs=5 (repeatable)")
    t.add_argument("--no-resume", action="store_true", help="start afresh even if the run folder has a checkpoint")
    t.add_argument("--quiet", action="store_true", help="no progress bars")
    t.add_argument("--zip", action="store_true", help="also write the bundle as bundle.zip next to the folder")
    t.set_defaults(func=run_train)

    r = actions.add_parser("predict", help="predict INPUTS (a CSV, or a folder of images) into OUT (submission format)")
    r.add_argument("bundle")
    r.add_argument("inputs")
    r.add_argument("out", help="output file (.csv or .zip) or folder")
    r.add_argument("--uncertainty", choices=["mc_dropout", "tta"], help="also write <out>_uncertainty.csv")
    r.add_argument("--samples", type=int, default=8, help="MC dropout passes (default 8)")
    r.set_defaults(func=run_predict)

    v = actions.add_parser("verify", help="re-run the bundle's stored sample inputs and compare with the stored outputs")
    v.add_argument("bundle")
    v.set_defaults(func=run_verify)

    u = actions.add_parser("publish", help="submit the bundle's predictions to a phase as a baseline entry")
    u.add_argument("bundle")
    u.add_argument("--phase", required=True, type=int, help="phase id")
    u.add_argument("--predictions", help="predictions file to submit (default: the bundle's predictions/)")
    u.add_argument("--description", help="method description (default: from the bundle's metadata)")
    u.add_argument("--url", default=os.environ.get("PODIUM_URL", "http://127.0.0.1:8000"), help="server URL (env PODIUM_URL)")
    u.add_argument("--token", default=os.environ.get("PODIUM_TOKEN"), help="API token (env PODIUM_TOKEN)")
    u.set_defaults(func=run_publish)


def run_train(args) -> int:
    from mlcore.dl.config import load_config
    from mlcore.dl.trainer import train

    try:
        cfg = load_config(args.config, args.overrides)
    except (ValueError, OSError) as exc:
        print(exc, file=sys.stderr)
        return 2
    out = Path(args.out or Path("runs") / cfg["name"])
    result = train(cfg, out, resume=not args.no_resume, progress=False if args.quiet else None)
    v = result["validation"]
    print(f"validation {v['metric']} {v['value']:.4f} (95% CI {v['low']:.4f} to {v['high']:.4f}) at epoch {v['best_epoch']}")
    print(f"bundle: {result['bundle']}")
    if args.zip:
        from mlcore.dl.bundle import pack_bundle

        print(f"bundle zip: {pack_bundle(result['bundle'])}")
    return 0


def run_predict(args) -> int:
    from mlcore.dl.predict import predict_bundle

    unc = {"method": args.uncertainty, "n_samples": args.samples} if args.uncertainty else None
    print(f"predictions: {predict_bundle(args.bundle, args.inputs, args.out, uncertainty=unc)}")
    return 0


def run_verify(args) -> int:
    from mlcore.dl.verify import verify_bundle

    ok, lines = verify_bundle(args.bundle)
    for line in lines:
        print(line)
    print("verify: OK" if ok else "verify: FAILED")
    return 0 if ok else 1


def run_publish(args) -> int:
    from mlcore.dl.publish import PublishError, publish

    try:
        body = publish(args.bundle, args.phase, url=args.url, token=args.token, predictions=args.predictions, description=args.description)
    except PublishError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"baseline submission {body.get('id')} {body.get('status', '')}".rstrip())
    return 0


def main(argv=None) -> int:
    """``python -m mlcore.dl ACTION ...``: the baseline actions without the rest of the podium CLI."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m mlcore.dl", description="train, predict with, verify and publish baseline bundles")
    add_actions(parser)
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)
