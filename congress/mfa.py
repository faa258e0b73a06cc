"""Second factor (TOTP, with single-use backup codes) on top of the password login.

Who must pass it: staff accounts (`is_staff`, which `access.sync_groups` keeps in step with staff
office memberships, and superusers), everybody when `MFA_REQUIRED_FOR_ALL` is on, and anybody who
turned it on for their own account (deputies, unit liaisons…). A session is *verified* once the
user typed a valid code after the password; the mark lives in the session (no query per request)
and a new password login starts unverified. Until verified, `SecondFactorMiddleware` lets the
account reach only the login, logout and second-factor pages (and static files): HTML requests
are sent to the code page (or to enrolment when the account has no device yet), API requests get a
structured 403. The admin's own login is covered the same way: after its password form the admin
index is behind the middleware too.

Devices are django-otp's: `TOTPDevice` (an authenticator app, RFC 6238, 30 s steps, one step of
tolerance, a code is accepted once) and `StaticDevice` (10 backup codes, each usable once).
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from congress.security import client_address

log = logging.getLogger("congress.security")

# Session keys: the user whose second factor this session passed, and "this account has a device"
# (computed once at login, so that the middleware needs no query per request).
VERIFIED = "_congress_mfa_user"
ENROLLED = "_congress_mfa_enrolled"

BACKUP_CODES = 10

# The demo's fixed TOTP secret (RFC 6238's test key "12345678901234567890"), only ever given to the
# demo's staff logins by `seed_demo`; base32 for authenticator apps: GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ.
DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"
DEMO_TOTP_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

# Paths an unverified account may still reach: log in/out, the second-factor pages, assets.
EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/admin/logout/", "/healthz", "/favicon")


def must_use_second_factor(user) -> bool:
    """Accounts that may not work without a second factor, whatever they chose."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or settings.MFA_REQUIRED_FOR_ALL)


def confirmed_devices(user) -> list:
    """The user's confirmed devices (TOTP first, then backup codes)."""
    totp = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    static = list(StaticDevice.objects.filter(user=user, confirmed=True))
    return totp + static


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def needs_second_factor(request) -> bool:
    """This request's user has to show a second factor in this session (verified or not)."""
    user = request.user
    return must_use_second_factor(user) or bool(request.session.get(ENROLLED))


def is_verified(request) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return request.session.get(VERIFIED) == user.pk


def mark_verified(request, device) -> None:
    """The user just proved the second factor: rotate the session key and remember it."""
    request.session.cycle_key()  # a privilege change gets a new session key
    request.session[VERIFIED] = request.user.pk
    request.session[ENROLLED] = True
    request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id


def forget_verification(request) -> None:
    for key in (VERIFIED, ENROLLED, DEVICE_ID_SESSION_KEY):
        request.session.pop(key, None)


@receiver(user_logged_in)
def _on_password_login(sender, request, user, **kwargs):
    """A password login starts unverified; remember whether the account has a device."""
    if request is None or not hasattr(request, "session"):
        return
    request.session.pop(VERIFIED, None)
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session[ENROLLED] = has_authenticator(user)


def verify_code(request, code: str):
    """The device that accepts `code` for the request's user, or None (failure logged)."""
    code = "".join(str(code or "").split())
    user = request.user
    device = None
    if code and len(code) <= 16:
        for candidate in confirmed_devices(user):
            if candidate.verify_is_allowed()[0] and candidate.verify_token(code):
                device = candidate
                break
    if device is None:
        log.warning(
            "second factor failed user=%s address=%s",
            user.get_username(),
            client_address(request),
        )
    else:
        log.info(
            "second factor ok user=%s address=%s device=%s",
            user.get_username(),
            client_address(request),
            type(device).__name__,
        )
    return device


def new_backup_codes(user) -> list[str]:
    """Replace the user's backup codes with 10 fresh ones (shown once)."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="backup", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def remove_devices(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def demo_code(device: TOTPDevice, *, now: float | None = None) -> str:
    """The code `device` accepts next: the current step, or a later one within its tolerance
    when the current step's code was already used (a code is accepted only once)."""
    now = time.time() if now is None else now
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = now
    step = totp.t()
    if step <= device.last_t:
        step = device.last_t + 1
    if step > totp.t() + device.tolerance:
        raise ValueError("wait for the next 30-second step")
    totp.time = device.t0 + step * device.step
    return f"{totp.token():0{device.digits}d}"


class SecondFactorMiddleware:
    """Keeps accounts that need a second factor out until they passed it in this session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and needs_second_factor(request)
            and not is_verified(request)
        ):
            return self.refuse(request)
        return self.get_response(request)

    def refuse(self, request):
        log.info(
            "second factor required user=%s address=%s path=%s",
            request.user.get_username(),
            client_address(request),
            request.path,
        )
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "error": {
                        "code": "second_factor_required",
                        "message": _("Confirm your login with a second factor first."),
                        "fields": {},
                    }
                },
                status=403,
            )
        target = "mfa_verify" if request.session.get(ENROLLED) else "mfa_setup"
        return redirect(
            reverse(target) + "?" + urlencode({"next": request.get_full_path()}),
        )
