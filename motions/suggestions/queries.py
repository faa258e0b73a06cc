"""Reads with no side effects: the querysets pages, the API and the panels share, and the scoring."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from congress.access import actor_for
from motions.suggestions.models import (
    REPLYING_ROLES,
    Assignment,
    AssignmentState,
    BureauVisit,
    Proposer,
    Rating,
    Reply,
    ReplyClass,
    Satisfaction,
    ScoringRules,
    Suggestion,
    SuggestionState,
)

DEAD = (AssignmentState.RETURNED, AssignmentState.WITHDRAWN)


def deputy_of(user):
    """The user's deputy profile, or None."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.deputy
    except Exception:  # RelatedObjectDoesNotExist
        return None


def _list_related(qs: QuerySet) -> QuerySet:
    return qs.select_related("category", "meeting").prefetch_related(
        Prefetch(
            "proposers",
            queryset=Proposer.objects.select_related("deputy").order_by("position"),
        ),
        Prefetch(
            "assignments",
            queryset=Assignment.objects.exclude(state__in=DEAD)
            .select_related("unit", "obligation")
            .order_by("role", "id"),
            to_attr="live_assignments",
        ),
    )


def suggestions_of_deputy(deputy) -> QuerySet:
    """Suggestions the deputy proposed or co-proposed (any state but merged)."""
    return _list_related(
        Suggestion.objects.filter(
            Exists(Proposer.objects.filter(suggestion=OuterRef("pk"), deputy=deputy))
        )
    )


def replies_to_rate(deputy) -> QuerySet:
    """Current replies of the deputy's suggestions that await the deputy's rating."""
    return (
        Reply.objects.filter(
            assignment__state=AssignmentState.REPLIED,
            assignment__suggestion__proposers__deputy=deputy,
        )
        .filter(round=F("assignment__round"))
        .exclude(ratings__deputy=deputy)
        .select_related("assignment__unit", "assignment__suggestion")
        .order_by("submitted_at")
    )


def assignments_for_user(user) -> QuerySet:
    """Assignments the user may see as a unit liaison (only their units'), or all for staff."""
    actor = actor_for(user)
    qs = Assignment.objects.select_related(
        "suggestion", "suggestion__category", "unit", "obligation"
    )
    if actor.is_staff_member:
        return qs
    if not actor.liaison_unit_ids:
        return qs.none()
    return qs.filter(unit_id__in=actor.liaison_unit_ids)


def suggestions_for_user(user) -> QuerySet:
    """Scoped suggestions: staff see all; a deputy their own; a liaison those assigned to their
    units (live or not); everyone else (and the public) only published ones."""
    actor = actor_for(user)
    qs = Suggestion.objects.all()
    if actor.is_staff_member:
        return qs
    conditions = Q(pk__in=[])
    deputy = deputy_of(user)
    if deputy is not None:
        conditions |= Q(Exists(Proposer.objects.filter(suggestion=OuterRef("pk"), deputy=deputy)))
    if actor.liaison_unit_ids:
        conditions |= Q(
            Exists(
                Assignment.objects.filter(
                    suggestion=OuterRef("pk"), unit_id__in=actor.liaison_unit_ids
                )
            )
        )
    return qs.filter(conditions)


def published_suggestions() -> QuerySet:
    return _list_related(
        Suggestion.objects.filter(is_published=True).exclude(state=SuggestionState.MERGED)
    )


def published_visits() -> QuerySet:
    return BureauVisit.objects.filter(is_published=True).select_related("unit", "station")


# --- Statistics (public) ---------------------------------------------------------------------


def years() -> list[int]:
    return sorted({d.year for d in Suggestion.objects.dates("filed_at", "year")}, reverse=True)


