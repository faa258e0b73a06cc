"""Second factor: staff must pass it (portal, admin, staff API); others may turn it on and off."""

from __future__ import annotations

import logging
import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from congress import mfa
from tests.factories import UserFactory

LOGIN = "/accounts/login/"
PASSWORD = "pass-word-123"  # UserFactory's


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():06d}"


def password_login(client, username, next_url=""):
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


@pytest.fixture(autouse=True)
def _no_throttle_delay(settings):
    """django-otp waits 1, 2, 4… seconds after wrong codes; tests retry at once (one test below
    keeps the delay)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def staff_device(staff):
    return TOTPDevice.objects.create(user=staff, name="app", confirmed=True)


def test_staff_without_a_device_is_sent_to_enrolment_after_the_password(client, staff):
    response = password_login(client, "staff")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_setup"))
    # Until enrolled, no staff page, no admin, no staff API.
    page = client.get(reverse("portal:deadlines"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("mfa_setup"))
    admin = client.get("/admin/")
    assert admin.status_code == 302 and admin["Location"].startswith(reverse("mfa_setup"))
    api = client.get("/api/obligations/")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "second_factor_required"


def test_enrolment_shows_a_qr_image_and_confirms_with_a_code(client, staff):
    password_login(client, "staff")
    page = client.get(reverse("mfa_setup"))
    html = page.content.decode()
    assert page.status_code == 200
    assert f'src="{reverse("mfa_qr")}"' in html and "<script" not in html.split("<main")[-1]
    qr = client.get(reverse("mfa_qr"))
    assert qr["Content-Type"] == "image/svg+xml" and qr.content.startswith(b"<?xml")
    assert b"<script" not in qr.content and "no-store" in qr["Cache-Control"]
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert mfa.DEMO_TOTP_BASE32 not in html  # a random key, not the demo's

    bad = client.post(reverse("mfa_setup"), {"code": "000000"})
    assert bad.status_code == 200 and "不正确" in bad.content.decode()
    assert client.get(reverse("portal:deadlines")).status_code == 302

    done = client.post(reverse("mfa_setup"), {"code": code_for(device)})
    assert done.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    codes = StaticDevice.objects.get(user=staff).token_set.values_list("token", flat=True)
    assert len(codes) == 10 and all(c in done.content.decode() for c in codes)
    assert client.get(reverse("portal:deadlines")).status_code == 200
    assert client.get("/admin/").status_code == 200


def test_a_password_alone_cannot_add_a_device_to_an_enrolled_account(client, staff, staff_device):
    password_login(client, "staff")
    response = client.get(reverse("mfa_setup"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_verify"))
    assert client.get(reverse("mfa_qr")).status_code == 404
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_staff_with_a_device_must_type_the_code(client, staff, staff_device, caplog):
    response = password_login(client, "staff", next_url="/portal/deadlines/")
    assert response["Location"].startswith(reverse("mfa_verify"))
    assert client.get("/portal/deadlines/").status_code == 302
    with caplog.at_level(logging.INFO, logger="congress.security"):
        wrong = client.post(
            reverse("mfa_verify"),
            {"code": "123456", "next": "/portal/deadlines/"},
            REMOTE_ADDR="10.1.1.1",
        )
    assert wrong.status_code == 200 and "不正确" in wrong.content.decode()
    assert "second factor failed user=staff address=10.1.1.1" in caplog.text
    key_before = client.session.session_key
    ok = client.post(
        reverse("mfa_verify"), {"code": code_for(staff_device), "next": "/portal/deadlines/"}
    )
    assert ok.status_code == 302 and ok["Location"] == "/portal/deadlines/"
    assert client.session.session_key != key_before  # the key rotates when the session is raised
    assert client.get("/portal/deadlines/").status_code == 200


def test_wrong_codes_slow_down_further_tries(client, staff, staff_device, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    settings.OTP_STATIC_THROTTLE_FACTOR = 1
    password_login(client, "staff")
    client.post(reverse("mfa_verify"), {"code": "111111"})
    right_too_soon = client.post(reverse("mfa_verify"), {"code": code_for(staff_device)})
    assert right_too_soon.status_code == 200
    assert "稍候" in right_too_soon.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_code_works_only_once(client, staff, staff_device):
    code = code_for(staff_device)
    password_login(client, "staff")
    assert client.post(reverse("mfa_verify"), {"code": code}).status_code == 302
    other = type(client)()
    password_login(other, "staff")
    again = other.post(reverse("mfa_verify"), {"code": code})
    assert again.status_code == 200  # replayed code refused


def test_a_backup_code_works_once(client, staff, staff_device):
    codes = mfa.new_backup_codes(staff)
    password_login(client, "staff")
    assert client.post(reverse("mfa_verify"), {"code": codes[0]}).status_code == 302
    other = type(client)()
    password_login(other, "staff")
    assert other.post(reverse("mfa_verify"), {"code": codes[0]}).status_code == 200
    assert other.post(reverse("mfa_verify"), {"code": codes[1]}).status_code == 302


def test_the_admin_login_leads_to_the_second_factor_too(client, staff, staff_device):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "staff", "password": PASSWORD}
    )
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302 and follow["Location"].startswith(reverse("mfa_verify"))
    assert client.get("/admin/congress/user/").status_code == 302


def test_a_superuser_needs_it_as_well(client, superuser):
    password_login(client, "root")
    assert client.get("/admin/").status_code == 302


def test_a_deputy_works_without_it_unless_turned_on(client, deputy):
    response = password_login(client, "liming")
    assert response.status_code == 302 and response["Location"] == reverse("portal:dashboard")
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_a_deputy_turns_it_on_then_needs_it_then_turns_it_off(client, deputy):
    password_login(client, "liming")
    page = client.get(reverse("mfa_setup"))
    assert page.status_code == 200 and reverse("mfa_qr") in page.content.decode()
    device = TOTPDevice.objects.get(user=deputy)
    assert client.post(reverse("mfa_setup"), {"code": code_for(device)}).status_code == 200

    fresh = type(client)()
    assert password_login(fresh, "liming")["Location"].startswith(reverse("mfa_verify"))
    assert fresh.get(reverse("portal:dashboard")).status_code == 302
    assert fresh.post(reverse("mfa_verify"), {"code": code_for(device, 1)}).status_code == 302
    assert fresh.get(reverse("portal:dashboard")).status_code == 200

    # Turning it off needs a valid code.
    refused = fresh.post(reverse("mfa_disable"), {"code": "000000"})
    assert refused.status_code == 200 and TOTPDevice.objects.filter(user=deputy).exists()
    backup = StaticDevice.objects.get(user=deputy).token_set.first().token
    off = fresh.post(reverse("mfa_disable"), {"code": backup})
    assert off.status_code == 302
    assert not TOTPDevice.objects.filter(user=deputy).exists()
    assert password_login(type(client)(), "liming")["Location"] == reverse("portal:dashboard")


def test_staff_cannot_turn_it_off(client, staff, staff_device):
    password_login(client, "staff")
    client.post(reverse("mfa_verify"), {"code": code_for(staff_device)})
    response = client.post(reverse("mfa_disable"), {"code": code_for(staff_device, 1)})
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=staff).exists()


def test_a_setting_requires_it_for_everybody(client, deputy, settings):
    settings.MFA_REQUIRED_FOR_ALL = True
    response = password_login(client, "liming")
    assert response["Location"].startswith(reverse("mfa_setup"))
    assert client.get(reverse("portal:dashboard")).status_code == 302


def test_verification_does_not_carry_over_to_another_login(client, staff, staff_device):
    password_login(client, "staff")
    client.post(reverse("mfa_verify"), {"code": code_for(staff_device)})
    assert client.get("/admin/").status_code == 200
    client.post("/accounts/logout/")
    password_login(client, "staff")
    assert client.get("/admin/").status_code == 302


def test_the_next_parameter_cannot_leave_the_site(client, staff, staff_device):
    password_login(client, "staff")
    response = client.post(
        reverse("mfa_verify"), {"code": code_for(staff_device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("portal:dashboard")


def test_force_login_helpers(client, staff, force_login_without_second_factor):
    """The conftest helpers: force_login passes the second factor for staff; the fixture not."""
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    other = type(client)()
    force_login_without_second_factor(other, staff)
    assert other.get("/admin/").status_code == 302


def test_demo_code_is_accepted_and_then_the_next_one(db):
    user = UserFactory(username="demo-staff")
    device = TOTPDevice.objects.create(
        user=user, name="demo", key=mfa.DEMO_TOTP_KEY_HEX, confirmed=True
    )
    first = mfa.demo_code(device)
    assert device.verify_token(first)
    device.refresh_from_db()
    second = mfa.demo_code(device)  # the same step's code is used: the next step's
    assert second != first or device.tolerance == 0
    assert device.verify_token(second)


def test_demo_totp_command_prints_a_code_the_code_page_accepts(client, staff):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from congress.demo import _seed_demo_second_factor
    from congress.demo_support import DemoContext

    _seed_demo_second_factor(DemoContext(verbosity=0), ["staff"])
    _seed_demo_second_factor(DemoContext(verbosity=0), ["staff"])  # a second seed changes nothing
    assert TOTPDevice.objects.filter(user=staff, key=mfa.DEMO_TOTP_KEY_HEX).count() == 1
    for _ in range(2):  # twice in a row: the second login gets the next step's code
        out = StringIO()
        call_command("demo_totp", "staff", stdout=out)
        fresh = type(client)()
        password_login(fresh, "staff")
        assert (
            fresh.post(reverse("mfa_verify"), {"code": out.getvalue().strip()}).status_code == 302
        )
        assert fresh.get("/admin/").status_code == 200
    with pytest.raises(CommandError):
        call_command("demo_totp", "nobody", stdout=StringIO())
