"""Personal data: who read which private field, and what was erased (docs/privacy.md)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessChannel(models.TextChoices):
    PAGE = "page", _("portal page")
    API = "api", _("API")
    ADMIN = "admin", _("administration")
    EXPORT = "export", _("export")


class PersonalDataAccess(models.Model):
    """One read of personal data: who, when, which object and fields, from which page or API.

    Written by `congress.privacy.log_access`; never edited (read-only in the admin)."""

    at = models.DateTimeField(_("at"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("read by"),
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("kind of record")
    )
    object_id = models.PositiveBigIntegerField(_("record"))
    object_repr = models.CharField(_("record shown as"), max_length=200, blank=True)
    fields = models.CharField(_("fields read"), max_length=200)
    channel = models.CharField(_("channel"), max_length=10, choices=AccessChannel.choices)
    path = models.CharField(_("page or API address"), max_length=300, blank=True)
    address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.username} · {self.object_repr} · {self.fields} · {self.at:%Y-%m-%d %H:%M}"


class ErasureReason(models.TextChoices):
    REQUEST = "request", _("on the person's request")
    RETENTION = "retention", _("retention period ended")


class PersonalDataErasure(models.Model):
    """A record that personal data was erased (what, why, by whom), itself without the data."""

    at = models.DateTimeField(_("at"), db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erased by"),
    )
    reason = models.CharField(_("reason"), max_length=10, choices=ErasureReason.choices)
    kind = models.CharField(_("kind of personal data"), max_length=30)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("kind of record")
    )
    object_id = models.PositiveBigIntegerField(_("record"))
    fields = models.CharField(_("fields erased"), max_length=200)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("personal data erasure")
        verbose_name_plural = _("personal data erasures")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id} · {self.get_reason_display()} · {self.at:%Y-%m-%d}"
