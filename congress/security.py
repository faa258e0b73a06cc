"""Authentication safeguards: login throttling, session inactivity timeout, security logging.

- Throttling counts failed logins per (username, client address) in the cache and refuses further
  attempts for a finite cool-off; an attacker can slow one name from one address, never lock an
  account out for good (the owner logs in from another address, or after the cool-off).
- Sessions end after `SESSION_IDLE_SECONDS` without a request, and in any case
  `SESSION_COOKIE_AGE` (env SESSION_ABSOLUTE_SECONDS) after the login: the login time is kept in
  the session, so a session kept busy still ends; cookie and stored session expire together.
- Every login success and failure, logout, second-factor failure and refused access (401/403, and
  404 for a signed-in user: what object-level checks answer for others' objects) is logged with
  time, user and address to the `congress.security` logger.
- Revocation: disabling a user, taking away staff/superuser status, a group, a membership (staff
  office, unit liaison, street recorder), a deputy's mandate or an expert profile ends every
  session of that user at once (`end_sessions`). Roles are read from the database on each request
  (`access.actor_for` caches only on the request's user object), so nothing stale survives.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
from importlib import import_module

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
SESSION_LOGIN_AT = "_congress_login_at"


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
        request.session[SESSION_LOGIN_AT] = int(time.time())
        request.session.set_expiry(None)  # the absolute lifetime counts from this login
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
    """End sessions idle for SESSION_IDLE_SECONDS or older than SESSION_COOKIE_AGE; log
    every refused access (401, 403; 404 for signed-in users)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self.check_session(request, user)
        response = self.get_response(request)
        status = response.status_code
        if status in (401, 403):
            log_refused(request, str(status))
        elif status == 404 and user is not None and user.is_authenticated:
            log_refused(request, "404")
        return response

    @staticmethod
    def check_session(request, user) -> None:
        now = int(time.time())
        session = request.session
        last = session.get(SESSION_LAST_SEEN)
        login_at = session.get(SESSION_LOGIN_AT)
        reason = None
        if last is not None and now - int(last) > settings.SESSION_IDLE_SECONDS:
            reason = "idle"
        elif login_at is not None and now - int(login_at) >= settings.SESSION_COOKIE_AGE:
            reason = "absolute lifetime"
        if reason:
            log.info(
                "session expired (%s) user=%s address=%s",
                reason,
                user.get_username(),
                client_address(request),
            )
            logout(request)
            return
        if login_at is None:  # a session from before this rule: count from now
            session[SESSION_LOGIN_AT] = now
        if last is None or now - int(last) >= 60:  # write at most once a minute
            session[SESSION_LAST_SEEN] = now
            # Saving would push the stored expiry forward: keep it at the absolute end.
            session.set_expiry(
                max(1, int(session.get(SESSION_LOGIN_AT, now)) + settings.SESSION_COOKIE_AGE - now)
            )


# --- Revocation ------------------------------------------------------------------------------


def end_sessions(user_id: int) -> int:
    """Delete every stored session of `user_id` (database or cached_db session engine).

    Sessions carry the user id only inside their encoded data, so the live ones (not yet expired:
    at most SESSION_COOKIE_AGE old) are decoded one by one; a district portal has hundreds,
    not millions. Returns how many were ended.
    """
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    engine = import_module(settings.SESSION_ENGINE)
    store = engine.SessionStore()
    wanted = str(user_id)
    ended = []
    for key, data in (
        Session.objects.filter(expire_date__gt=timezone.now())
        .values_list("session_key", "session_data")
        .iterator(chunk_size=500)
    ):
        if store.decode(data).get("_auth_user_id") == wanted:
            ended.append(key)
    for key in ended:
        engine.SessionStore(session_key=key).delete()  # also drops a cached_db copy
    if ended:
        log.info("sessions ended user_id=%s count=%s", user_id, len(ended))
    return len(ended)


def _end(user_id) -> None:
    """End the user's sessions now (if the change is then rolled back, they only log in again)."""
    if user_id is not None:
        end_sessions(user_id)


