"""Motions (议案): proposal, review, assignment, three years of supervision, progress updates.

"Supervise one year, follow up two years" (督办一年、跟踪督办两年): a registered motion is assigned
to a lead unit and co-units and then lives through three handling years, each a state of the
motion (supervision, follow-up year 1, follow-up year 2) with its own dates (`MotionPhase`).
Every state change goes through `motions.services` and is logged in the shared transition log.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from congress.models import CongressLevel, Meeting, Term, Unit
from congress.uploads import GeneratedName
from motions.storage import private_storage


class Topic(models.Model):
    """A topic to file motions under (交通, 教育, 生态环境 …); the list is edited by staff."""

    name = models.CharField(pgettext_lazy("motions", "name"), max_length=40, unique=True)
    slug = models.SlugField(_("short code"), max_length=40, unique=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = pgettext_lazy("motions", "topic")
        verbose_name_plural = _("topics")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class CosignatureRule(models.Model):
    """How many deputies must sign a motion (the lead included), per congress level."""

    level = models.CharField(
        _("congress level"), max_length=10, choices=CongressLevel.choices, unique=True
    )
    minimum_signers = models.PositiveSmallIntegerField(
        _("minimum number of signers"),
        validators=[MinValueValidator(1)],
        help_text=_("The lead deputy counts as a signer."),
    )
    source = models.CharField(pgettext_lazy("motions", "source"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("co-signature rule")
        verbose_name_plural = _("co-signature rules")
        ordering = ["level"]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.minimum_signers}"


class ProposerKind(models.TextChoices):
    DEPUTIES = "deputies", _("deputies (a lead deputy and co-signers)")
    PRESIDIUM = "presidium", _("the presidium")
    DELEGATION = "delegation", _("a delegation")


class MotionState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("awaiting review")
    REGISTERED = "registered", _("registered, awaiting assignment")
    NOT_REGISTERED = "not_registered", _("not registered")
    CONVERTED = "converted", _("converted into a suggestion")
    WITHDRAWN = "withdrawn", pgettext_lazy("motions", "withdrawn")
    SUPERVISION = "supervision", _("supervision year")
    FOLLOW_UP_1 = "follow_up_1", _("follow-up year 1")
    FOLLOW_UP_2 = "follow_up_2", _("follow-up year 2")
    CLOSED = "closed", pgettext_lazy("motions", "closed")


S = MotionState
# The state machine. Assignment starts the supervision year; each handling year either
# advances to the next or the motion is closed (办结) early.
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.REGISTERED, S.NOT_REGISTERED, S.CONVERTED, S.WITHDRAWN},
    S.REGISTERED: {S.SUPERVISION},
    S.SUPERVISION: {S.FOLLOW_UP_1, S.CLOSED},
    S.FOLLOW_UP_1: {S.FOLLOW_UP_2, S.CLOSED},
    S.FOLLOW_UP_2: {S.CLOSED},
}
# The three handling years, in order.
PHASES: tuple[str, ...] = (S.SUPERVISION, S.FOLLOW_UP_1, S.FOLLOW_UP_2)
# What the public sees: registered motions and everything after.
PUBLIC_STATES: tuple[str, ...] = (S.REGISTERED, *PHASES, S.CLOSED)
# What the review committee decides on.
DECIDED_STATES: tuple[str, ...] = (S.REGISTERED, S.NOT_REGISTERED, S.CONVERTED)


class Motion(models.Model):
    """A motion proposed at a congress session."""

    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="motions", verbose_name=_("term")
    )
    session = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        related_name="motions",
        verbose_name=pgettext_lazy("motions", "congress session"),
        limit_choices_to={"kind": "session"},
    )
    year = models.PositiveSmallIntegerField(
        pgettext_lazy("motions", "year"), db_index=True, editable=False
    )
    number = models.PositiveSmallIntegerField(
        pgettext_lazy("motions", "number"),
        null=True,
        blank=True,
        help_text=_("Registration number in its session."),
    )
    proposer_kind = models.CharField(
        _("proposed by"), max_length=20, choices=ProposerKind.choices, default=ProposerKind.DEPUTIES
    )
    proposer_name = models.CharField(
        _("proposing body"),
        max_length=100,
        blank=True,
        help_text=_("For motions of the presidium or a delegation: its name."),
    )
    lead_deputy = models.ForeignKey(
        "deputies.Deputy",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_motions",
        verbose_name=_("lead deputy"),
    )
    title = models.CharField(pgettext_lazy("motions", "title"), max_length=200)
    reasons = models.TextField(_("reasons (案由)"), blank=True)
    grounds = models.TextField(_("grounds (案据)"), blank=True)
    measures = models.TextField(_("proposed measures (方案)"), blank=True)
    topic = models.ForeignKey(
        Topic,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="motions",
        verbose_name=pgettext_lazy("motions", "topic"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=MotionState.choices, default=MotionState.DRAFT
    )
    signer_count = models.PositiveIntegerField(_("signers"), default=0, editable=False)
    submitted_at = models.DateTimeField(
        pgettext_lazy("motions", "submitted"), null=True, blank=True
    )
    decided_at = models.DateTimeField(_("review decision"), null=True, blank=True)
    decision_reasons = models.TextField(_("reasons of the decision"), blank=True)
    converted_suggestion_id = models.PositiveBigIntegerField(
        _("suggestion it became"), null=True, blank=True, editable=False
    )
    lead_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_motions",
        verbose_name=_("lead unit"),
        editable=False,
    )
    supervising_office = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_motions",
        verbose_name=_("supervising office"),
        limit_choices_to={"kind": "office"},
    )
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    phase_ends_on = models.DateField(
        _("current handling year ends"), null=True, blank=True, editable=False
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"),
        default=0,
        validators=[MaxValueValidator(100)],
        editable=False,
        help_text=_("From the latest published update with an approved progress."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(pgettext_lazy("motions", "updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("motion")
        verbose_name_plural = _("motions")
        ordering = ["-year", "number", "-created_at"]
        permissions = [
            ("review_motion", _("Can register, convert or refuse motions")),
            ("assign_motion", _("Can assign motions to units")),
            ("supervise_any_motion", _("Can supervise every motion")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "number"],
                condition=Q(number__isnull=False),
                name="motion_number_per_session",
            ),
        ]
        indexes = [
            models.Index(fields=["term", "state"]),
            models.Index(fields=["year", "number"]),
            models.Index(
                fields=["phase_ends_on"],
                condition=Q(state__in=["supervision", "follow_up_1", "follow_up_2"]),
                name="motion_phase_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.title}" if self.number else self.title

    def get_absolute_url(self) -> str:
        """The public, share-friendly address (registered motions only); else the portal page."""
        if self.is_public and self.number:
            return reverse("motions:public_detail", args=[self.year, self.number])
        return reverse("motions:portal_detail", args=[self.pk])

    @property
    def label(self) -> str:
        """第N号 (registered motions only)."""
        return f"{self.year}年第{self.number}号" if self.number else ""

    @property
    def is_public(self) -> bool:
        return self.state in PUBLIC_STATES

    @property
    def is_in_handling(self) -> bool:
        return self.state in PHASES

    @property
    def proposer_display(self) -> str:
        if self.proposer_kind == ProposerKind.DEPUTIES and self.lead_deputy_id:
            return str(self.lead_deputy)
        return self.proposer_name or self.get_proposer_kind_display()

    def get_portal_url(self) -> str:
        return reverse("motions:portal_detail", args=[self.pk])


class CosignerState(models.TextChoices):
    INVITED = "invited", _("invited")
    CONFIRMED = "confirmed", _("confirmed")
    DECLINED = "declined", _("declined")


class Cosigner(models.Model):
    """A deputy invited by the lead deputy to co-sign (联名); counts once confirmed."""

    motion = models.ForeignKey(
        Motion, on_delete=models.CASCADE, related_name="cosigners", verbose_name=_("motion")
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        on_delete=models.PROTECT,
        related_name="cosigned_motions",
        verbose_name=_("deputy"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=CosignerState.choices, default=CosignerState.INVITED
    )
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("co-signer")
        verbose_name_plural = _("co-signers")
        ordering = ["invited_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["motion", "deputy"], name="cosign_once"),
        ]
        indexes = [models.Index(fields=["deputy", "state"])]

    def __str__(self) -> str:
        return f"{self.deputy} · {self.get_state_display()}"


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("lead unit (主办)")
    CO = "co", _("co-unit (协办)")


class AssignmentState(models.TextChoices):
    PENDING = "pending", _("awaiting acceptance")
    ACCEPTED = "accepted", pgettext_lazy("motions", "accepted")
    RETURNED = "returned", pgettext_lazy("motions", "returned")


ACTIVE_ASSIGNMENT_STATES = (AssignmentState.PENDING, AssignmentState.ACCEPTED)


class Assignment(models.Model):
    """A unit handles a motion, as lead or co-unit; it accepts, or returns it with reasons."""

    motion = models.ForeignKey(
        Motion, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("motion")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="motion_assignments",
        verbose_name=pgettext_lazy("motions", "unit"),
    )
    role = models.CharField(
        pgettext_lazy("motions", "role"), max_length=10, choices=AssignmentRole.choices
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=AssignmentState.choices,
        default=AssignmentState.PENDING,
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    return_reasons = models.TextField(_("reasons for returning"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["role", "assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["motion", "unit"],
                condition=Q(state__in=["pending", "accepted"]),
                name="one_active_assignment_per_unit",
            ),
            models.UniqueConstraint(
                fields=["motion"],
                condition=Q(role="lead", state__in=["pending", "accepted"]),
                name="one_active_lead_unit",
            ),
        ]
        indexes = [models.Index(fields=["unit", "state"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_role_display()}"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_ASSIGNMENT_STATES


class MotionPhase(models.Model):
    """One handling year of a motion, with its planned end and the day it actually ended."""

    motion = models.ForeignKey(
        Motion, on_delete=models.CASCADE, related_name="phases", verbose_name=_("motion")
    )
    state = models.CharField(
        _("handling year"),
        max_length=20,
        choices=[(s, MotionState(s).label) for s in PHASES],
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(pgettext_lazy("motions", "ends on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("handling year")
        verbose_name_plural = _("handling years")
        ordering = ["starts_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["motion", "state"], name="one_phase_row_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.get_state_display()} {self.starts_on} – {self.ends_on}"


class MotionAttachment(models.Model):
    """A document attached to a motion by its lead deputy (PDF, DOCX or XLSX); portal only."""

    motion = models.ForeignKey(
        Motion, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("motion")
    )
    title = models.CharField(pgettext_lazy("motions", "title"), max_length=200)
    file = models.FileField(
        _("file"), upload_to=GeneratedName("motions/attachments"), storage=private_storage
    )
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title


class UpdateKind(models.TextChoices):
    INSPECTION = "inspection", _("inspection (视察)")
    RESEARCH = "research", _("research (调研)")
    MEETING = "meeting", _("meeting")
    MILESTONE = "milestone", _("milestone")


class UpdateState(models.TextChoices):
    SUBMITTED = "submitted", _("awaiting publication")
    PUBLISHED = "published", pgettext_lazy("motions", "published")
    WITHDRAWN = "withdrawn", _("not published")


UPDATE_TRANSITIONS: dict[str, set[str]] = {
    UpdateState.SUBMITTED: {UpdateState.PUBLISHED, UpdateState.WITHDRAWN},
    UpdateState.PUBLISHED: {UpdateState.WITHDRAWN},
    UpdateState.WITHDRAWN: {UpdateState.PUBLISHED},
}


class ProgressUpdate(models.Model):
    """A progress update (督办动态) posted by staff or a unit; public once staff publish it."""

    motion = models.ForeignKey(
        Motion, on_delete=models.CASCADE, related_name="updates", verbose_name=_("motion")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=UpdateKind.choices)
    title = models.CharField(pgettext_lazy("motions", "title"), max_length=200)
    text = models.TextField(pgettext_lazy("motions", "text"))
    happened_on = models.DateField(_("date"))
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("posted for"),
        help_text=_("The unit or office the update was posted for."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("posted by"),
    )
    proposed_progress = models.PositiveSmallIntegerField(
        _("proposed progress (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    approved_progress = models.PositiveSmallIntegerField(
        _("approved progress (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    video_url = models.URLField(
        _("link to an official video page"),
        blank=True,
        help_text=_("An https:// address; shown as a link, never embedded."),
    )
    participants = models.ManyToManyField(
        "deputies.Deputy",
        blank=True,
        related_name="motion_updates",
        verbose_name=_("deputies who took part"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=UpdateState.choices, default=UpdateState.SUBMITTED
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    published_at = models.DateTimeField(
        pgettext_lazy("motions", "published"), null=True, blank=True
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-happened_on", "-id"]
        indexes = [
            models.Index(
                fields=["motion", "-happened_on", "-id"],
                condition=Q(state="published"),
                name="update_published_by_motion",
            ),
            models.Index(
                fields=["-published_at"],
                condition=Q(state="published"),
                name="update_published_recent",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.motion.get_absolute_url()}#update-{self.pk}"

    @property
    def is_published(self) -> bool:
        return self.state == UpdateState.PUBLISHED


class UpdatePhoto(models.Model):
    """A photo of an update, re-encoded without EXIF, with a thumbnail."""

    update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.CASCADE,
        related_name="photos",
        verbose_name=pgettext_lazy("motions", "update"),
    )
    image = models.ImageField(
        _("photo"),
        upload_to=GeneratedName("motions/photos"),
        storage=private_storage,
        width_field="width",
        height_field="height",
    )
    thumbnail = models.ImageField(
        _("thumbnail"), upload_to=GeneratedName("motions/thumbs"), storage=private_storage
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.caption or f"#{self.pk}"


class UpdateVideo(models.Model):
    """A short video (议案督办vlog) of an update: an MP4 with a poster image."""

    update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.CASCADE,
        related_name="videos",
        verbose_name=pgettext_lazy("motions", "update"),
    )
    file = models.FileField(
        _("video (MP4)"), upload_to=GeneratedName("motions/videos"), storage=private_storage
    )
    poster = models.ImageField(
        _("poster image"),
        upload_to=GeneratedName("motions/posters"),
        storage=private_storage,
        blank=True,
    )
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0, editable=False)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("video")
        verbose_name_plural = _("videos")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.caption or f"#{self.pk}"


class UpdateComment(models.Model):
    """A deputy's comment on a published update (portal only, never public)."""

    update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=pgettext_lazy("motions", "update"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("motions", "by"),
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = pgettext_lazy("motions", "comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Follow(models.Model):
    """A user follows a motion: each published update reaches them (inbox and e-mail)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="followed_motions",
        verbose_name=_("user"),
    )
    motion = models.ForeignKey(
        Motion, on_delete=models.CASCADE, related_name="followers", verbose_name=_("motion")
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [models.UniqueConstraint(fields=["user", "motion"], name="follow_once")]

    def __str__(self) -> str:
        return f"{self.user} → {self.motion_id}"


class SessionReport(models.Model):
    """The yearly report on the handling and supervision of motions (议案办理及督办情况报告)
    to the next congress session: drafted from the term's motions, then edited by staff."""

    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="motion_reports", verbose_name=_("term")
    )
    session = models.OneToOneField(
        Meeting,
        on_delete=models.PROTECT,
        related_name="motion_report",
        verbose_name=_("reported to the session"),
        limit_choices_to={"kind": "session"},
    )
    office = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("office that drafts it"),
        limit_choices_to={"kind": "office"},
    )
    title = models.CharField(pgettext_lazy("motions", "title"), max_length=200)
    text = models.TextField(
        pgettext_lazy("motions", "text"),
        blank=True,
        help_text=_("Lines starting with # are headings in the DOCX and PDF files."),
    )
    generated_at = models.DateTimeField(_("draft generated"), null=True, blank=True)
    edited_at = models.DateTimeField(_("last edited"), null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("edited by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report to the congress session")
        verbose_name_plural = _("reports to the congress sessions")
        ordering = ["-session__starts_on"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("motions:report_detail", args=[self.pk])
