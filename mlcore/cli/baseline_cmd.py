"""`podium baseline`: train, predict, verify and publish baseline bundles (filled by the mlcore.dl issue)."""

from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser("baseline", help="train, verify and publish baseline bundles")
    p.add_argument("action", choices=["train", "predict", "verify", "publish"])
    p.add_argument("args", nargs="*")
    p.set_defaults(func=run)


def run(args) -> int:
    print(f"podium baseline {args.action}: not available yet in this version", file=sys.stderr)
    return 2
