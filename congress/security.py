"""Authentication safeguards: login throttling, session inactivity timeout, security logging.

- Throttling counts failed logins per (username, client address) in the cache and refuses further
  attempts for a finite cool-off; an attacker can slow one name from one address, never lock an
  account out for good (the owner logs in from another address, or after the cool-off).
- Sessions end after `SESSION_IDLE_SECONDS` without a request, and in any case after
  `SESSION_COOKIE_AGE` (absolute lifetime, counted from login because the session is not re-saved
  on every request).
- Every login success and failure, logout and refused access is logged with time, user and address
  to the `congress.security` logger.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

log = logging.getLogger("congress.security")

SESSION_LAST_SEEN = "_congress_last_seen"


def client_address(request) -> str:
    if request is None:
        return "-"
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):  # behind our reverse proxy
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "-")


def _throttle_key(username: str, address: str) -> str:
    digest = hashlib.sha256(f"{username.strip().lower()}|{address}".encode()).hexdigest()[:32]
    return f"login-fail:{digest}"


def failures(username: str, address: str) -> int:
    try:
        return int(cache.get(_throttle_key(username, address), 0))
    except Exception:  # the cache is down: do not lock anybody out because of it
        return 0


def record_failure(username: str, address: str) -> None:
    key = _throttle_key(username, address)
    try:
        if not cache.add(key, 1, settings.LOGIN_COOLOFF_SECONDS):
            cache.incr(key)
    except Exception:
        log.warning("login throttle cache unavailable")


def clear_failures(username: str, address: str) -> None:
    with contextlib.suppress(Exception):  # a cache outage only delays the reset
        cache.delete(_throttle_key(username, address))


class ThrottleMixin:
    """Refuses login attempts while a (username, address) pair is cooling off."""

    throttled_message = _("Too many failed attempts. Wait %(minutes)d minutes and try again.")

    def clean(self):
        username = self.data.get("username", "")
        address = client_address(self.request)
        if failures(username, address) >= settings.LOGIN_MAX_FAILURES:
            log.warning("login throttled user=%s address=%s", username[:150], address)
            raise ValidationError(
                self.throttled_message,
                code="throttled",
                params={"minutes": max(1, settings.LOGIN_COOLOFF_SECONDS // 60)},
            )
        return super().clean()


class ThrottledAuthenticationForm(ThrottleMixin, AuthenticationForm):
    """The portal's login form."""


class ThrottledAdminAuthenticationForm(ThrottleMixin, AdminAuthenticationForm):
    """The admin's login form: the same throttle, so the admin is no way around it."""


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))
    address = client_address(request)
    record_failure(username, address)
    log.warning("login failed user=%s address=%s", username[:150], address)


@receiver(user_logged_in)
def _on_logged_in(sender, request, user, **kwargs):
    address = client_address(request)
    clear_failures(user.get_username(), address)
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_LAST_SEEN] = int(time.time())
    log.info("login ok user=%s address=%s", user.get_username(), address)


@receiver(user_logged_out)
def _on_logged_out(sender, request, user, **kwargs):
    log.info("logout user=%s address=%s", getattr(user, "username", "-"), client_address(request))


def log_refused(request, reason: str) -> None:
    user = getattr(request, "user", None)
    log.warning(
        "access refused user=%s address=%s path=%s reason=%s",
        user.get_username() if user is not None and user.is_authenticated else "-",
        client_address(request),
        request.path,
        reason,
    )


class SessionIdleTimeoutMiddleware:
    """Log the user out after SESSION_IDLE_SECONDS without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(SESSION_LAST_SEEN)
            if last is not None and now - int(last) > settings.SESSION_IDLE_SECONDS:
                log.info(
                    "session expired (idle) user=%s address=%s",
                    user.get_username(),
                    client_address(request),
                )
                logout(request)
            elif last is None or now - int(last) >= 60:  # write at most once a minute
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)
