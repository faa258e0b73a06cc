"""The deadline engine's data: who owes what to whom by when (see docs/deadlines.md)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from congress.models.institution import Meeting, Unit
from congress.uploads import GeneratedName, get_private_storage


class LimitUnit(models.TextChoices):
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    WORKING_DAYS = "working_days", _("working days")
    MONTHS = "months", _("months")


class DeadlineRule(models.Model):
    """A default time limit, editable by staff, citing its source. `code` is what code refers to."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    amount = models.IntegerField(
        _("amount"), help_text=_("Negative amounts count backwards from the anchor.")
    )
    limit_unit = models.CharField(_("counted in"), max_length=20, choices=LimitUnit.choices)
    anchor = models.CharField(_("counted from"), max_length=200)
    source = models.CharField(_("source"), max_length=300)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CalendarDay(models.Model):
    """An exception to the Monday–Friday working week: a public holiday or a make-up working day (调休)."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("holiday calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class ObligationState(models.TextChoices):
    OPEN = "open", _("open")
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("accepted")
    RETURNED = "returned", _("returned for revision")
    OVERDUE = "overdue", _("overdue")
    WAIVED = "waived", _("waived")


# States in which the unit still owes something (the sweep looks only at these).
PENDING_STATES = (ObligationState.OPEN, ObligationState.RETURNED, ObligationState.OVERDUE)


class Obligation(models.Model):
    """A unit owes a report (kind) about a subject (any model) by a due date."""

    # Indexes: see Meta (an obligation's row is rewritten with every index entry when the sweep
    # marks it overdue, so there are no redundant ones: the unit's and the subject type's are
    # the leading columns of composite indexes, and no query uses LIKE on the kind).
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="obligations",
        verbose_name=_("owing unit"),
        db_index=False,
    )
    kind = models.CharField(_("kind of report"), max_length=60)
    title = models.CharField(_("title"), max_length=300)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, db_index=False)
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    rule = models.ForeignKey(
        DeadlineRule, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("rule")
    )
    starts_on = models.DateField(_("counted from"))
    due_date = models.DateField(_("due date"))
    original_due_date = models.DateField(_("original due date"))
    state = models.CharField(
        _("state"), max_length=20, choices=ObligationState.choices, default=ObligationState.OPEN
    )
    supervising_office = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_obligations",
        verbose_name=_("supervising office"),
    )
    submitted_at = models.DateTimeField(pgettext_lazy("time", "submitted"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    overdue_since = models.DateTimeField(_("overdue since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["unit", "state", "due_date"]),
            models.Index(fields=["kind"], name="obligation_kind"),
            # The sweep claims pending obligations in (due date, id) order with a keyset cursor
            # (congress/sweep.py): a partial index holds only the pending ones, so it stays
            # small while accepted reports pile up; EXPLAIN in docs/performance.md.
            models.Index(
                fields=["due_date", "id"],
                condition=Q(state__in=["open", "returned", "overdue"]),
                name="obligation_pending_due_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.unit}, {self.due_date})"

    @property
    def last_escalated_at(self):
        """When the sweep last escalated this report for its current due date: read from the
        notice ledger (the sweep writes no obligation row for an escalation; an extension, a
        new due date, starts afresh). One query."""
        prefix = f"escalation:{self.due_date.isoformat()}:"
        return (
            self.notices.filter(kind=NoticeKind.ESCALATION, key__startswith=prefix)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )

    @property
    def is_pending(self) -> bool:
        return self.state in PENDING_STATES


class ObligationDocument(models.Model):
    """A document submitted for an obligation (a plan, a report, a reply letter)."""

    obligation = models.ForeignKey(
        Obligation, on_delete=models.CASCADE, related_name="documents", verbose_name=_("obligation")
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    # Not public (a unit's report before it is published): private storage, served by a view.
    file = models.FileField(
        _("file"),
        upload_to=GeneratedName("obligations"),
        storage=get_private_storage,
        blank=True,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(pgettext_lazy("time", "submitted"), default=timezone.now)

    class Meta:
        verbose_name = _("submitted document")
        verbose_name_plural = _("submitted documents")
        ordering = ["submitted_at"]

    def __str__(self) -> str:
        return self.title


class ObligationEvent(models.Model):
    """Append-only history of an obligation: creation, submissions, decisions, reminders, due-date moves."""

    obligation = models.ForeignKey(
        Obligation, on_delete=models.CASCADE, related_name="events", verbose_name=_("obligation")
    )
    kind = models.CharField(_("event"), max_length=30)
    from_state = models.CharField(pgettext_lazy("state", "from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    old_due_date = models.DateField(_("old due date"), null=True, blank=True)
    new_due_date = models.DateField(_("new due date"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("obligation event")
        verbose_name_plural = _("obligation events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Obligation events are append-only")
        super().save(*args, **kwargs)


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")
    WITHDRAWN = "withdrawn", _("withdrawn")


class ExtensionRequest(models.Model):
    """A unit asks for more time (延期申请); the chairpersons' meeting decides."""

    obligation = models.ForeignKey(
        Obligation,
        on_delete=models.CASCADE,
        related_name="extension_requests",
        verbose_name=_("obligation"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    reason = models.TextField(_("reasons"))
    requested_due_date = models.DateField(_("requested due date"))
    state = models.CharField(
        _("state"), max_length=20, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chairpersons' meeting"),
    )
    approved_due_date = models.DateField(_("approved due date"), null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation"], condition=Q(state="pending"), name="one_pending_extension"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.obligation} → {self.requested_due_date}"


class NoticeKind(models.TextChoices):
    REMINDER = "reminder", _("reminder")
    OVERDUE = "overdue", _("overdue notice")
    ESCALATION = "escalation", _("escalation")
    URGE = "urge", _("urging")


class DeadlineNotice(models.Model):
    """One row per notice the engine sends about an obligation. The unique key is what makes a
    sweep exactly-once: a notice is only sent by whoever inserted its row."""

    # (No index of its own: the leading column of notice_once.)
    obligation = models.ForeignKey(
        Obligation,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("obligation"),
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    key = models.CharField(_("key"), max_length=60)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    # The sweep run (or service call) that inserted the row: with `ignore_conflicts` inserts,
    # reading back the rows carrying our claim tells us which notices are ours to send.
    claim = models.CharField(_("claim"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("deadline notice")
        verbose_name_plural = _("deadline notices")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["obligation", "kind", "key"], name="notice_once")
        ]
        indexes = [models.Index(fields=["claim"], name="notice_claim")]  # exact match only

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"


class SweepHeartbeat(models.Model):
    """The last successful deadline sweep (one row per sweep name): shown on the staff dashboard
    and checked by /healthz."""

    name = models.CharField(_("name"), max_length=40, unique=True, default="deadlines")
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    clock = models.DateTimeField(_("swept as of"))
    counts = models.JSONField(_("counts"), default=dict)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    runs = models.PositiveIntegerField(_("successful runs"), default=0)

    class Meta:
        verbose_name = _("sweep heartbeat")
        verbose_name_plural = _("sweep heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.finished_at:%Y-%m-%d %H:%M}"
