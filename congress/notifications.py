"""The notification service: every app calls `notify`; channels deliver (inbox, e-mail, later SMS).

One row per recipient per notice. A notice with a `key` is idempotent: the same key never reaches
the same person twice (a unique constraint, not a cache flag), so sweeps can be repeated safely.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Protocol

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from congress.models import Notification, User

log = logging.getLogger(__name__)


class Channel(Protocol):
    """A way to deliver notices. `deliver` runs after the rows are committed."""

    name: str

    def deliver(self) -> None: ...


class InboxChannel:
    """The in-app inbox: the rows themselves are the inbox, nothing more to do."""

    name = "inbox"

    def deliver(self) -> None:
        return None


class EmailChannel:
    """E-mail: a task sends every pending row (and the deadline sweep catches up if it never ran)."""

    name = "email"

    def deliver(self) -> None:
        from congress.tasks import enqueue, send_pending_emails

        enqueue(send_pending_emails)


CHANNELS: dict[str, str] = {
    "inbox": "congress.notifications.InboxChannel",
    "email": "congress.notifications.EmailChannel",
}


def active_channels() -> list[Channel]:
    return [import_string(CHANNELS[name])() for name in settings.NOTIFICATION_CHANNELS]


def notify(
    recipients: Iterable[User],
    *,
    kind: str,
    title,
    body="",
    url: str = "",
    subject: models.Model | None = None,
    key: str = "",
) -> int:
    """Create one notification per distinct active recipient and deliver it on commit.

    `title` and `body` may be lazy translations: they are rendered in each recipient's language.
    Returns how many rows were created (0 for recipients who already had this `key`).
    """
    people = {u.pk: u for u in recipients if u is not None and u.is_active}
    if not people:
        return 0
    subject_type = ContentType.objects.get_for_model(subject) if subject is not None else None
    rows = []
    now = timezone.now()
    for user in people.values():
        with translation.override(user.language or settings.LANGUAGE_CODE):
            rows.append(
                Notification(
                    recipient=user,
                    kind=kind,
                    key=key,
                    title=str(title)[:200],
                    body=str(body),
                    url=url,
                    subject_type=subject_type,
                    subject_id=subject.pk if subject is not None else None,
                    created_at=now,
                    email_state="pending" if user.email else "skipped",
                )
            )
    if key:
        existing = set(
            Notification.objects.filter(key=key, recipient_id__in=people).values_list(
                "recipient_id", flat=True
            )
        )
        rows = [r for r in rows if r.recipient_id not in existing]
    Notification.objects.bulk_create(rows, ignore_conflicts=bool(key))
    if rows:
        _schedule_delivery()
    return len(rows)


def _schedule_delivery() -> None:
    """Deliver once per transaction, however many notices it created (a seed or a sweep batch
    creates hundreds): a second `on_commit(_deliver)` in the same transaction would only queue
    a no-op task."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        func is _deliver for _, func, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(_deliver)


def _deliver() -> None:
    for channel in active_channels():
        try:
            channel.deliver()
        except Exception:  # a channel outage must never fail the request that notified
            log.warning("notification channel %s failed", channel.name, exc_info=True)


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def send_pending_emails(limit: int = 500) -> int:
    """Send e-mail for pending notifications. Each row is claimed by a conditional update, so two
    workers never send the same row. Returns the number sent."""
    sent = 0
    ids = list(
        Notification.objects.filter(email_state="pending")
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    for pk in ids:
        if (
            Notification.objects.filter(pk=pk, email_state="pending").update(
                email_state="sent", emailed_at=timezone.now()
            )
            != 1
        ):
            continue  # another worker took it
        n = Notification.objects.select_related("recipient").get(pk=pk)
        try:
            _send_email(n)
            sent += 1
        except Exception:
            log.warning("e-mail for notification %s failed; will retry", pk, exc_info=True)
            Notification.objects.filter(pk=pk).update(email_state="pending", emailed_at=None)
    return sent


def _send_email(n: Notification) -> None:
    user = n.recipient
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {"notification": n, "user": user, "site_url": settings.SITE_URL}
        subject = render_to_string("emails/notification.subject.txt", context).strip()
        text = render_to_string("emails/notification.txt", context)
        html = render_to_string("emails/notification.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send()
