"""The expert advisor pool (专家顾问库)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ExpertiseField(models.Model):
    """A field of expertise; the taxonomy is edited by staff."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("field of expertise")
        verbose_name_plural = _("fields of expertise")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class ExpertStatus(models.TextChoices):
    ACTIVE = "active", _("appointed")
    EXPIRED = "expired", _("appointment ended")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Expert(models.Model):
    """An expert advisor appointed under the expert advisor rules. Contacts are private."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expert",
        verbose_name=_("login"),
    )
    name = models.CharField(_("name"), max_length=50)
    organisation = models.CharField(_("organisation"), max_length=100)
    title = models.CharField(_("title"), max_length=60, blank=True)
    fields = models.ManyToManyField(
        ExpertiseField, related_name="experts", verbose_name=_("fields of expertise")
    )
    appointed_on = models.DateField(_("appointed on"))
    appointment_ends_on = models.DateField(_("appointment ends on"))
    status = models.CharField(
        _("status"), max_length=20, choices=ExpertStatus.choices, default=ExpertStatus.ACTIVE
    )
    bio = models.TextField(_("profile"), blank=True)
    # Personal data (private):
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    history = HistoricalRecords(excluded_fields=["mobile", "email"])

    PRIVATE_FIELDS = ("mobile", "email")

    class Meta:
        verbose_name = _("expert advisor")
        verbose_name_plural = _("expert advisors")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation}）"