# What each watched model looked like when loaded, to see on save whether a right was removed.
_WATCHED = {
    "congress.User": ("is_active", "is_staff", "is_superuser"),
    "congress.Membership": ("user_id", "role", "unit_id", "street_id", "is_active"),
    "deputies.Mandate": ("deputy_id", "status", "ended_on"),
    "deputies.Deputy": ("user_id",),
    "experts.Expert": ("user_id",),
}


def _remember(sender, instance, **kwargs):
    fields = _WATCHED[sender._meta.label]
    instance._congress_loaded = tuple(instance.__dict__.get(f) for f in fields)


def _removed(instance) -> tuple | None:
    """The loaded values if the row existed and a watched field changed, else None."""
    loaded = getattr(instance, "_congress_loaded", None)
    if loaded is None or instance._state.adding:
        return None
    fields = _WATCHED[instance._meta.label]
    now = tuple(instance.__dict__.get(f) for f in fields)
    return loaded if now != loaded else None


def _user_saved(sender, instance, created, **kwargs):
    before = _removed(instance) if not created else None
    if before is not None:
        was_active, was_staff, was_super = before
        if (
            (was_active and not instance.is_active)
            or (was_staff and not instance.is_staff)
            or (was_super and not instance.is_superuser)
        ):
            _end(instance.pk)
    _remember(sender, instance)


def _membership_saved(sender, instance, created, **kwargs):
    before = None if created else _removed(instance)
    if before is not None and before[4]:  # an active membership changed or was switched off
        _end(before[0])
    _remember(sender, instance)


def _membership_deleted(sender, instance, **kwargs):
    if instance.is_active:
        _end(instance.user_id)


def _mandate_saved(sender, instance, created, **kwargs):
    before = None if created else _removed(instance)
    if before is not None:
        from deputies.models import Deputy, MandateStatus

        if (
            before[1] == MandateStatus.SERVING
            and (instance.status != MandateStatus.SERVING or instance.ended_on)
            or (before[2] is None and instance.ended_on)
            or before[0] != instance.deputy_id
        ):
            old = Deputy.objects.filter(pk=before[0]).values_list("user_id", flat=True).first()
            _end(old)
    _remember(sender, instance)


def _mandate_deleted(sender, instance, **kwargs):
    from deputies.models import Deputy

    _end(Deputy.objects.filter(pk=instance.deputy_id).values_list("user_id", flat=True).first())


def _profile_saved(sender, instance, created, **kwargs):
    before = None if created else _removed(instance)
    if before is not None and before[0] is not None:  # the profile left this login
        _end(before[0])
    _remember(sender, instance)


def _profile_deleted(sender, instance, **kwargs):
    _end(instance.user_id)


def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_remove", "post_clear"):
        return
    if reverse:  # group.user_set.remove(users…): instance is the group
        if action == "post_remove":
            for user_id in pk_set or ():
                _end(user_id)
        return
    _end(instance.pk)


def connect_revocation() -> None:
    """Called from CongressConfig.ready()."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_init, post_save

    savers = {
        "congress.User": _user_saved,
        "congress.Membership": _membership_saved,
        "deputies.Mandate": _mandate_saved,
        "deputies.Deputy": _profile_saved,
        "experts.Expert": _profile_saved,
    }
    deleters = {
        "congress.Membership": _membership_deleted,
        "deputies.Mandate": _mandate_deleted,
        "deputies.Deputy": _profile_deleted,
        "experts.Expert": _profile_deleted,
    }
    for label, handler in savers.items():
        model = apps.get_model(label)
        post_init.connect(_remember, sender=model, dispatch_uid=f"revocation-init-{label}")
        post_save.connect(handler, sender=model, dispatch_uid=f"revocation-save-{label}")
    for label, handler in deleters.items():
        post_delete.connect(
            handler, sender=apps.get_model(label), dispatch_uid=f"revocation-delete-{label}"
        )
    user_model = apps.get_model("congress.User")
    m2m_changed.connect(
        _groups_changed, sender=user_model.groups.through, dispatch_uid="revocation-groups"
    )
