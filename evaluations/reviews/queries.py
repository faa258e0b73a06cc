"""Reads of report reviews (no side effects), shared by pages and the API."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from congress.access import actor_for
from congress.models import Obligation
from evaluations.reviews.models import (
    KIND_PLAN_REPORT,
    KIND_REPORT,
    KIND_STATUS_REPORT,
    RatingValue,
    ReviewTopic,
    TopicState,
)


def with_rating_counts(qs: QuerySet[ReviewTopic]) -> QuerySet[ReviewTopic]:
    return qs.annotate(
        **{f"n_{v}": Count("ratings", filter=Q(ratings__value=v)) for v in RatingValue.values},
        n_ratings=Count("ratings"),
    )


def published_topics() -> QuerySet[ReviewTopic]:
    """What the public sees: published results only."""
    return with_rating_counts(
        ReviewTopic.objects.filter(published_at__isnull=False).select_related(
            "plan", "agency", "meeting__term__congress", "letter"
        )
    ).order_by("-plan__year", "sort_order", "pk")


def staff_topics() -> QuerySet[ReviewTopic]:
    return ReviewTopic.objects.select_related(
        "plan", "agency", "committee", "meeting__term__congress", "letter"
    ).order_by("-plan__year", "sort_order", "pk")


def topics_visible_to(user) -> QuerySet[ReviewTopic]:
    """Staff: all; an agency's liaison: its agency's topics; committee members: topics open for
    rating; everybody: published ones."""
    actor = actor_for(user)
    qs = staff_topics()
    if actor.is_staff_member:
        return qs
    cond = Q(published_at__isnull=False)
    if actor.liaison_unit_ids:
        cond |= Q(agency_id__in=actor.liaison_unit_ids)
    if user.is_authenticated:
        cond |= Q(
            state=TopicState.RATING,
            plan__term__mandates__deputy__user=user,
            plan__term__mandates__is_committee_member=True,
            plan__term__mandates__status="serving",
        )
    return qs.filter(cond).distinct()


def obligations_of(topic: ReviewTopic) -> dict[str, Obligation]:
    """The topic's obligations by kind (report, plan report, status report), latest first."""
    from congress.deadlines import obligations_for

    result: dict[str, Obligation] = {}
    for ob in (
        obligations_for(topic)
        .select_related("unit")
        .prefetch_related(Prefetch("documents"))
        .order_by("-pk")
    ):
        result.setdefault(ob.kind, ob)
    return result


def rating_summary(topic) -> dict:
    n = {v: getattr(topic, f"n_{v}", 0) for v in RatingValue.values}
    total = sum(n.values())
    positive = n[RatingValue.SATISFIED] + n[RatingValue.BASICALLY]
    return {
        "counts": [(label, n[value]) for value, label in RatingValue.choices],
        "total": total,
        "satisfaction": round(100 * positive / total) if total else None,
    }


def dashboard_panel(request) -> dict | None:
    """Portal panel: staff see the loops in progress; committee members what to rate. ≤ 2 queries."""
    actor = actor_for(request.user)
    if actor.is_staff_member:
        counts = ReviewTopic.objects.aggregate(
            active=Count("pk", filter=~Q(state=TopicState.CONCLUDED)),
            rating=Count("pk", filter=Q(state=TopicState.RATING)),
            unpublished=Count(
                "pk", filter=Q(state=TopicState.CONCLUDED, published_at__isnull=True)
            ),
        )
        return counts | {"staff": True}
    to_rate = list(
        ReviewTopic.objects.filter(
            state=TopicState.RATING,
            plan__term__mandates__deputy__user=request.user,
            plan__term__mandates__is_committee_member=True,
            plan__term__mandates__status="serving",
        )
        .exclude(ratings__member=request.user)
        .distinct()[:5]
    )
    if not to_rate:
        return None
    return {"staff": False, "to_rate": to_rate}


def home_panel(request) -> dict | None:
    """Public home panel: the latest published review results. 1 query."""
    latest = list(
        ReviewTopic.objects.filter(published_at__isnull=False)
        .select_related("agency")
        .order_by("-published_at")[:4]
    )
    return {"topics": latest} if latest else None


KIND_ORDER = [KIND_REPORT, KIND_PLAN_REPORT, KIND_STATUS_REPORT]
