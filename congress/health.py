"""Health of the database, the cache and the broker (GET /healthz)."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # report, never raise
        return exc.__class__.__name__
    return None


def check_cache() -> str | None:
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", 10)
        ok = cache.get(key) == "1"
        cache.delete(key)
    except Exception as exc:
        return exc.__class__.__name__
    breaker = getattr(cache, "breaker", None)  # congress.resilience.ResilientRedisCache
    if breaker is not None and breaker.is_open:
        return "Redis unreachable (ConnectionError): the process-local stand-in answers"
    return None if ok else "cache did not return the value it stored"


def check_broker() -> str | None:
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
        folder.mkdir(parents=True, exist_ok=True)
        return None if folder.is_dir() else "broker folder missing"
    try:
        from kombu import Connection

        with Connection(url, connect_timeout=1, transport_options={"socket_timeout": 1}) as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
    except Exception as exc:
        return exc.__class__.__name__
    return None


def check_sweep() -> dict | None:
    """The deadline sweep (congress/sweep.py): stale when obligations are pending and no sweep
    succeeded within twice its interval. An empty database (a fresh install) is never stale."""
    try:
        from congress.models import PENDING_STATES, Obligation
        from congress.sweep import is_stale, last_heartbeat, stale_after

        hb = last_heartbeat()
        if not is_stale(hb):
            return None
        if not Obligation.objects.filter(state__in=PENDING_STATES).exists():
            return None
        limit = stale_after()
        age = (timezone.now() - hb.finished_at).total_seconds() if hb else None
        return {
            "ok": False,
            "stale": True,
            "last": hb.finished_at.isoformat() if hb else None,
            "age_seconds": age,
            "limit_seconds": limit.total_seconds(),
        }
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "sweep": check_sweep,
}


def health() -> tuple[bool, dict]:
    started = time.monotonic()
    report: dict = {}
    ok = True
    for name, check in CHECKS.items():
        error = check()
        if isinstance(error, dict):  # a check with more to say than an error string
            report[name] = error
            ok = ok and bool(error.get("ok"))
            continue
        report[name] = {"ok": error is None} | ({"error": error} if error else {})
        ok = ok and error is None
    report["elapsed_ms"] = round((time.monotonic() - started) * 1000, 1)
    return ok, report
