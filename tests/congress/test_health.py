"""GET /healthz: 200 when the database, the cache and the broker answer; 503 naming what is down."""

from __future__ import annotations

import socket

import pytest
from django.db import OperationalError
from django.test import override_settings

from congress import health

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthz_is_ok_when_everything_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True}
    assert body["cache"] == {"ok": True}
    assert body["broker"] == {"ok": True}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_needs_no_login_and_shows_no_secrets(client, settings):
    body = client.get("/healthz").content.decode()
    assert settings.SECRET_KEY not in body
    assert "password" not in body.lower()


def test_healthz_is_503_naming_the_cache_when_redis_is_down(client):
    dead_redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    # A context manager, not the settings fixture: the shared teardown clears the real cache.
    with override_settings(CACHES=dead_redis):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["cache"]["ok"] is False and "Connection" in body["cache"]["error"]
    assert body["database"] == {"ok": True}


def test_healthz_is_503_naming_the_broker_when_it_is_down(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["broker"]["ok"] is False and body["broker"]["error"]
    assert body["cache"] == {"ok": True} and body["database"] == {"ok": True}


def test_healthz_is_503_naming_the_database_when_it_fails(client, monkeypatch):
    class BrokenConnection:
        def cursor(self):
            raise OperationalError("could not connect to server")

    monkeypatch.setattr(health, "connection", BrokenConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == {"ok": False, "error": "OperationalError"}
    assert body["cache"] == {"ok": True}


def test_healthz_is_503_when_the_cache_loses_what_it_stored(client, monkeypatch):
    from django.core.cache import cache

    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"]["ok"] is False