def public_stats(year: int | None) -> dict:
    """Counts by state, reply class, satisfaction, category and unit. No personal data."""
    suggestions = Suggestion.objects.exclude(state=SuggestionState.MERGED)
    replies = Reply.objects.all()
    ratings = Rating.objects.all()
    assignments = Assignment.objects.filter(role__in=REPLYING_ROLES).exclude(state__in=DEAD)
    if year:
        suggestions = suggestions.filter(filed_at__year=year)
        replies = replies.filter(assignment__suggestion__filed_at__year=year)
        ratings = ratings.filter(reply__assignment__suggestion__filed_at__year=year)
        assignments = assignments.filter(suggestion__filed_at__year=year)
    by_state = dict(suggestions.values_list("state").annotate(n=Count("id")).order_by())
    by_class = dict(
        replies.filter(round=1).values_list("reply_class").annotate(n=Count("id")).order_by()
    )
    by_result = dict(ratings.values_list("result").annotate(n=Count("id")).order_by())
    by_category = list(
        suggestions.values("category__name")
        .annotate(n=Count("id"))
        .order_by("-n", "category__name")
    )
    by_unit = list(
        assignments.values("unit__name")
        .annotate(
            total=Count("id"),
            replied=Count("id", filter=Q(replies__round=1)),
            ab=Count("id", filter=Q(replies__round=1, replies__reply_class__in=["A", "B"])),
        )
        .order_by("-total", "unit__name")
    )
    rated = sum(by_result.values())
    return {
        "total": sum(by_state.values()),
        "by_state": [
            (s, label, by_state.get(s, 0)) for s, label in SuggestionState.choices if s != "merged"
        ],
        "by_class": [(c, label, by_class.get(c, 0)) for c, label in ReplyClass.choices],
        "by_result": [(r, label, by_result.get(r, 0)) for r, label in Satisfaction.choices],
        "rated": rated,
        "satisfied_share": (
            round(
                100 * (by_result.get("satisfied", 0) + by_result.get("basic", 0)) / rated,
                1,
            )
            if rated
            else None
        ),
        "by_category": by_category,
        "by_unit": by_unit,
    }


# --- Unit scoring (办理工作评估细则) ---------------------------------------------------------------


def rules_for(year: int) -> ScoringRules:
    """The rules in force for `year`: the latest version effective that year or before; the
    default weights (unsaved) if staff have entered none."""
    rules = ScoringRules.objects.filter(effective_year__lte=year).first()
    return rules or ScoringRules(name="默认评估细则", effective_year=year)


@dataclass
class UnitScore:
    unit_id: int
    unit_name: str
    assignments: int = 0
    replies: int = 0
    on_time: int = 0
    overdue_unreplied: int = 0
    with_contact: int = 0
    final_replies: int = 0
    resolved: int = 0  # final replies of class A or B
    satisfied: int = 0
    basic: int = 0
    unsatisfied: int = 0
    parts: dict = field(default_factory=dict)  # criterion -> (share or None, points or None)
    score: Decimal | None = None
    rank: int | None = None

    @property
    def rated(self) -> int:
        return self.satisfied + self.basic + self.unsatisfied


