"""Reads shared by pages and the API (no side effects)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet

from congress.access import actor_for
from congress.models import PENDING_STATES, Obligation, Term, Unit, UnitKind
from evaluations.models import (
    Campaign,
    CoverageRecord,
    Item,
    ItemState,
    Participation,
    Vote,
    VoteState,
)
from evaluations.services import KIND_PLAN, KIND_REPORT, KIND_SELF_REPORT


def deputy_of(user):
    if user is None or not user.is_authenticated:
        return None
    return getattr(user, "deputy", None) if hasattr(user, "deputy") else None


def published_campaigns() -> QuerySet[Campaign]:
    return Campaign.objects.filter(is_published=True)


def public_items(year: int) -> QuerySet[Item]:
    """The items of a published campaign, with their vote (results shown only when published)."""
    return (
        Item.objects.filter(campaign__year=year, campaign__is_published=True)
        .select_related("unit", "vote", "campaign")
        .order_by("sort_order", "id")
    )


def open_votes_for(deputy) -> QuerySet[Vote]:
    """Open ballots where `deputy` may vote (committee member of the term, or invited), with
    `has_voted` annotated. One query."""
    if deputy is None:
        return Vote.objects.none()
    return (
        Vote.objects.filter(state=VoteState.OPEN)
        .filter(
            Q(
                item__campaign__term__mandates__deputy=deputy,
                item__campaign__term__mandates__is_committee_member=True,
                item__campaign__term__mandates__status="serving",
            )
            | Q(invited=deputy)
        )
        .annotate(has_voted=Exists(Participation.objects.filter(vote=OuterRef("pk"), voter=deputy)))
        .select_related("item__unit", "item__campaign")
        .distinct()
        .order_by("item__campaign__year", "item__sort_order", "pk")
    )


def items_for(user) -> QuerySet[Item]:
    """Items a user may see in the portal: staff all; a liaison their unit's; a deputy those they
    inspect or may vote on; nobody else any."""
    actor = actor_for(user)
    qs = Item.objects.select_related("unit", "campaign").order_by("-campaign__year", "sort_order")
    if actor.is_staff_member:
        return qs
    cond = Q(pk__in=[])
    if actor.liaison_unit_ids:
        cond |= Q(unit_id__in=actor.liaison_unit_ids)
    deputy = deputy_of(user)
    if deputy is not None:
        cond |= Q(inspections__deputies=deputy) | Q(vote__invited=deputy)
        cond |= Q(
            campaign__term__mandates__deputy=deputy,
            campaign__term__mandates__is_committee_member=True,
        )
    return qs.filter(cond).distinct()


def inspecting_items(deputy) -> QuerySet[Item]:
    if deputy is None:
        return Item.objects.none()
    return (
        Item.objects.filter(inspections__deputies=deputy)
        .exclude(state=ItemState.COMPLETED)
        .select_related("unit", "campaign")
        .distinct()
        .order_by("-campaign__year", "sort_order")
    )


def item_obligations(item: Item) -> list[Obligation]:
    from congress.deadlines import obligations_for

    kinds = (KIND_SELF_REPORT, KIND_PLAN, KIND_REPORT)
    return list(obligations_for(item).filter(kind__in=kinds).order_by("due_date", "id"))


def is_overdue(obligation: Obligation, today: dt.date) -> bool:
    return obligation.state in PENDING_STATES and obligation.due_date < today


@dataclass
class CoverageRow:
    unit: Unit
    entries: list[tuple[int, str]] = field(default_factory=list)  # (year, topic)

    @property
    def covered(self) -> bool:
        return bool(self.entries)


def coverage(term_number: int, *, public: bool = False) -> list[CoverageRow]:
    """Every department and when it was evaluated in the term: items of the term's campaigns
    (only published campaigns when `public`) plus coverage records (earlier terms, evaluated
    without ballots here). Three queries."""
    rows = {
        u.pk: CoverageRow(u)
        for u in Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_active=True).order_by(
            "sort_order", "name"
        )
    }
    items = Item.objects.filter(campaign__term__number=term_number)
    if public:
        items = items.filter(campaign__is_published=True)
    for unit_id, year, title in items.values_list("unit_id", "campaign__year", "title"):
        if unit_id in rows:
            rows[unit_id].entries.append((year, title))
    for unit_id, year, topic in CoverageRecord.objects.filter(term_number=term_number).values_list(
        "unit_id", "year", "topic"
    ):
        if unit_id in rows:
            rows[unit_id].entries.append((year, topic))
    for row in rows.values():
        row.entries.sort()
    return list(rows.values())


def coverage_terms() -> list[int]:
    numbers = set(Term.objects.values_list("number", flat=True))
    numbers |= set(CoverageRecord.objects.values_list("term_number", flat=True).distinct())
    return sorted(numbers, reverse=True)


def current_term_number() -> int | None:
    term = Term.objects.filter(is_current=True).order_by("-number").first()
    return term.number if term else None


def campaign_years() -> list[int]:
    return list(published_campaigns().values_list("year", flat=True))
