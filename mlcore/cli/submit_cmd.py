"""`podium submit`: upload a predictions file to a phase over the API, optionally waiting for its score."""

from __future__ import annotations

import os
import sys
import time

TERMINAL = {"succeeded", "failed", "cancelled"}


def register(sub) -> None:
    p = sub.add_parser("submit", help="upload predictions to a challenge phase")
    p.add_argument("--phase", required=True, type=int, help="phase id")
    p.add_argument("--url", default=os.environ.get("PODIUM_URL", "http://127.0.0.1:8000"), help="server URL (env PODIUM_URL)")
    p.add_argument("--token", default=os.environ.get("PODIUM_TOKEN"), help="API token (env PODIUM_TOKEN)")
    p.add_argument("--method", default="", help="short description of the method")
    p.add_argument("--wait", action="store_true", help="show live status until the submission is scored")
    p.add_argument("--timeout", type=float, default=600, help="seconds to wait with --wait (default 600)")
    p.add_argument("file", help="predictions CSV")
    p.set_defaults(func=run)


def _json(resp) -> dict:
    if resp.headers.get("content-type", "").startswith("application/json"):
        return resp.json()
    return {"detail": resp.text[:500]}


def run(args) -> int:
    import requests

    base = args.url.rstrip("/")
    session = requests.Session()
    if args.token:
        session.headers["Authorization"] = f"Token {args.token}"
    try:
        with open(args.file, "rb") as fh:
            resp = session.post(f"{base}/api/phases/{args.phase}/submissions/", files={"file": fh},
                                data={"method_description": args.method}, timeout=300)
    except OSError as exc:
        print(f"cannot upload {args.file}: {exc}", file=sys.stderr)
        return 1
    body = _json(resp)
    if resp.status_code >= 400:
        print(f"refused ({resp.status_code}): {body.get('detail', '')}", file=sys.stderr)
        for p in body.get("problems", []):
            print(f"- {p['message']}", file=sys.stderr)
        return 1
    print(f"submission {body['id']}: {body['status']}")
    if not args.wait:
        return 0
    return _wait(session, f"{base}/api/submissions/{body['id']}/", body["status"], args.timeout)


def _wait(session, url: str, status: str, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    body = {}
    while status not in TERMINAL and time.monotonic() < deadline:
        time.sleep(0.5)
        body = _json(session.get(url, timeout=30))
        if body.get("status") != status:
            status = body.get("status", status)
            print(f"  {status}", flush=True)
    if status == "succeeded":
        print("  scores: " + ", ".join(f"{k}={v:.4f}" for k, v in body.get("scores", {}).items()))
        return 0
    if status in TERMINAL:
        print(f"  {body.get('error_message', '')}", file=sys.stderr)
        return 1
    print(f"  still {status} after {timeout:.0f} s", file=sys.stderr)
    return 1
