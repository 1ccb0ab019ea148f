"""/healthz: database, broker and storage status as JSON (503 when any part is down)."""

import time
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.http import JsonResponse


def _check(fn) -> dict:
    start = time.perf_counter()
    try:
        detail = fn()
    except Exception as exc:  # a health check reports every failure instead of raising
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"ok": True, "ms": round(1000 * (time.perf_counter() - start), 1), **(detail or {})}


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"vendor": connection.vendor}


def _broker():
    from podium.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        return {"transport": conn.transport_cls if isinstance(conn.transport_cls, str) else conn.transport.driver_name}


def _storage():
    out = {}
    for alias in ("default", "private"):
        store = storages[alias]
        name = store.save(f"healthz/{uuid.uuid4().hex}", ContentFile(b"ok"))
        store.delete(name)
        out[alias] = type(store).__name__
    return out


def healthz(request):
    """Each part's state for everyone (load balancers, monitors); timings and error texts, which can name
    hosts and users, for staff only."""
    parts = {"database": _check(_database), "broker": _check(_broker), "storage": _check(_storage)}
    ok = all(p["ok"] for p in parts.values())
    if not (request.user.is_authenticated and request.user.is_staff):
        parts = {name: {"ok": p["ok"]} for name, p in parts.items()}
    return JsonResponse({"status": "ok" if ok else "degraded", **parts}, status=200 if ok else 503)
