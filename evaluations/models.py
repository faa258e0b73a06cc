"""Department evaluations (评议政府部门工作): campaigns, key work items, secret ballots, rectification.

Ballot secrecy (see docs/evaluations.md): who has voted lives in `Participation` (voter, vote);
what was voted lives only as aggregated counters in `Tally` rows (vote, voter group, option, count,
score sum), updated with F() expressions under a row lock on the vote. There is no per-ballot row,
so nothing in the database links a voter to a choice. Neither table has history.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from congress.models import Term, Unit, UnitKind


class Method(models.TextChoices):
    SATISFACTION = "satisfaction", _("satisfaction ballot (satisfied / basically / unsatisfied)")
    SCORE = "score", _("weighted score (0–100, weighted by voter group)")


class Campaign(models.Model):
    """One year's evaluation of government departments (评议工作方案), within a term."""

    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="evaluation_campaigns", verbose_name=_("term")
    )
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    plan = models.TextField(_("evaluation plan"), blank=True)
    method = models.CharField(
        _("ballot method"), max_length=20, choices=Method.choices, default=Method.SATISFACTION
    )
    committee_weight = models.PositiveSmallIntegerField(
        _("weight of committee members' scores (%)"),
        default=60,
        help_text=_("Weighted score only: the rest goes to the invited deputies' scores."),
    )
    lead_office = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": UnitKind.OFFICE},
        verbose_name=_("supervising office"),
    )
    is_published = models.BooleanField(
        _("plan published"), default=False, help_text=_("Shows the campaign on public pages.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation campaign")
        verbose_name_plural = _("evaluation campaigns")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(committee_weight__lte=100), name="evaluation_weight_percent"
            )
        ]

    def __str__(self) -> str:
        return self.title


class PhaseKind(models.TextChoices):
    PLAN = "plan", _("plan adopted")
    SELF_REPORT = "self_report", _("departments' self-reports")
    RESEARCH = "research", _("research and inspection")
    OPINIONS = "opinions", _("gathering opinions")
    MEETING = "meeting", _("evaluation meeting and ballot")
    RECTIFICATION = "rectification", _("rectification")
    PUBLICATION = "publication", _("results published")


