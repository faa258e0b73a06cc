"""Special work report reviews (听取和审议"一府一委两院"专项工作报告): the closed supervision loop.

Annual supervision plan → topic (选题) → the agency's report before the meeting (an obligation) →
review at a standing committee meeting → review opinion letter (审议意见书) → research-and-handling
plan report (3 months) and handling-status report (6 months), both obligations of the deadline
engine → where the plan says so, committee members rate the status report → results published.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from congress.models import REVIEWED_AGENCY_KINDS, Meeting, Term, Unit

# Obligation kinds (congress.deadlines) this app opens.
KIND_REPORT = "reviews.report"
KIND_PLAN_REPORT = "reviews.plan_report"
KIND_STATUS_REPORT = "reviews.status_report"
RULE_PLAN_REPORT = "review-plan-report"
RULE_STATUS_REPORT = "review-status-report"


class SupervisionPlan(models.Model):
    """The standing committee's annual supervision plan (年度监督工作计划)."""

    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="supervision_plans", verbose_name=_("term")
    )
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    adopted_at = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("adopted at"),
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supervision plan")
        verbose_name_plural = _("supervision plans")
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.title


class TopicState(models.TextChoices):
    PLANNED = "planned", _("planned")
    REPORT_DUE = "report_due", _("report requested")
    REVIEWED = "reviewed", _("reviewed at the meeting")
    OPINION_ISSUED = "opinion_issued", _("review opinions issued")
    RATING = "rating", _("members rating")
    CONCLUDED = "concluded", _("concluded")


TOPIC_TRANSITIONS: dict[str, set[str]] = {
    TopicState.PLANNED: {TopicState.REPORT_DUE},
    TopicState.REPORT_DUE: {TopicState.REVIEWED},
    TopicState.REVIEWED: {TopicState.OPINION_ISSUED},
    TopicState.OPINION_ISSUED: {TopicState.RATING, TopicState.CONCLUDED},
    TopicState.RATING: {TopicState.CONCLUDED},
    TopicState.CONCLUDED: set(),
}


class ReviewTopic(models.Model):
    """One special work report reviewed at a standing committee meeting (a topic of the plan)."""

    plan = models.ForeignKey(
        SupervisionPlan, on_delete=models.PROTECT, related_name="topics", verbose_name=_("plan")
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("e.g. 区人民法院关于行政审判工作情况的报告")
    )
    agency = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="review_topics",
        limit_choices_to={"kind__in": REVIEWED_AGENCY_KINDS},
        verbose_name=_("reporting agency"),
    )
    committee = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="supervised_review_topics",
        limit_choices_to={"kind": "office"},
        null=True,
        blank=True,
        verbose_name=_("responsible committee"),
        help_text=_("The office that prepares the review and supervises the handling."),
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_topics",
        limit_choices_to={"kind": "standing"},
        verbose_name=_("standing committee meeting"),
    )
    research = models.TextField(
        _("pre-meeting research"), blank=True, help_text=_("会前调研: visits, hearings, findings.")
    )
    deliberation = models.TextField(_("deliberation summary"), blank=True)
    rating_required = models.BooleanField(
        _("members rate the status report"),
        default=False,
        help_text=_("Where the plan says so, committee members rate the handling-status report."),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=TopicState.choices, default=TopicState.PLANNED
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    result_summary = models.TextField(_("published result"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review topic")
        verbose_name_plural = _("review topics")
        ordering = ["-plan__year", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "title"], name="unique_topic_per_plan"),
        ]
        indexes = [models.Index(fields=["published_at"], name="review_topic_published")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reviews:public_detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class LetterState(models.TextChoices):
    DRAFT = "draft", _("draft")
    ISSUED = "issued", _("issued")


class OpinionLetter(models.Model):
    """The review opinion letter (审议意见书) in its fixed formal layout."""

    topic = models.OneToOneField(
        ReviewTopic,
        on_delete=models.CASCADE,
        related_name="letter",
        verbose_name=pgettext_lazy("review", "topic"),
    )
    number = models.CharField(
        _("document number"), max_length=60, help_text=_("e.g. 海人常审〔2024〕3号")
    )
    title = models.CharField(_("title"), max_length=200)
    addressee = models.CharField(_("addressee"), max_length=100)
    body = models.TextField(_("text"), help_text=_("One paragraph per line."))
    copy_to = models.CharField(_("copy to"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=LetterState.choices, default=LetterState.DRAFT
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review opinion letter")
        verbose_name_plural = _("review opinion letters")
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=Q(state="issued"), name="unique_issued_letter_number"
            )
        ]

    def __str__(self) -> str:
        return self.number or self.title

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.splitlines() if p.strip()]


class RatingValue(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASICALLY = "basically", _("basically satisfied")
    UNSATISFIED = "unsatisfied", _("unsatisfied")


class Rating(models.Model):
    """A committee member's rating of the handling-status report: one per member and topic."""

    topic = models.ForeignKey(
        ReviewTopic,
        on_delete=models.CASCADE,
        related_name="ratings",
        verbose_name=pgettext_lazy("review", "topic"),
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_ratings",
        verbose_name=_("committee member"),
    )
    value = models.CharField(
        pgettext_lazy("ballot", "rating"), max_length=20, choices=RatingValue.choices
    )
    rated_at = models.DateTimeField(pgettext_lazy("ballot", "rated"))

    class Meta:
        verbose_name = pgettext_lazy("ballot", "rating")
        verbose_name_plural = pgettext_lazy("ballot", "ratings")
        constraints = [
            models.UniqueConstraint(fields=["topic", "member"], name="one_rating_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.topic} · {self.get_value_display()}"
