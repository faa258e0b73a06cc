"""Deputy suggestions (代表建议、批评和意见): filing, assignment, replies, ratings, scoring, bureau visits.

See docs/suggestions.md for the states and rules. Every state change lives in `services.py`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from congress.models import Meeting, Term, Unit
from congress.uploads import GeneratedName, get_private_storage


class Category(models.Model):
    """A subject category (城市建设, 交通出行, 教育 …), kept by staff."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("suggestion category")
        verbose_name_plural = _("suggestion categories")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class SuggestionState(models.TextChoices):
    FILED = "filed", _("filed, awaiting assignment")
    ASSIGNED = "assigned", _("being handled")
    REPLIED = "replied", _("replied, awaiting rating")
    REHANDLING = "rehandling", _("being handled again")
    CLOSED = "closed", _("handling completed")
    MERGED = "merged", _("merged into another suggestion")
    WITHDRAWN = "withdrawn", _("withdrawn")


# The suggestion's state follows its assignments (see services.refresh_state); these are the moves
# staff and units can make directly.
SUGGESTION_TRANSITIONS: dict[str, set[str]] = {
    SuggestionState.FILED: {
        SuggestionState.ASSIGNED,
        SuggestionState.MERGED,
        SuggestionState.WITHDRAWN,
    },
    SuggestionState.ASSIGNED: {
        SuggestionState.FILED,  # every owing unit returned its assignment: triage again
        SuggestionState.ASSIGNED,
        SuggestionState.REPLIED,
        SuggestionState.MERGED,
    },
    SuggestionState.REPLIED: {
        SuggestionState.ASSIGNED,
        SuggestionState.REHANDLING,
        SuggestionState.CLOSED,
    },
    SuggestionState.REHANDLING: {
        SuggestionState.REPLIED,
        SuggestionState.ASSIGNED,
        SuggestionState.CLOSED,
    },
    SuggestionState.CLOSED: set(),
    SuggestionState.MERGED: set(),
    SuggestionState.WITHDRAWN: set(),
}


class Suggestion(models.Model):
    """A deputy suggestion, criticism or opinion, filed by one or more deputies (the first is the
    lead proposer). `source` links to what it came from (a motion converted by the review committee,
    a voter opinion from a liaison station); at most one suggestion per source."""

    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="suggestions", verbose_name=_("term")
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("congress session"),
        help_text=_("Empty for suggestions filed in the closing period (闭会期间)."),
    )
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("category"),
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=SuggestionState.choices,
        default=SuggestionState.FILED,
        db_index=True,
    )
    filed_at = models.DateTimeField(_("filed"), default=timezone.now)
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    closed_at = models.DateTimeField(
        pgettext_lazy("handling time", "completed"), null=True, blank=True
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("filed by"),
    )
    # Key suggestions (重点督办建议) get a supervising leader or office.
    is_key = models.BooleanField(_("key suggestion (重点督办)"), default=False)
    supervising_leader = models.CharField(_("supervising leader"), max_length=100, blank=True)
    supervising_office = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_suggestions",
        verbose_name=_("supervising office"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_suggestions",
        verbose_name=_("merged into"),
    )
    source_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    is_published = models.BooleanField(
        _("text published"),
        default=False,
        help_text=_("Staff publish the text of the suggestion on the public pages."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id"],
                condition=Q(source_id__isnull=False),
                name="suggestion_once_per_source",
            ),
            models.UniqueConstraint(
                fields=["term", "number"],
                condition=Q(number__isnull=False),
                name="suggestion_number_per_term",
            ),
        ]
        indexes = [
            models.Index(fields=["term", "state"]),
            # The public list (page and API): published, not merged, newest first.
            models.Index(
                fields=["-filed_at", "-id"],
                condition=Q(is_published=True) & ~Q(state=SuggestionState.MERGED),
                name="suggestion_public_recent",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("suggestions:portal_detail", args=[self.pk])

    @property
    def code(self) -> str:
        return f"第{self.number}号" if self.number else "—"


class Proposer(models.Model):
    """A deputy who proposed (the lead, position 0) or co-proposed a suggestion."""

    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="proposers", verbose_name=_("suggestion")
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        on_delete=models.PROTECT,
        related_name="suggestion_proposals",
        verbose_name=_("deputy"),
    )
    is_lead = models.BooleanField(_("lead proposer"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("proposer")
        verbose_name_plural = _("proposers")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "deputy"], name="proposer_once"),
            models.UniqueConstraint(
                fields=["suggestion"], condition=Q(is_lead=True), name="one_lead_proposer"
            ),
        ]
        indexes = [models.Index(fields=["deputy", "suggestion"])]

    def __str__(self) -> str:
        return f"{self.deputy} · {self.suggestion}"


