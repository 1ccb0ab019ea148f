"""`podium submit`: upload a predictions file, or an algorithm image archive (`--image`, a `docker save`
tar or tar.gz; `--trial` for a trial run on the phase's public sample cases), to a phase over the API
(with a progress bar), optionally waiting for its score with live status (and a trial run's log).

The file is streamed as a multipart body of known length (never read into memory at once); tqdm shows
the bytes sent. Exit status: 0 accepted (and, with --wait, succeeded); 1 refused, failed or cancelled;
2 still unfinished when --timeout ran out.
"""

from __future__ import annotations

import os
import sys
import time
import uuid

TERMINAL = {"succeeded", "failed", "cancelled"}
CHUNK = 1 << 16


def register(sub) -> None:
    p = sub.add_parser("submit", help="upload predictions or an algorithm image to a challenge phase")
    p.add_argument("--phase", required=True, type=int, help="phase id")
    p.add_argument("--url", default=os.environ.get("PODIUM_URL", "http://127.0.0.1:8000"), help="server URL (env PODIUM_URL)")
    p.add_argument("--token", default=os.environ.get("PODIUM_TOKEN"), help="API token (env PODIUM_TOKEN)")
    p.add_argument("--method", default="", help="short description of the method")
    p.add_argument("--code-url", default="", help="link to the code")
    p.add_argument("--paper-url", default="", help="link to a paper or report")
    p.add_argument("--baseline", action="store_true", help="an organizers' baseline")
    p.add_argument("--wait", action="store_true", help="show live status until the submission is scored")
    p.add_argument("--timeout", type=float, default=600, help="seconds to wait with --wait (default 600)")
    p.add_argument("--no-progress", action="store_true", help="no upload progress bar")
    p.add_argument("--image", metavar="ARCHIVE", help="an algorithm image: `docker save` tar or tar.gz (container phases)")
    p.add_argument("--trial", action="store_true", help="with --image: a trial run on the public sample cases "
                   "(not scored; its log is shown)")
    p.add_argument("file", nargs="?", help="predictions file: CSV, or a zip of label maps for segmentation")
    p.set_defaults(func=run)


class MultipartBody:
    """A multipart/form-data body of known length that reads the file in chunks as it is sent.

    requests sends an object with `__iter__` and `__len__` as a stream with a Content-Length header;
    `progress` (a tqdm bar, or None) is advanced by the file bytes sent.
    """

    def __init__(self, fields: dict, path: str, progress=None, field: str = "file"):
        self.boundary = uuid.uuid4().hex
        self.path, self.progress = path, progress
        self.size = os.path.getsize(path)
        parts = [f'--{self.boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()]
        name = os.path.basename(path).replace('"', "")
        parts.append(f'--{self.boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
                     "Content-Type: application/octet-stream\r\n\r\n")
        self.head = "".join(parts).encode()
        self.tail = f"\r\n--{self.boundary}--\r\n".encode()

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def __len__(self) -> int:
        return len(self.head) + self.size + len(self.tail)

    def __iter__(self):
        yield self.head
        with open(self.path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                if self.progress is not None:
                    self.progress.update(len(chunk))
                yield chunk
        yield self.tail


def _json(resp) -> dict:
    if resp.headers.get("content-type", "").startswith("application/json"):
        return resp.json()
    return {"detail": resp.text[:500]}


def _print_refusal(resp, body) -> None:
    print(f"refused ({resp.status_code}): {body.get('detail', '')}", file=sys.stderr)
    for p in body.get("problems", []):
        print(f"- [{p.get('code', '')}] {p['message']}", file=sys.stderr)
    if body.get("retry_at"):
        print(f"you can submit again from {body['retry_at']} (in {body.get('retry_after_s', '?')} s)", file=sys.stderr)


def run(args) -> int:
    import requests
    from tqdm import tqdm

    base = args.url.rstrip("/")
    session = requests.Session()
    if args.token:
        session.headers["Authorization"] = f"Token {args.token}"
    fields = {"method_description": args.method, "code_url": args.code_url, "paper_url": args.paper_url}
    if args.baseline:
        fields["is_baseline"] = "true"
    if bool(args.image) == bool(args.file):
        print("give either a predictions file or --image ARCHIVE", file=sys.stderr)
        return 1
    if args.trial and not args.image:
        print("--trial needs --image ARCHIVE", file=sys.stderr)
        return 1
    if args.trial:
        fields["trial"] = "true"
    path, field = (args.image, "image") if args.image else (args.file, "file")
    try:
        size = os.path.getsize(path)
        with tqdm(total=size, unit="B", unit_scale=True, unit_divisor=1024, desc=f"uploading {os.path.basename(path)}",
                  disable=args.no_progress, file=sys.stderr) as bar:
            body = MultipartBody(fields, path, bar, field)
            resp = session.post(f"{base}/api/phases/{args.phase}/submissions/", data=body,
                                headers={"Content-Type": body.content_type}, timeout=600)
    except (OSError, requests.RequestException) as exc:
        print(f"cannot upload {path}: {exc}", file=sys.stderr)
        return 1
    answer = _json(resp)
    if resp.status_code >= 400:
        _print_refusal(resp, answer)
        return 1
    print(f"submission {answer['id']}: {answer['status']}")
    if not args.wait:
        return 0
    return _wait(session, f"{base}/api/submissions/{answer['id']}/", answer["status"], args.timeout)


def _wait(session, url: str, status: str, timeout: float) -> int:
    """Poll the submission, printing each status change with the time since upload, then the result."""
    start = time.monotonic()
    deadline = start + timeout
    body: dict = {}
    while status not in TERMINAL and time.monotonic() < deadline:
        time.sleep(0.5)
        try:
            body = _json(session.get(url, timeout=30))
        except Exception as exc:  # a blip of the server: keep waiting
            print(f"  (status not available: {exc})", file=sys.stderr)
            continue
        if body.get("status") and body["status"] != status:
            status = body["status"]
            extra = f" (attempt {body['attempts']})" if status == "running" and body.get("attempts", 1) > 1 else ""
            print(f"  {time.monotonic() - start:6.1f} s  {status}{extra}", flush=True)
    if body.get("run_log"):
        print("  log tail of the run:\n" + "\n".join(f"    | {line}" for line in body["run_log"].splitlines()[-40:]))
    if status == "succeeded" and body.get("is_trial"):
        print("  trial run completed: its outputs passed the phase's format checks (trial runs are not scored)")
        return 0
    if status == "succeeded":
        scores = body.get("scores")
        if scores is None:
            print("  scores are hidden until the phase ends")
        else:
            print("  scores: " + ", ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in scores.items()))
        return 0
    if status in TERMINAL:
        print(f"  {body.get('error_message', '')}", file=sys.stderr)
        if status == "failed" and body.get("counts_against_limits") is False:
            print("  (this failure does not count against your limits)", file=sys.stderr)
        return 1
    print(f"  still {status} after {timeout:.0f} s", file=sys.stderr)
    return 2
