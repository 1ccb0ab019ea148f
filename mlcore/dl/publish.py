"""`podium baseline publish`: submit a bundle's predictions to a phase as a baseline entry.

HTTP: ``POST {url}/api/phases/{phase}/submissions/`` (multipart) with field ``file`` (the predictions
file), ``is_baseline=true`` and ``method_description``; header ``Authorization: Token <token>``.
The server validates the file like any submission; its problems come back in the error.
"""

from __future__ import annotations

import os
from pathlib import Path

from .bundle import Bundle, load_bundle


class PublishError(RuntimeError):
    """The server refused the submission (status and the problems it listed) or could not be reached."""

    def __init__(self, message: str, status: int | None = None, problems: list | None = None):
        super().__init__(message)
        self.status, self.problems = status, problems or []


def method_description(bundle: Bundle) -> str:
    """One line: name, model, validation metric with CI, mlcore version and training data hash."""
    m, v = bundle.metadata, bundle.metadata["validation"]
    return (f"Baseline {m['name']} ({m['model']}, mlcore {m['software']['mlcore']}); validation {v['metric']} "
            f"{v['value']:.4f} (95% CI {v['low']:.4f}-{v['high']:.4f}); training data {m['data_hash']}")


def publish(bundle, phase: int, url: str | None = None, token: str | None = None, predictions=None,
            description: str | None = None, timeout: float = 120) -> dict:
    """Upload the predictions (default: the bundle's ``predictions/`` file); return the server's JSON reply.

    url: server root (default env PODIUM_URL, else http://127.0.0.1:8000). token: env PODIUM_TOKEN.
    """
    import requests

    bundle = bundle if isinstance(bundle, Bundle) else load_bundle(bundle)
    url = (url or os.environ.get("PODIUM_URL") or "http://127.0.0.1:8000").rstrip("/")
    token = token or os.environ.get("PODIUM_TOKEN")
    if predictions is None:
        if "predictions" not in bundle.metadata:
            raise PublishError(f"{bundle.folder} holds no predictions; pass a predictions file")
        predictions = bundle.folder / bundle.metadata["predictions"]["file"]
    predictions = Path(predictions)
    headers = {"Authorization": f"Token {token}"} if token else {}
    data = {"is_baseline": "true", "method_description": description or method_description(bundle)}
    endpoint = f"{url}/api/phases/{int(phase)}/submissions/"
    try:
        with open(predictions, "rb") as fh:
            resp = requests.post(endpoint, headers=headers, data=data, files={"file": (predictions.name, fh)}, timeout=timeout)
    except requests.RequestException as exc:
        raise PublishError(f"could not reach {endpoint}: {exc}") from exc
    is_json = resp.headers.get("content-type", "").startswith("application/json")
    body = resp.json() if is_json else {"detail": resp.text[:500]}
    if resp.status_code >= 400:
        problems = body.get("problems", []) if isinstance(body, dict) else []
        lines = [p.get("message", str(p)) if isinstance(p, dict) else str(p) for p in problems]
        detail = body.get("detail", "") if isinstance(body, dict) else ""
        raise PublishError(f"{endpoint} refused the baseline ({resp.status_code}): " + "; ".join(lines + ([detail] if detail else [])),
                           resp.status_code, problems)
    return body
