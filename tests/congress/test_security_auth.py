"""Login throttling with a finite cool-off, idle session timeout, security log."""

import datetime as dt
import logging

import pytest
import time_machine
from django.urls import reverse

from tests.factories import UserFactory

LOGIN = "/accounts/login/"
START = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def person(db):
    return UserFactory(username="clerk", password="right-pass-123")


def _login(client, username, password, addr="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=addr)


def test_successful_login_starts_a_new_session(client, person):
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    response = _login(client, "clerk", "right-pass-123")
    assert response.status_code == 302
    assert client.session.session_key != before


def test_too_many_failures_refuse_even_the_right_password_from_that_address(
    client, person, settings
):
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_COOLOFF_SECONDS = 600
    for _ in range(3):
        assert _login(client, "clerk", "wrong").status_code == 200
    response = _login(client, "clerk", "right-pass-123")
    assert response.status_code == 200
    assert "次数过多" in response.content.decode()
    # Another address is not affected: no lockout that an attacker can impose on the owner.
    assert _login(client, "clerk", "right-pass-123", addr="10.0.0.2").status_code == 302


def test_cooloff_is_finite(client, person, settings):
    # Time travel moves the local-memory cache's clock, not a Redis server's.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "cooloff",
        }
    }
    settings.LOGIN_MAX_FAILURES = 2
    settings.LOGIN_COOLOFF_SECONDS = 60
    with time_machine.travel(START, tick=False):
        for _ in range(2):
            _login(client, "clerk", "wrong")
        assert _login(client, "clerk", "right-pass-123").status_code == 200
    with time_machine.travel(START + dt.timedelta(seconds=120), tick=False):
        assert _login(client, "clerk", "right-pass-123").status_code == 302


def test_login_outcomes_are_logged_with_user_and_address(client, person, caplog):
    with caplog.at_level(logging.INFO, logger="congress.security"):
        _login(client, "clerk", "wrong", addr="10.9.8.7")
        _login(client, "clerk", "right-pass-123", addr="10.9.8.7")
    assert "login failed user=clerk address=10.9.8.7" in caplog.text
    assert "login ok user=clerk address=10.9.8.7" in caplog.text


def test_idle_session_is_logged_out(client, person, settings):
    settings.SESSION_IDLE_SECONDS = 1800
    with time_machine.travel(START, tick=False):
        _login(client, "clerk", "right-pass-123")
        assert client.get(reverse("portal:dashboard")).status_code == 200
    with time_machine.travel(START + dt.timedelta(minutes=20), tick=False):
        assert client.get(reverse("portal:dashboard")).status_code == 200  # still active
    with time_machine.travel(START + dt.timedelta(minutes=55), tick=False):
        response = client.get(reverse("portal:dashboard"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_admin_login_is_throttled_too(client, person, settings):
    settings.LOGIN_MAX_FAILURES = 2
    person.is_staff = True
    person.save()
    for _ in range(2):
        client.post(
            "/admin/login/", {"username": "clerk", "password": "wrong"}, REMOTE_ADDR="10.0.0.5"
        )
    response = client.post(
        "/admin/login/", {"username": "clerk", "password": "right-pass-123"}, REMOTE_ADDR="10.0.0.5"
    )
    assert response.status_code == 200
    assert "次数过多" in response.content.decode()
