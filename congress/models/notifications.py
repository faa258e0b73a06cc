"""In-app notifications (the inbox) and the append-only transition log shared by every workflow."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Notification(models.Model):
    """One notice for one recipient. `key` makes a notice idempotent: the same key is never
    delivered twice to the same person (the deadline sweep relies on this)."""

    # Indexes: see Meta (the deadline sweep inserts these by the thousand: no redundant ones; the
    # recipient is the leading column of the inbox, unread and once-per-key indexes).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=60)
    key = models.CharField(_("idempotency key"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_state = models.CharField(
        _("e-mail"),
        max_length=10,
        default="pending",
        choices=[
            ("pending", _("pending")),
            ("sent", _("sent")),
            ("skipped", _("skipped")),
            ("failed", _("failed")),
        ],
    )
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notification_once_per_key"
            ),
        ]
        indexes = [
            # The inbox: a recipient's notifications, newest first (congress/queries.py).
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["kind"], name="notification_kind"),
            models.Index(
                fields=["email_state"],
                condition=Q(email_state="pending"),
                name="notification_email_pending",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Transition(models.Model):
    """Append-only log of state changes of any workflow object (from, to, actor, reason, when)."""

    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    from_state = models.CharField(pgettext_lazy("state", "from"), max_length=40, blank=True)
    to_state = models.CharField(_("to"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("state transition")
        verbose_name_plural = _("state transitions")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "at"])]

    def __str__(self) -> str:
        return f"{self.from_state or '∅'} → {self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Transitions are append-only")
        super().save(*args, **kwargs)
