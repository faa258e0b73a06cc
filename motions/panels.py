"""Boxes on the public home page and the portal dashboard (each at most two queries, beyond
the actor lookup every page makes anyway)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q

from congress.access import actor_for
from motions import queries
from motions.models import Cosigner, CosignerState, Motion, MotionState


def home_panel(request) -> dict | None:
    """The latest published progress (云视察) on the home page: one query."""
    updates = list(
        queries.published_updates().select_related("motion").order_by("-published_at", "-id")[:4]
    )
    if not updates:
        return None
    return {"updates": updates}


def dashboard_panel(request) -> dict | None:
    """What needs this user about motions: reviews and publications (staff), assignments to
    answer (units), co-sign invitations and drafts (deputies)."""
    user = request.user
    actor = actor_for(user)
    items: dict[str, int] = {}
    if actor.is_staff_member:
        items = Motion.objects.aggregate(
            to_review=Count("pk", filter=Q(state=MotionState.SUBMITTED)),
            to_assign=Count("pk", filter=Q(state=MotionState.REGISTERED)),
        )
        items["to_publish"] = queries.pending_updates(user).count()
    elif actor.is_liaison:
        items["assignments"] = queries.my_assignments(user).filter(state="pending").count()
    else:
        invited = Cosigner.objects.filter(
            motion=OuterRef("pk"), deputy__user=user, state=CosignerState.INVITED
        )
        items = Motion.objects.filter(
            Q(lead_deputy__user=user) | Q(Exists(invited)), state=MotionState.DRAFT
        ).aggregate(
            drafts=Count("pk", filter=Q(lead_deputy__user=user)),
            invitations=Count("pk", filter=~Q(lead_deputy__user=user)),
        )
    if not any(items.values()):
        return None
    return items
