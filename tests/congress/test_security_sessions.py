"""Sessions: absolute lifetime, key rotation, cookie flags, refused-access log, revocation."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from congress.models import Membership, Role
from congress.security import end_sessions
from tests.factories import UserFactory

START = dt.datetime(2026, 11, 26, 1, 0, tzinfo=dt.UTC)
DASHBOARD = "/portal/"


def sessions_of(user) -> int:
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    return sum(
        1
        for data in Session.objects.values_list("session_data", flat=True)
        if store.decode(data).get("_auth_user_id") == str(user.pk)
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get(DASHBOARD).status_code == 200
    return client


def assert_logged_out(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- Lifetime ------------------------------------------------------------------------------------


def test_a_busy_session_still_ends_at_the_absolute_lifetime(db, deputy, settings):
    settings.SESSION_IDLE_SECONDS = 30 * 60
    settings.SESSION_COOKIE_AGE = 12 * 3600
    client = Client()
    with time_machine.travel(START, tick=False):
        client.force_login(deputy)
    # A request every 20 minutes keeps it from idling, up to 11 h 40 min …
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(START + dt.timedelta(minutes=minutes), tick=False):
            assert client.get(DASHBOARD).status_code == 200, minutes
    # … but 12 hours after the login it is over, however busy.
    with time_machine.travel(START + dt.timedelta(hours=12), tick=False):
        assert_logged_out(client)


def test_the_stored_session_expires_at_the_absolute_end_too(db, deputy, settings):
    """The cookie and the database row are not pushed forward by activity."""
    settings.SESSION_COOKIE_AGE = 12 * 3600
    settings.SESSION_IDLE_SECONDS = 6 * 3600
    client = Client()
    with time_machine.travel(START, tick=False):
        client.force_login(deputy)
    with time_machine.travel(START + dt.timedelta(hours=5), tick=False):
        assert client.get(DASHBOARD).status_code == 200
        row = Session.objects.get(session_key=client.session.session_key)
    assert abs(row.expire_date - (START + dt.timedelta(hours=12))) <= dt.timedelta(seconds=2)


def test_login_rotates_the_session_key(client, deputy):
    client.get("/accounts/login/")
    client.session.save()
    anonymous_key = client.session.session_key
    client.post("/accounts/login/", {"username": "liming", "password": "pass-word-123"})
    assert client.session.session_key != anonymous_key
    assert not Session.objects.filter(session_key=anonymous_key).exists()


def test_session_cookie_flags(client, deputy, settings):
    settings.SESSION_COOKIE_SECURE = True  # what production (DEBUG=0) sets
    settings.CSRF_COOKIE_SECURE = True
    response = client.post("/accounts/login/", {"username": "liming", "password": "pass-word-123"})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE


@pytest.mark.parametrize(
    "password",
    ["short1!", "password123", "12345678", "qwertyuiop"],
)
def test_password_rules_refuse_short_common_and_numeric(db, password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_password_rules_accept_a_decent_password(db):
    validate_password("海淀人大-2026-履职")


# --- Security log ----------------------------------------------------------------------------


def test_refused_and_hidden_accesses_are_logged(client, deputy, liaison, caplog):
    client.force_login(liaison)
    with caplog.at_level(logging.INFO, logger="congress.security"):
        forbidden = client.get(reverse("portal:deadlines"), REMOTE_ADDR="10.2.3.4")
        missing = client.get("/portal/obligations/999999/", REMOTE_ADDR="10.2.3.4")
    assert forbidden.status_code == 403 and missing.status_code == 404
    assert (
        "access refused user=liaison address=10.2.3.4 path=/portal/deadlines/ reason=403"
        in caplog.text
    )
    assert "path=/portal/obligations/999999/ reason=404" in caplog.text


def test_anonymous_api_refusal_is_logged(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="congress.security"):
        response = client.get("/api/obligations/", REMOTE_ADDR="10.7.7.7")
    assert response.status_code in (401, 403)
    assert "access refused user=- address=10.7.7.7" in caplog.text


# --- Revocation ------------------------------------------------------------------------------


def test_disabling_a_user_ends_their_sessions(db, deputy, other_deputy):
    first, second = logged_in(deputy), logged_in(deputy)
    bystander = logged_in(other_deputy)
    deputy.is_active = False
    deputy.save()
    assert sessions_of(deputy) == 0
    assert_logged_out(first)
    assert_logged_out(second)
    assert bystander.get(DASHBOARD).status_code == 200


def test_removing_a_staff_membership_ends_sessions_and_access(db, staff):
    client = logged_in(staff)
    assert client.get(reverse("portal:deadlines")).status_code == 200
    membership = Membership.objects.get(user=staff, role=Role.STAFF)
    membership.is_active = False
    membership.save()
    assert sessions_of(staff) == 0
    assert_logged_out(client)


def test_deleting_a_liaison_membership_ends_sessions(db, liaison):
    client = logged_in(liaison)
    Membership.objects.filter(user=liaison, role=Role.LIAISON).get().delete()
    assert_logged_out(client)
    # Logged in again, the old unit's pages are refused at once (no cached role).
    client.force_login(liaison)
    assert client.get(reverse("portal:obligations")).status_code in (403, 404)


def test_moving_a_recorder_to_another_street_ends_sessions(db, recorder, other_street):
    client = logged_in(recorder)
    membership = Membership.objects.get(user=recorder, role=Role.RECORDER)
    membership.street = other_street
    membership.save()
    assert_logged_out(client)


def test_ending_a_deputy_mandate_ends_sessions(db, deputy):
    from deputies.models import MandateStatus

    client = logged_in(deputy)
    mandate = deputy.deputy.mandates.get()
    mandate.status = MandateStatus.RESIGNED
    mandate.ended_on = dt.date(2026, 11, 1)
    mandate.save()
    assert_logged_out(client)


def test_removing_a_group_ends_sessions(db, deputy):
    client = logged_in(deputy)
    deputy.groups.remove(Group.objects.get(name="deputy"))
    assert_logged_out(client)


def test_taking_away_superuser_status_ends_sessions(db, superuser):
    client = logged_in(superuser)
    superuser.is_superuser = False
    superuser.save()
    assert_logged_out(client)


def test_unrelated_changes_keep_sessions(db, deputy, staff):
    client = logged_in(deputy)
    deputy.display_name = "李明（新）"
    deputy.save()
    membership = Membership.objects.get(user=staff)
    membership.save()  # saved unchanged
    staff_client = logged_in(staff)
    assert client.get(DASHBOARD).status_code == 200
    assert staff_client.get(DASHBOARD).status_code == 200


def test_granting_a_role_takes_effect_on_the_next_request_without_logout(db, liaison, other_unit):
    client = logged_in(liaison)
    Membership.objects.create(user=liaison, role=Role.LIAISON, unit=other_unit)
    assert client.get(DASHBOARD).status_code == 200  # still logged in, new unit readable now


def test_end_sessions_counts_only_that_user(db):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    logged_in(alice), logged_in(alice), logged_in(bob)
    assert end_sessions(alice.pk) == 2
    assert sessions_of(bob) == 1