def _share(numerator, denominator) -> Decimal | None:
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def unit_scores(year: int, *, today: dt.date | None = None) -> tuple[ScoringRules, list[UnitScore]]:
    """Score every unit that owed replies on suggestions filed in `year` (see docs/suggestions.md):

    - timeliness = replies submitted by their due date / (replies + assignments still unreplied
      past their due date);
    - contact = replies with contact recorded before them / replies;
    - satisfaction = (satisfied + f × basically satisfied) / ratings of the final replies
      (f = the rules' value of a "basically satisfied" rating, 0.6 by default);
    - resolution = final replies of class A or B / final replies;
    - score = Σ weight × share, rescaled to 100 over the criteria that can be measured (a unit
      without ratings yet is scored on the others).
    Four queries whatever the number of units.
    """
    today = today or timezone.localdate()
    rules = rules_for(year)
    scores: dict[int, UnitScore] = {}
    live = (
        Assignment.objects.filter(role__in=REPLYING_ROLES, suggestion__filed_at__year=year)
        .exclude(state__in=DEAD)
        .values_list("id", "unit_id", "unit__name", "state", "round", "obligation__due_date")
    )
    current_round: dict[int, int] = {}
    owner: dict[int, int] = {}
    for pk, unit_id, unit_name, state, round_, due in live:
        s = scores.setdefault(unit_id, UnitScore(unit_id, unit_name))
        s.assignments += 1
        current_round[pk] = round_
        owner[pk] = unit_id
        if state in (AssignmentState.HANDLING, AssignmentState.REHANDLING) and due and due < today:
            s.overdue_unreplied += 1
    final_reply_ids: dict[int, tuple[int, int, str]] = {}
    for reply_id, assignment_id, round_, cls, on_time, contact in Reply.objects.filter(
        assignment_id__in=list(owner)
    ).values_list("id", "assignment_id", "round", "reply_class", "on_time", "contact_before"):
        s = scores[owner[assignment_id]]
        s.replies += 1
        s.on_time += bool(on_time)
        s.with_contact += bool(contact)
        # The final reply of an assignment is that of its latest round.
        prev = final_reply_ids.get(assignment_id)
        if prev is None or prev[0] < round_:
            final_reply_ids[assignment_id] = (round_, reply_id, cls)
    final_ids = {}
    for assignment_id, (_round, reply_id, cls) in final_reply_ids.items():
        s = scores[owner[assignment_id]]
        s.final_replies += 1
        s.resolved += cls in (ReplyClass.A, ReplyClass.B)
        final_ids[reply_id] = owner[assignment_id]
    for reply_id, result in Rating.objects.filter(reply_id__in=list(final_ids)).values_list(
        "reply_id", "result"
    ):
        s = scores[final_ids[reply_id]]
        if result == Satisfaction.SATISFIED:
            s.satisfied += 1
        elif result == Satisfaction.BASIC:
            s.basic += 1
        else:
            s.unsatisfied += 1
    factor = Decimal(rules.basic_satisfied_factor)
    for s in scores.values():
        shares = {
            "timeliness": (
                _share(s.on_time, s.replies + s.overdue_unreplied),
                Decimal(rules.timeliness_weight),
            ),
            "contact": (_share(s.with_contact, s.replies), Decimal(rules.contact_weight)),
            "satisfaction": (
                _share(Decimal(s.satisfied) + factor * s.basic, s.rated),
                Decimal(rules.satisfaction_weight),
            ),
            "resolution": (_share(s.resolved, s.final_replies), Decimal(rules.resolution_weight)),
        }
        points = Decimal(0)
        measured_weight = Decimal(0)
        for name, (share, weight) in shares.items():
            if share is None:
                s.parts[name] = (None, None)
                continue
            p = share * weight
            s.parts[name] = (share, p.quantize(Decimal("0.01")))
            points += p
            measured_weight += weight
        if measured_weight:
            total_weight = sum(w for _s, w in shares.values())
            s.score = (points * total_weight / measured_weight).quantize(Decimal("0.01"))
    ranked = sorted(
        scores.values(),
        key=lambda s: (s.score is None, -(s.score or 0), s.unit_name),
    )
    rank = 0
    previous = None
    for i, s in enumerate(ranked, start=1):
        if s.score is None:
            continue
        if s.score != previous:
            rank, previous = i, s.score
        s.rank = rank
    return rules, ranked


def overdue_counts_by_unit(unit_ids) -> dict[int, int]:
    today = timezone.localdate()
    rows = (
        Assignment.objects.filter(
            unit_id__in=list(unit_ids),
            state__in=[AssignmentState.HANDLING, AssignmentState.REHANDLING],
            obligation__due_date__lt=today,
        )
        .values_list("unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return defaultdict(int, dict(rows))
