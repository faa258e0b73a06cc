"""Deputies (人大代表), their mandates per term, deputy groups and liaison stations (家/站)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
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
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="stations", verbose_name=_("street or town")
    )
    address = models.CharField(_("address"), max_length=200)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    phone = models.CharField(
        _("station telephone"),
        max_length=30,
        blank=True,
        help_text=_("The station's public office line."),
    )
    description = models.TextField(pgettext_lazy("station", "description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("liaison station")
        verbose_name_plural = _("liaison stations")
        ordering = ["sort_order", "name"]

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
    number = models.CharField(
        _("deputy number"),
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The roster number (代表编号) that imports match on."),
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


class ReceptionDay(models.Model):
    """A reception day (代表接待日, 进站): deputies on duty at a station meet voters."""

    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="reception_days", verbose_name=_("station")
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    deputies = models.ManyToManyField(
        Deputy, related_name="reception_days", blank=True, verbose_name=_("deputies on duty")
    )
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    held_at = models.DateTimeField(
        _("duty confirmed"),
        null=True,
        blank=True,
        help_text=_("Set when the duty was confirmed; the deputies' duty records are then filled."),
    )
    history = HistoricalRecords(m2m_fields=[deputies])

    class Meta:
        verbose_name = _("reception day")
        verbose_name_plural = _("reception days")
        ordering = ["date", "starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "date", "starts_at"], name="one_reception_per_slot"
            )
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.station} · {self.date:%Y-%m-%d}"


class OpinionCategory(models.TextChoices):
    URBAN = "urban", _("urban management and construction")
    TRANSPORT = "transport", _("transport and parking")
    EDUCATION = "education", _("education")
    HEALTH = "health", _("health and elderly care")
    ENVIRONMENT = "environment", _("environment and greening")
    HOUSING = "housing", _("housing and property management")
    SOCIAL = "social", _("employment and social security")
    SAFETY = "safety", _("public safety")
    OTHER = "other", _("other")


class OpinionState(models.TextChoices):
    RECORDED = "recorded", _("recorded")
    ANSWERED = "answered", _("answered on the spot")
    FORWARDED = "forwarded", _("forwarded to a unit")
    REPLIED = "replied", _("unit replied")
    SUGGESTION = "suggestion", _("turned into a suggestion")
    REPORTED = "reported", _("reported to the committee")
    CLOSED = "closed", _("closed")


OPINION_TRANSITIONS: dict[str, set[str]] = {
    OpinionState.RECORDED: {
        OpinionState.ANSWERED,
        OpinionState.FORWARDED,
        OpinionState.SUGGESTION,
        OpinionState.REPORTED,
    },
    OpinionState.FORWARDED: {OpinionState.REPLIED},
    OpinionState.ANSWERED: {OpinionState.CLOSED},
    OpinionState.REPLIED: {OpinionState.CLOSED},
    OpinionState.SUGGESTION: {OpinionState.CLOSED},
    OpinionState.REPORTED: {OpinionState.CLOSED},
    OpinionState.CLOSED: set(),
}
OPEN_OPINION_STATES = tuple(s for s in OpinionState.values if s != OpinionState.CLOSED)


class VoterOpinion(models.Model):
    """A voter opinion (选民意见) recorded at a station. The voter's name and contact are personal
    data: visible only to the station's deputies and the staff handling it, every view logged."""

    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="opinions", verbose_name=_("station")
    )
    reception_day = models.ForeignKey(
        ReceptionDay,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opinions",
        verbose_name=_("reception day"),
    )
    received_on = models.DateField(_("received on"))
    category = models.CharField(_("category"), max_length=20, choices=OpinionCategory.choices)
    content = models.TextField(_("content"))
    # Personal data (private):
    voter_name = models.CharField(_("voter's name"), max_length=50, blank=True)
    voter_contact = models.CharField(_("voter's contact"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        Deputy,
        on_delete=models.PROTECT,
        related_name="recorded_opinions",
        verbose_name=_("recorded by"),
    )
    deputies = models.ManyToManyField(
        Deputy, related_name="opinions", blank=True, verbose_name=_("deputies on duty")
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=OpinionState.choices,
        default=OpinionState.RECORDED,
        db_index=True,
    )
    answer = models.TextField(_("answer on the spot"), blank=True)
    forwarded_to = models.ForeignKey(
        "congress.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="voter_opinions",
        verbose_name=_("forwarded to"),
    )
    unit_reply = models.TextField(_("unit's reply"), blank=True)
    report_note = models.TextField(_("report to the committee"), blank=True)
    suggestion_id = models.PositiveBigIntegerField(_("suggestion"), null=True, blank=True)
    feedback = models.TextField(_("feedback to the voter"), blank=True)
    feedback_on = models.DateField(_("feedback given on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["voter_name", "voter_contact"])

    PRIVATE_FIELDS = ("voter_name", "voter_contact")

    class Meta:
        verbose_name = _("voter opinion")
        verbose_name_plural = _("voter opinions")
        ordering = ["-received_on", "-id"]
        permissions = [
            ("view_voter_contact", _("Can see voters' names and contacts")),
            ("import_roster", _("Can import the deputy roster")),
        ]
        indexes = [models.Index(fields=["station", "state"])]

    def __str__(self) -> str:
        return f"{self.station} · {self.received_on:%Y-%m-%d} · {self.content[:20]}"

    def get_absolute_url(self) -> str:
        return reverse("deputies:opinion", args=[self.pk])

    @property
    def has_voter_data(self) -> bool:
        return bool(self.voter_name or self.voter_contact)


class OpinionAccessLog(models.Model):
    """Every view of a voter's personal data: who, when, what."""

    opinion = models.ForeignKey(
        VoterOpinion,
        on_delete=models.CASCADE,
        related_name="access_log",
        verbose_name=_("voter opinion"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("viewed by"),
    )
    at = models.DateTimeField(_("at"), db_index=True)
    channel = models.CharField(_("where"), max_length=20)
    fields = models.CharField(_("fields seen"), max_length=100)

    class Meta:
        verbose_name = _("voter data access")
        verbose_name_plural = _("voter data access log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.opinion_id} · {self.at:%Y-%m-%d %H:%M}"


class TrainingMaterial(models.Model):
    """Online training (在线培训) for deputies."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to="deputies/training/", blank=True)
    link = models.URLField(_("link"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training material")
        verbose_name_plural = _("training materials")
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("deputies:training", args=[self.pk])


class TrainingCompletion(models.Model):
    material = models.ForeignKey(
        TrainingMaterial,
        on_delete=models.CASCADE,
        related_name="completions",
        verbose_name=_("training material"),
    )
    deputy = models.ForeignKey(
        Deputy,
        on_delete=models.CASCADE,
        related_name="training_completions",
        verbose_name=_("deputy"),
    )
    completed_at = models.DateTimeField(pgettext_lazy("time", "completed"))

    class Meta:
        verbose_name = _("training completion")
        verbose_name_plural = _("training completions")
        constraints = [
            models.UniqueConstraint(fields=["material", "deputy"], name="one_completion")
        ]

    def __str__(self) -> str:
        return f"{self.deputy} · {self.material}"


class RosterImportState(models.TextChoices):
    PREVIEW = "preview", _("awaiting confirmation")
    DONE = "done", _("imported")
    FAILED = "failed", _("rejected")


class RosterImport(models.Model):
    """An uploaded XLSX roster: previewed, then confirmed (re-validated, in one transaction)."""

    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="+", verbose_name=_("term")
    )
    filename = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(_("file content"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"))
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=RosterImportState.choices,
        default=RosterImportState.PREVIEW,
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.filename
