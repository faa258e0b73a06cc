"""Deputies (人大代表), their mandates per term, deputy groups and liaison stations (家/站)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from congress.models import CongressLevel, Street, Term


class DeputyGroup(models.Model):
    """A deputy group (代表小组) by street or town."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    street = models.ForeignKey(
        Street,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deputy_groups",
        verbose_name=_("street or town"),
    )
    established_year = models.PositiveSmallIntegerField(_("established in"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("deputy group")
        verbose_name_plural = _("deputy groups")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class StationKind(models.TextChoices):
    HOME = "home", _("deputies' home (代表之家)")
    STATION = "station", _("liaison station (代表联络站)")


class Station(models.Model):
    """A deputies' home or liaison station where voters meet deputies."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=StationKind.choices)
    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="stations", verbose_name=_("street or town")
    )
    address = models.CharField(_("address"), max_length=200)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    phone = models.CharField(
        _("station telephone"),
        max_length=30,
        blank=True,
        help_text=_("The station's public office line."),
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("liaison station")
        verbose_name_plural = _("liaison stations")
        ordering = ["street__sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("deputies:station", args=[self.pk])


class Gender(models.TextChoices):
    FEMALE = "F", _("female")
    MALE = "M", _("male")


class Deputy(models.Model):
    """A person who serves as a deputy at one or more levels. Contacts are personal data:
    never shown on public pages, feeds or public API responses. No national ID is stored."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deputy",
        verbose_name=_("login"),
    )
    name = models.CharField(_("name"), max_length=50, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    party = models.CharField(_("political affiliation"), max_length=40, blank=True)
    occupation = models.CharField(_("work unit and position"), max_length=200, blank=True)
    photo = models.ImageField(_("photo"), upload_to="deputies/photos/", blank=True)
    bio = models.TextField(_("short biography"), blank=True)
    # Personal data (private):
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    history = HistoricalRecords(excluded_fields=["mobile", "email", "address"])

    PRIVATE_FIELDS = ("mobile", "email", "address")

    class Meta:
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("deputies:deputy", args=[self.pk])


class MandateStatus(models.TextChoices):
    SERVING = "serving", _("serving")
    RESIGNED = "resigned", _("resigned")
    TERMINATED = "terminated", _("terminated")


class Mandate(models.Model):
    """A deputy's seat in one congress for one term (city, district or town level)."""

    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="mandates", verbose_name=_("deputy")
    )
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="mandates", verbose_name=_("term")
    )
    level = models.CharField(_("level"), max_length=10, choices=CongressLevel.choices)
    electoral_unit = models.CharField(_("electoral unit"), max_length=100, blank=True)
    group = models.ForeignKey(
        DeputyGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mandates",
        verbose_name=_("deputy group"),
    )
    station = models.ForeignKey(
        Station,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mandates",
        verbose_name=_("liaison station"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MandateStatus.choices, default=MandateStatus.SERVING
    )
    is_committee_member = models.BooleanField(_("standing committee member"), default=False)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        ordering = ["term", "deputy__name"]
        constraints = [
            models.UniqueConstraint(fields=["deputy", "term"], name="one_mandate_per_term")
        ]
        indexes = [
            models.Index(fields=["term", "status"]),
            models.Index(
                fields=["station"], condition=Q(status="serving"), name="mandate_serving_station"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deputy} · {self.term}"


class DutyKind(models.TextChoices):
    """Kinds of activity in a deputy's duty record (履职档案)."""

    MOTION = "motion", _("motion proposed or co-signed")
    SUGGESTION = "suggestion", _("suggestion filed")
    RATING = "rating", _("handling rated")
    BALLOT = "ballot", _("evaluation vote cast")
    INSPECTION = "inspection", _("inspection or research visit")
    STATION_DUTY = "station_duty", _("station duty")
    VOTER_OPINION = "voter_opinion", _("voter opinion recorded")
    MEETING = "meeting", _("meeting attended")
    TRAINING = "training", _("training")
    OTHER = "other", _("other activity")


class DutyRecord(models.Model):
    """One activity in a deputy's duty record: logged automatically by the app where it happened
    (`source` points at the object) or entered by the deputy. The deputy chooses what to publish."""

    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="duty_records", verbose_name=_("deputy")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DutyKind.choices)
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    source_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, null=True, blank=True
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    is_manual = models.BooleanField(_("entered by the deputy"), default=False)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("duty record entry")
        verbose_name_plural = _("duty record entries")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deputy", "kind", "source_type", "source_id"],
                condition=Q(source_id__isnull=False),
                name="duty_once_per_source",
            )
        ]
        indexes = [models.Index(fields=["deputy", "date"])]

    def __str__(self) -> str:
        return f"{self.deputy} · {self.title}"
