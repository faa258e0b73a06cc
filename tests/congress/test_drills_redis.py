"""Reliability drill: Redis (the cache and the Celery broker) stops and comes back.

Every test runs against a real `redis-server` that the test starts on a free port, stops and
restarts (never the shared Redis). With Redis down, pages and form submissions work and nothing is
lost; when it is back, one sweep sends everything that is owed, exactly once.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from congress import resilience, sweep
from congress.models import DeadlineNotice, Notification, ObligationState
from congress.tasks import enqueue, send_pending_emails
from tests.congress.test_deadline_fixtures import *  # noqa: F403
from tests.congress.test_deadline_fixtures import at

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)


class RedisProcess:
    """A private, throw-away redis-server (no persistence: a restart starts empty, as a crashed
    Redis without AOF does — the drill must survive losing queued messages too)."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_connect_timeout=1)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.executable,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                if self.client().ping():
                    return
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def is_up(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.exceptions.ConnectionError:
            return False


@pytest.fixture
def redis_server():
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server; CI has it)")
    server = RedisProcess(executable)
    server.start()
    yield server
    server.stop()


def _reset_celery_pools(app) -> None:
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


@pytest.fixture
def on_redis(settings, redis_server, monkeypatch):
    """The cache and the broker on the private Redis, tasks really published (not eager), short
    breaker intervals so the test need not wait 10–30 s for a retry."""
    from congress.celery import app

    settings.CACHES = {
        "default": {
            "BACKEND": "congress.resilience.ResilientRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "congress",
            "TIMEOUT": 300,
            "RETRY_SECONDS": 0.2,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = redis_server.url
    # Overrides set on app.conf shadow the Django settings until removed: remember any that
    # existed and remove ours afterwards, so later tests read their own settings again.
    keys = ("broker_url", "task_always_eager")
    saved = {k: app.conf.changes[k] for k in keys if k in app.conf.changes}
    app.conf.broker_url = redis_server.url
    app.conf.task_always_eager = False
    _reset_celery_pools(app)
    monkeypatch.setattr(resilience.dispatch_breaker, "retry_seconds", 0.2)
    resilience.dispatch_breaker.reset()
    yield redis_server
    for key in keys:
        app.conf.changes.pop(key, None)
    app.conf.changes.update(saved)
    _reset_celery_pools(app)
    resilience.dispatch_breaker.reset()


def _queued(server: RedisProcess) -> int:
    """Messages waiting in Celery's default queue on the private Redis."""
    return server.client().llen("celery")


def _wait_retry() -> None:
    time.sleep(0.3)  # past both breakers' RETRY (0.2 s in these tests)


def test_the_cache_degrades_to_a_local_stand_in_and_invalidates_on_return(on_redis, caplog):
    cache.set("page", "before")
    assert on_redis.client().keys("*page*")
    on_redis.stop()
    with caplog.at_level(logging.WARNING, logger="congress.resilience"):
        assert cache.get("page") is None  # a miss, not an error
        cache.set("page", "during")
        assert cache.get("page") == "during"  # answered locally while the breaker is open
        cache.add("counter", 1)
        assert cache.incr("counter") == 2
        cache.delete("gone")
    assert [r.message for r in caplog.records].count(
        next(r.message for r in caplog.records if "unavailable" in r.message)
    ) == 1, "an outage is logged once, not on every call"
    # Redis comes back (empty, but imagine it kept the old value): the keys written during the
    # outage are dropped from it, so the stale "before" can never be read back.
    on_redis.start()
    on_redis.client().set(cache.make_and_validate_key("page"), b"stale")
    _wait_retry()
    assert cache.get("page") is None
    cache.set("page", "after")
    assert cache.get("page") == "after"
    assert on_redis.client().get(cache.make_and_validate_key("page")) is not None


def test_a_page_with_the_cache_down_does_not_wait_for_every_call(on_redis, client, settings):
    on_redis.stop()
    started = time.monotonic()
    for _ in range(50):
        cache.get("x")
    # Connection refused is fast anyway; a dead host is not: the breaker makes 50 reads one try.
    assert time.monotonic() - started < 2
    assert client.get(reverse("public:home")).status_code == 200


def test_healthz_names_the_cache_while_the_stand_in_answers(on_redis, client):
    assert client.get("/healthz").json()["cache"] == {"ok": True}
    on_redis.stop()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"]["ok"] is False
    assert "Redis unreachable" in response.json()["cache"]["error"]
    on_redis.start()
    _wait_retry()
    assert client.get("/healthz").json()["cache"] == {"ok": True}


def test_login_throttling_still_counts_with_the_cache_down(on_redis, client, settings, liaison):
    settings.LOGIN_MAX_FAILURES = 3
    on_redis.stop()
    url = reverse("login")
    for _ in range(3):
        response = client.post(url, {"username": liaison.username, "password": "wrong-password"})
        assert response.status_code == 200
    # The fourth try is refused even with the right password: the count lives in the
    # process-local stand-in while Redis is down (docs/security.md, "Redis outage").
    liaison.set_password("right-password-123")
    liaison.save()
    client.post(url, {"username": liaison.username, "password": "right-password-123"})
    assert "_auth_user_id" not in client.session
    # Another user is not affected, and logs in (sessions live in the database).
    other = liaison.__class__.objects.create_user("drill-user", password="drill-password-123")
    response = client.post(url, {"username": other.username, "password": "drill-password-123"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


def test_enqueue_fails_fast_and_never_raises_while_the_broker_is_down(on_redis, caplog):
    assert enqueue(send_pending_emails) is True
    assert _queued(on_redis) == 1  # really published
    on_redis.stop()
    with caplog.at_level(logging.WARNING, logger="congress.tasks"):
        assert enqueue(send_pending_emails) is False
        started = time.monotonic()
        assert enqueue(send_pending_emails) is False  # breaker open: no second timeout
        assert time.monotonic() - started < 0.1
    assert sum("could not enqueue" in r.message for r in caplog.records) == 1
    on_redis.start()
    _wait_retry()
    assert enqueue(send_pending_emails) is True
    assert _queued(on_redis) == 1


@pytest.fixture
def suggestion_category(db):
    from motions.suggestions.models import Category

    return Category.objects.create(name="城市建设")


def test_redis_outage_drill_forms_pages_then_one_sweep_sends_everything_once(
    on_redis, client, settings, time_machine, make_obligation, liaison, staff, deputy, term,
    suggestion_category,
):  # fmt: skip
    time_machine.move_to(at(TODAY), tick=False)
    from motions.suggestions.models import Suggestion

    settings.PUBLIC_PAGE_CACHE = True  # the public page cache (congress/caching.py) in play
    public_pages = ("public:home", "suggestions:public_stats", "motions:public_list")
    for name in public_pages:  # cached in Redis before the outage
        assert client.get(reverse(name)).status_code == 200, name
    report = make_obligation("2026-03-31", title="教委年度报告")
    reminder_due = make_obligation("2026-03-11", title="明天到期的报告")  # 1-day reminder owed
    mail.outbox.clear()

    # --- Redis stops --------------------------------------------------------------------------
    on_redis.stop()
    assert not on_redis.is_up()

    # A unit submits a report: 302, the report is stored, the supervising staff's notice is in
    # their inbox (a database row) with its e-mail pending.
    client.force_login(liaison)
    response = client.post(
        reverse("portal:obligation_submit", args=[report.pk]),
        {"title": "教委年度执行情况报告", "text": "全年执行情况如下。"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ObligationState.SUBMITTED
    assert report.documents.get().title == "教委年度执行情况报告"
    owed = Notification.objects.filter(recipient=staff, kind="deadline.submitted")
    assert owed.count() == 1 and owed.get().email_state == "pending"
    assert client.get(reverse("portal:obligations")).status_code == 200

    # A deputy files a suggestion: 302, the row exists.
    client.force_login(deputy)
    response = client.post(
        reverse("suggestions:portal_new"),
        {
            "title": "关于在Redis停机时提交建议的建议",
            "category": suggestion_category.pk,
            "content": "建议照常受理。",
        },
    )
    assert response.status_code == 302, response.content[:500]
    assert Suggestion.objects.filter(title="关于在Redis停机时提交建议的建议").exists()
    assert client.get(reverse("suggestions:portal_list")).status_code == 200

    # Public pages render for anonymous visitors.
    client.logout()
    for name in public_pages:
        assert client.get(reverse(name)).status_code == 200, name

    # Nothing was sent, and nothing could be enqueued.
    assert mail.outbox == []

    # --- Redis comes back, empty (its queue was lost with it) ---------------------------------
    on_redis.start()
    _wait_retry()
    assert _queued(on_redis) == 0

    result = sweep.sweep(now=at(TODAY))  # ONE sweep

    # Everything owed is done: the submitted-report e-mail and the 1-day reminder, once each.
    owed_mail = [m for m in mail.outbox if staff.email in m.to]
    assert any("教委年度报告" in m.subject or "教委年度报告" in m.body for m in owed_mail)
    reminder = DeadlineNotice.objects.filter(obligation=reminder_due, kind="reminder")
    assert reminder.count() == 1
    assert not Notification.objects.filter(email_state="pending").exists()
    sent = len(mail.outbox)
    assert sent == result.emails and sent >= 2
    assert {tuple(m.to) for m in mail.outbox} >= {(liaison.email,), (staff.email,)}

    # A second sweep and the task the broker now carries again send nothing more.
    sweep.sweep(now=at(TODAY))
    assert send_pending_emails() == 0
    assert len(mail.outbox) == sent


def test_a_failure_in_eager_mode_does_not_open_the_dispatch_breaker(monkeypatch, settings):
    """Eager mode has no broker: a simulated outage in one test must not make the next test's
    tasks silently skipped for 30 s."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    resilience.dispatch_breaker.reset()

    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(send_pending_emails, "apply_async", down)
    assert enqueue(send_pending_emails) is False
    assert not resilience.dispatch_breaker.is_open
    monkeypatch.undo()
    assert enqueue(send_pending_emails) is True
