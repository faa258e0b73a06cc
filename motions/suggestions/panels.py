"""Dashboard panels: the deputy's replies to rate, the unit's suggestions to answer (≤ 2 queries)."""

from __future__ import annotations

from congress.access import actor_for
from motions.suggestions import queries
from motions.suggestions.models import Assignment, AssignmentState


def replies_to_rate_panel(request):
    deputy = queries.deputy_of(request.user)
    if deputy is None:
        return None
    replies = list(queries.replies_to_rate(deputy)[:6])  # 1 query
    return {"replies": replies[:5], "more": len(replies) > 5}


def unit_panel(request):
    from django.db.models import Count, Q
    from django.utils import timezone

    actor = actor_for(request.user)
    if not actor.liaison_unit_ids:
        return None
    counts = Assignment.objects.filter(
        unit_id__in=actor.liaison_unit_ids,
        state__in=[AssignmentState.HANDLING, AssignmentState.REHANDLING],
    ).aggregate(
        open=Count("id"),
        overdue=Count("id", filter=Q(obligation__due_date__lt=timezone.localdate())),
    )  # 1 query
    return counts