class Attachment(models.Model):
    """A file filed with a suggestion (validated by congress.uploads at the form)."""

    suggestion = models.ForeignKey(
        Suggestion,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("suggestion"),
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    # Private (a deputy's working paper): outside the public media, served by `files.download`.
    file = models.FileField(
        _("file"),
        upload_to=GeneratedName("suggestions/attachments"),
        storage=get_private_storage,
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title or self.file.name


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("lead unit (主办)")
    JOINT = "joint", _("co-unit (会办)")
    SPLIT = "split", _("separate unit (分办)")


# Lead and separate units each owe the deputies a reply; co-units assist the lead unit.
REPLYING_ROLES = (AssignmentRole.LEAD, AssignmentRole.SPLIT)


class AssignmentState(models.TextChoices):
    HANDLING = "handling", _("being handled")
    REPLIED = "replied", _("replied, awaiting rating")
    REHANDLING = "rehandling", _("being handled again")
    DONE = "done", pgettext_lazy("handling", "completed")
    RETURNED = "returned", _("returned for reassignment")
    WITHDRAWN = "withdrawn", _("withdrawn by staff")


ASSIGNMENT_TRANSITIONS: dict[str, set[str]] = {
    AssignmentState.HANDLING: {
        AssignmentState.REPLIED,
        AssignmentState.RETURNED,
        AssignmentState.WITHDRAWN,
        AssignmentState.DONE,  # co-units finish with the lead unit
    },
    AssignmentState.REPLIED: {AssignmentState.REHANDLING, AssignmentState.DONE},
    AssignmentState.REHANDLING: {AssignmentState.REPLIED},
    AssignmentState.DONE: set(),
    AssignmentState.RETURNED: set(),
    AssignmentState.WITHDRAWN: set(),
}


class Assignment(models.Model):
    """A unit's share of the handling of one suggestion (交办): lead, co-unit or separate unit."""

    suggestion = models.ForeignKey(
        Suggestion,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("suggestion"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="suggestion_assignments",
        verbose_name=pgettext_lazy("handling", "unit"),
    )
    role = models.CharField(
        pgettext_lazy("assignment", "role"), max_length=10, choices=AssignmentRole.choices
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=AssignmentState.choices,
        default=AssignmentState.HANDLING,
        db_index=True,
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The obligation the unit currently owes (the reply, then the re-handling reply).
    obligation = models.ForeignKey(
        "congress.Obligation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reply obligation"),
    )
    round = models.PositiveSmallIntegerField(_("handling round"), default=1)
    return_reason = models.TextField(_("reasons for return"), blank=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["suggestion", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "unit"],
                condition=~Q(state__in=["returned", "withdrawn"]),
                name="one_live_assignment_per_unit",
            ),
            models.UniqueConstraint(
                fields=["suggestion"],
                condition=Q(role="lead") & ~Q(state__in=["returned", "withdrawn"]),
                name="one_live_lead_unit",
            ),
        ]
        indexes = [models.Index(fields=["unit", "state"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.suggestion}"

    def get_absolute_url(self) -> str:
        return reverse("suggestions:unit_detail", args=[self.pk])

    @property
    def owes_reply(self) -> bool:
        return self.role in REPLYING_ROLES


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("telephone")
    VISIT = "visit", _("visit")
    MEETING = "meeting", _("meeting or discussion")
    INSPECTION = "inspection", _("on-site inspection")
    LETTER = "letter", _("letter")
    ONLINE = "online", _("online")


class Contact(models.Model):
    """A unit's contact with the proposing deputies (沟通联系); required before it may reply."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("assignment")
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deputy contacted"),
    )
    round = models.PositiveSmallIntegerField(_("handling round"), default=1)
    method = models.CharField(_("method"), max_length=20, choices=ContactMethod.choices)
    contacted_on = models.DateField(_("date"))
    note = models.TextField(_("what was discussed"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(pgettext_lazy("time", "recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("contact with deputies")
        verbose_name_plural = _("contacts with deputies")
        ordering = ["contacted_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.contacted_on}"


class ReplyClass(models.TextChoices):
    A = "A", _("A: resolved or mostly resolved")
    B = "B", _("B: being resolved or planned")
    C = "C", _("C: to be resolved when conditions allow")
    D = "D", _("D: kept for reference")


class Reply(models.Model):
    """A unit's reply to the deputies (答复), one per handling round of an assignment."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="replies", verbose_name=_("assignment")
    )
    round = models.PositiveSmallIntegerField(_("handling round"), default=1)
    reply_class = models.CharField(_("reply class"), max_length=1, choices=ReplyClass.choices)
    text = models.TextField(_("reply"))
    # The name of the reply's obligation document (private storage), served by `files.download`.
    letter = models.FileField(
        _("signed reply letter"),
        upload_to=GeneratedName("obligations"),
        storage=get_private_storage,
        blank=True,
    )
    obligation = models.ForeignKey(
        "congress.Obligation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("obligation"),
    )
    due_date = models.DateField(pgettext_lazy("reply", "due date"))
    submitted_at = models.DateTimeField(pgettext_lazy("time", "submitted"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Facts for scoring, frozen when the reply is submitted.
    on_time = models.BooleanField(_("submitted by the due date"), default=True)
    contact_before = models.BooleanField(_("contact recorded before the reply"), default=True)
    is_published = models.BooleanField(_("reply published"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["assignment", "round"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "round"], name="one_reply_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.get_reply_class_display()}"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASIC = "basic", _("basically satisfied")
    UNSATISFIED = "unsatisfied", _("unsatisfied")


class Rating(models.Model):
    """A proposing deputy's rating of one reply (满意/基本满意/不满意)."""

    reply = models.ForeignKey(
        Reply, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("reply")
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        on_delete=models.PROTECT,
        related_name="suggestion_ratings",
        verbose_name=_("deputy"),
    )
    result = models.CharField(_("rating"), max_length=20, choices=Satisfaction.choices)
    comment = models.TextField(_("comments"), blank=True)
    rated_at = models.DateTimeField(_("rated"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["rated_at", "id"]
        constraints = [models.UniqueConstraint(fields=["reply", "deputy"], name="rate_once")]

    def __str__(self) -> str:
        return f"{self.deputy} · {self.get_result_display()}"


class FollowUp(models.Model):
    """A "B" reply obliges the unit to report completion later (办结情况报告)."""

    reply = models.OneToOneField(
        Reply, on_delete=models.CASCADE, related_name="follow_up", verbose_name=_("reply")
    )
    obligation = models.ForeignKey(
        "congress.Obligation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("obligation"),
    )
    report = models.TextField(_("completion report"), blank=True)
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("suggestion", "follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return str(self.reply)


def _weight(label, default: int):
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )


class ScoringRules(models.Model):
    """The handling evaluation rules (办理工作评估细则) as data: weights staff edit in the admin.
    The version in force for a year is the latest with `effective_year` ≤ that year."""

    name = models.CharField(_("name"), max_length=200)
    effective_year = models.PositiveSmallIntegerField(_("effective from year"), unique=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    timeliness_weight = _weight(_("timeliness weight"), 30)
    contact_weight = _weight(_("contact weight"), 10)
    satisfaction_weight = _weight(_("satisfaction weight"), 40)
    resolution_weight = _weight(_("resolution weight"), 20)
    basic_satisfied_factor = models.DecimalField(
        _("value of a 'basically satisfied' rating"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.6"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("handling evaluation rules")
        verbose_name_plural = _("handling evaluation rules")
        ordering = ["-effective_year"]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_year})"


class BureauVisit(models.Model):
    """A bureau's visit to a deputies' home or liaison station (委办局进"家""站")."""

    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="station_visits",
        verbose_name=pgettext_lazy("handling", "unit"),
    )
    station = models.ForeignKey(
        "deputies.Station",
        on_delete=models.PROTECT,
        related_name="bureau_visits",
        verbose_name=_("station"),
    )
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    suggestions = models.ManyToManyField(
        Suggestion,
        blank=True,
        related_name="bureau_visits",
        verbose_name=_("suggestions discussed"),
    )
    deputies = models.ManyToManyField(
        "deputies.Deputy", blank=True, related_name="+", verbose_name=_("deputies present")
    )
    staff_present = models.TextField(
        _("unit and committee staff present"), blank=True, help_text=_("Names and positions.")
    )
    outcomes = models.TextField(_("outcomes"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bureau visit to a station")
        verbose_name_plural = _("bureau visits to stations")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "station", "date"], name="one_visit_per_day")
        ]

    def __str__(self) -> str:
        return self.title
