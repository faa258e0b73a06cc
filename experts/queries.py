"""Reads of the expert pool shared by pages, the API and the sweep (no side effects)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from congress.access import actor_for
from experts.models import (
    OPEN_INVITATION_STATES,
    Consultation,
    ConsultationState,
    Expert,
    ExpertiseField,
    ExpertStatus,
    Invitation,
    InvitationState,
)


def public_experts(field: ExpertiseField | None = None) -> QuerySet[Expert]:
    """Appointed experts for the public list: name, organisation, title and fields only.

    `.only()` keeps the contacts out of the query itself, not just out of the template.
    """
    qs = (
        Expert.objects.filter(status=ExpertStatus.ACTIVE)
        .only("id", "name", "organisation", "title")
        .prefetch_related(
            Prefetch("fields", queryset=ExpertiseField.objects.order_by("sort_order"))
        )
        .order_by("name", "id")
    )
    if field is not None:
        qs = qs.filter(fields=field)
    return qs


def fields_with_counts() -> QuerySet[ExpertiseField]:
    return ExpertiseField.objects.annotate(
        active=Count("experts", filter=Q(experts__status=ExpertStatus.ACTIVE))
    ).order_by("sort_order", "name")


def open_load() -> Count:
    return Count(
        "invitations", filter=Q(invitations__state__in=OPEN_INVITATION_STATES), distinct=True
    )


def suggest_experts(
    fields, *, exclude: Consultation | None = None, today: dt.date | None = None, limit: int = 20
) -> QuerySet[Expert]:
    """Experts to invite: appointed, in at least one of `fields`, fewest open consultations
    first, then the most matching fields, then by name. Those already invited to `exclude` are
    left out. Each expert carries `open_count` and `matching`.
    """
    today = today or timezone.localdate()
    field_ids = [f.pk if hasattr(f, "pk") else f for f in fields]
    qs = Expert.objects.filter(
        status=ExpertStatus.ACTIVE, appointment_ends_on__gte=today, fields__in=field_ids
    ).distinct()
    if exclude is not None:
        qs = qs.exclude(invitations__consultation=exclude)
    return (
        Expert.objects.filter(pk__in=qs.values("pk"))
        .annotate(
            open_count=open_load(),
            matching=Count("fields", filter=Q(fields__in=field_ids), distinct=True),
        )
        .prefetch_related("fields")
        .order_by("open_count", "-matching", "name", "id")[:limit]
    )


def consultations_for(user) -> QuerySet[Consultation]:
    """Staff see every consultation; an expert only those they are invited to; others none."""
    actor = actor_for(user)
    qs = Consultation.objects.select_related("office")
    if actor.is_staff_member:
        return qs
    expert = getattr(user, "expert", None) if user.is_authenticated else None
    if expert is not None:
        return qs.filter(invitations__expert=expert).distinct()
    return qs.none()


def invitations_for(user) -> QuerySet[Invitation]:
    """An expert's own invitations (staff: all)."""
    qs = Invitation.objects.select_related("consultation", "expert")
    if actor_for(user).is_staff_member:
        return qs
    expert = getattr(user, "expert", None) if user.is_authenticated else None
    if expert is None:
        return qs.none()
    return qs.filter(expert=expert)


def due_for_reminder(today: dt.date, horizon_days: int) -> QuerySet[Invitation]:
    """Invitations still owing an opinion whose deadline is within `horizon_days` or past."""
    return Invitation.objects.filter(
        state__in=OPEN_INVITATION_STATES,
        consultation__state=ConsultationState.OPEN,
        opinion_due__lte=today + dt.timedelta(days=horizon_days),
    ).select_related("expert__user", "consultation")


def yearly_record(year: int) -> QuerySet[Expert]:
    """Each expert's consultation record for the yearly review (one query)."""
    in_year = Q(invitations__invited_at__year=year)
    return Expert.objects.annotate(
        invited=Count("invitations", filter=in_year),
        submitted=Count(
            "invitations", filter=in_year & Q(invitations__state=InvitationState.SUBMITTED)
        ),
        recused=Count(
            "invitations", filter=in_year & Q(invitations__state=InvitationState.RECUSED)
        ),
        declined=Count(
            "invitations", filter=in_year & Q(invitations__state=InvitationState.DECLINED)
        ),
    ).order_by("-submitted", "name")


def record_of(expert: Expert) -> QuerySet[Invitation]:
    return expert.invitations.select_related("consultation").order_by("-invited_at")
