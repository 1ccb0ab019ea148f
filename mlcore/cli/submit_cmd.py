"""`podium submit`: upload a predictions file to a phase over the API."""

from __future__ import annotations

import os
import sys


def register(sub) -> None:
    p = sub.add_parser("submit", help="upload predictions to a challenge phase")
    p.add_argument("--phase", required=True, type=int, help="phase id")
    p.add_argument("--url", default=os.environ.get("PODIUM_URL", "http://127.0.0.1:8000"), help="server URL (env PODIUM_URL)")
    p.add_argument("--token", default=os.environ.get("PODIUM_TOKEN"), help="API token (env PODIUM_TOKEN)")
    p.add_argument("--participant", default=os.environ.get("PODIUM_PARTICIPANT", ""), help="participant name (thin path)")
    p.add_argument("file", help="predictions CSV")
    p.set_defaults(func=run)


def run(args) -> int:
    import requests

    url = f"{args.url.rstrip('/')}/api/phases/{args.phase}/submissions/"
    headers = {"Authorization": f"Token {args.token}"} if args.token else {}
    with open(args.file, "rb") as fh:
        resp = requests.post(url, headers=headers, files={"file": fh}, data={"participant": args.participant}, timeout=120)
    body = resp.json() if resp.headers.get("content-type", "").startswith("application/json") else {"detail": resp.text[:500]}
    if resp.status_code >= 400:
        print(f"refused ({resp.status_code}):", file=sys.stderr)
        for p in body.get("problems", []):
            print(f"- {p['message']}", file=sys.stderr)
        if "detail" in body:
            print(body["detail"], file=sys.stderr)
        return 1
    print(f"submission {body['id']} {body['status']}")
    return 0