class Phase(models.Model):
    """A phase of a campaign's schedule."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="phases", verbose_name=_("campaign")
    )
    kind = models.CharField(_("phase"), max_length=20, choices=PhaseKind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("schedule")
        ordering = ["campaign", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="evaluation_phase_once")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class ItemState(models.TextChoices):
    PLANNED = "planned", _("planned")
    SELF_REPORT = "self_report", _("self-report requested")
    RESEARCH = "research", _("research and opinions")
    VOTING = "voting", _("voting")
    VOTED = "voted", _("voted")
    RECTIFYING = "rectifying", _("rectification")
    FOLLOW_UP = "follow_up", _("follow-up")
    COMPLETED = "completed", _("completed")


ITEM_TRANSITIONS: dict[str, set[str]] = {
    ItemState.PLANNED: {ItemState.SELF_REPORT},
    ItemState.SELF_REPORT: {ItemState.RESEARCH},
    ItemState.RESEARCH: {ItemState.VOTING},
    ItemState.VOTING: {ItemState.VOTED},
    ItemState.VOTED: {ItemState.RECTIFYING},
    ItemState.RECTIFYING: {ItemState.FOLLOW_UP},
    ItemState.FOLLOW_UP: {ItemState.COMPLETED},
    ItemState.COMPLETED: set(),
}
# States in which deputies, stations and the public may send opinions.
OPINION_STATES = (ItemState.SELF_REPORT, ItemState.RESEARCH)


class Item(models.Model):
    """One department's key work item evaluated in a campaign (e.g. 区信访办 积案攻坚化解)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="items", verbose_name=_("campaign")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="evaluation_items",
        limit_choices_to={"kind": UnitKind.DEPARTMENT},
        verbose_name=_("department"),
    )
    title = models.CharField(_("key work item"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=ItemState.choices, default=ItemState.PLANNED
    )
    expert_consultation = models.TextField(
        _("expert consultation"),
        blank=True,
        help_text=_("Optional: a note or a link to the expert consultation."),
    )
    opinion = models.TextField(_("evaluation opinion"), blank=True)
    opinion_issued_on = models.DateField(_("opinion issued on"), null=True, blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    published_at = models.DateTimeField(_("results published"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation item")
        verbose_name_plural = _("evaluation items")
        ordering = ["campaign", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="evaluation_unit_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("evaluations:public_item", args=[self.pk])


class Inspection(models.Model):
    """A research or inspection visit (调研/视察) with deputies for an item."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="inspections", verbose_name=_("item")
    )
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    notes = models.TextField(pgettext_lazy("inspection", "notes"), blank=True)
    deputies = models.ManyToManyField(
        "deputies.Deputy", related_name="evaluation_inspections", verbose_name=_("deputies")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspection visit")
        verbose_name_plural = _("inspection visits")
        ordering = ["-date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"


class OpinionSource(models.TextChoices):
    DEPUTY = "deputy", _("deputy")
    STATION = "station", _("liaison station")
    PUBLIC = "public", _("public online form")


class Opinion(models.Model):
    """An opinion gathered for an item. Names and contacts of the public are personal data:
    only committee staff see them."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="opinions", verbose_name=_("item")
    )
    source = models.CharField(
        pgettext_lazy("opinion", "source"), max_length=20, choices=OpinionSource.choices
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deputy"),
    )
    station = models.CharField(_("station"), max_length=100, blank=True)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, blank=True)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    text = models.TextField(_("opinion"))
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} · {self.text[:30]}"


class VoteState(models.TextChoices):
    DRAFT = "draft", _("not open yet")
    OPEN = "open", pgettext_lazy("vote", "open")
    CLOSED = "closed", pgettext_lazy("vote", "closed")


class Vote(models.Model):
    """The satisfaction ballot (满意度测评) on one item. Results are computed and locked at close."""

    item = models.OneToOneField(
        Item, on_delete=models.PROTECT, related_name="vote", verbose_name=_("item")
    )
    method = models.CharField(_("ballot method"), max_length=20, choices=Method.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=VoteState.choices, default=VoteState.DRAFT
    )
    meeting_on = models.DateField(_("evaluation meeting"), null=True, blank=True)
    invited = models.ManyToManyField(
        "deputies.Deputy",
        blank=True,
        related_name="+",
        verbose_name=_("invited deputies"),
        help_text=_("Deputies invited to vote besides the standing committee members."),
    )
    opened_at = models.DateTimeField(pgettext_lazy("vote", "opened"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("vote time", "closed"), null=True, blank=True)
    # Results, written once at close:
    eligible_count = models.PositiveIntegerField(_("eligible voters"), default=0)
    ballots_cast = models.PositiveIntegerField(_("ballots cast"), default=0)
    satisfied = models.PositiveIntegerField(_("satisfied"), default=0)
    basically_satisfied = models.PositiveIntegerField(_("basically satisfied"), default=0)
    unsatisfied = models.PositiveIntegerField(_("unsatisfied"), default=0)
    satisfaction_rate = models.DecimalField(
        _("satisfaction rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    score = models.DecimalField(
        _("weighted score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    # State changes only (who opened and closed): results never change after close.
    history = HistoricalRecords(
        excluded_fields=[
            "ballots_cast",
            "satisfied",
            "basically_satisfied",
            "unsatisfied",
            "satisfaction_rate",
            "score",
        ]
    )

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["-item__campaign__year", "item__sort_order"]
        permissions = [("control_vote", _("Can open and close ballots"))]

    def __str__(self) -> str:
        return str(self.item)

    @property
    def is_open(self) -> bool:
        return self.state == VoteState.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state == VoteState.CLOSED

    @property
    def turnout(self) -> Decimal | None:
        if not self.is_closed or not self.eligible_count:
            return None
        return (Decimal(self.ballots_cast) * 100 / self.eligible_count).quantize(Decimal("0.01"))


class Participation(models.Model):
    """That a voter has voted (never what): one row per (voter, vote), enforced by the database.

    No timestamp: the meeting date is the vote's."""

    vote = models.ForeignKey(
        Vote, on_delete=models.PROTECT, related_name="participations", verbose_name=_("ballot")
    )
    voter = models.ForeignKey(
        "deputies.Deputy",
        on_delete=models.PROTECT,
        related_name="evaluation_participations",
        verbose_name=_("voter"),
    )

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations (who has voted)")
        ordering = ["vote", "voter__name"]
        constraints = [
            models.UniqueConstraint(fields=["voter", "vote"], name="evaluation_vote_once")
        ]

    def __str__(self) -> str:
        return f"{self.voter} · {self.vote}"


class VoterGroup(models.TextChoices):
    COMMITTEE = "committee", _("standing committee members")
    INVITED = "invited", _("invited deputies")


class Option(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASICALLY_SATISFIED = "basically", _("basically satisfied")
    UNSATISFIED = "unsatisfied", _("unsatisfied")
    SCORE = "score", _("score")


SATISFACTION_OPTIONS = (Option.SATISFIED, Option.BASICALLY_SATISFIED, Option.UNSATISFIED)


class Tally(models.Model):
    """Aggregated counters of one vote for one voter group and one option: no voter, no time.

    A UUID key (no sequence to correlate), created all at once when the vote opens; casting a
    ballot only adds to `count` (and `score_sum`) with an F() expression under the vote's lock.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(
        Vote, on_delete=models.PROTECT, related_name="tallies", verbose_name=_("ballot")
    )
    group = models.CharField(_("voter group"), max_length=20, choices=VoterGroup.choices)
    option = models.CharField(_("option"), max_length=20, choices=Option.choices)
    count = models.PositiveIntegerField(_("count"), default=0)
    score_sum = models.PositiveIntegerField(_("sum of scores"), default=0)

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies (closed ballots only)")
        ordering = ["vote", "group", "option"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "group", "option"], name="evaluation_tally_key")
        ]

    def __str__(self) -> str:
        return f"{self.vote} · {self.get_group_display()} · {self.get_option_display()}"


class CoverageRecord(models.Model):
    """A department evaluated in a term without ballots in this portal (e.g. the 16th term)."""

    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": UnitKind.DEPARTMENT},
        verbose_name=_("department"),
    )
    term_number = models.PositiveSmallIntegerField(_("term (number)"))
    year = models.PositiveSmallIntegerField(_("year"))
    topic = models.CharField(pgettext_lazy("evaluation", "topic"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("coverage record")
        verbose_name_plural = _("coverage records")
        ordering = ["-term_number", "year", "unit__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "term_number", "year"], name="evaluation_coverage_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.unit}"
