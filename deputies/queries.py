"""Reads of the deputies app with no side effects: the querysets pages and the API share, and
who may see what (object-level checks)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet

from congress import access
from deputies.models import (
    OPEN_OPINION_STATES,
    Deputy,
    DutyRecord,
    Mandate,
    MandateStatus,
    ReceptionDay,
    Station,
    TrainingMaterial,
    VoterOpinion,
)

PUBLIC_DEPUTY_FIELDS = ("id", "name", "gender", "party", "occupation", "photo", "bio")


def deputy_of(user) -> Deputy | None:
    """The deputy profile of a logged-in user, or None."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.deputy
    except Deputy.DoesNotExist:
        return None


def serving_mandates() -> QuerySet[Mandate]:
    return Mandate.objects.filter(status=MandateStatus.SERVING, term__is_current=True)


def station_ids_of(deputy: Deputy | None) -> set[int]:
    """The stations where `deputy` currently serves (cached on the instance)."""
    if deputy is None:
        return set()
    cached = getattr(deputy, "_station_ids", None)
    if cached is None:
        cached = set(
            serving_mandates()
            .filter(deputy=deputy, station__isnull=False)
            .values_list("station_id", flat=True)
        )
        deputy._station_ids = cached
    return cached


def serves_at(deputy: Deputy | None, station_id: int) -> bool:
    return station_id in station_ids_of(deputy)


def is_deputies_staff(user) -> bool:
    """Staff who may read the registry and opinions (without voter contacts)."""
    return access.is_staff_member(user) and user.has_perm("deputies.view_voteropinion")


def can_see_voter_data(user, opinion: VoterOpinion) -> bool:
    """The station's deputies and staff with the explicit permission; nobody else."""
    if user is None or not user.is_authenticated:
        return False
    if serves_at(deputy_of(user), opinion.station_id):
        return True
    return access.is_staff_member(user) and user.has_perm("deputies.view_voter_contact")


def can_handle_opinion(user, opinion: VoterOpinion) -> bool:
    if serves_at(deputy_of(user), opinion.station_id):
        return True
    return access.is_staff_member(user) and user.has_perm("deputies.change_voteropinion")


def can_reply_opinion(user, opinion: VoterOpinion) -> bool:
    """The unit it was forwarded to (its liaisons) or staff handling opinions."""
    if opinion.forwarded_to_id and access.can_act_for_unit(user, opinion.forwarded_to_id):
        return True
    return access.is_staff_member(user) and user.has_perm("deputies.change_voteropinion")


def opinions_for(user) -> QuerySet[VoterOpinion]:
    """Voter opinions `user` may open: staff with the view permission see all; deputies their
    stations'; unit liaisons those forwarded to their unit; everyone else none."""
    qs = VoterOpinion.objects.select_related("station", "forwarded_to", "recorded_by")
    if user is None or not user.is_authenticated:
        return qs.none()
    if is_deputies_staff(user):
        return qs
    cond = Q(pk__in=[])
    stations = station_ids_of(deputy_of(user))
    if stations:
        cond |= Q(station_id__in=stations)
    units = access.actor_for(user).liaison_unit_ids
    if units:
        cond |= Q(forwarded_to_id__in=units)
    return qs.filter(cond)


def open_opinions_for_deputy(deputy: Deputy) -> QuerySet[VoterOpinion]:
    return VoterOpinion.objects.filter(
        station_id__in=station_ids_of(deputy), state__in=OPEN_OPINION_STATES
    ).select_related("station")


# --- Public directory -----------------------------------------------------------------------------


def public_mandates() -> QuerySet[Mandate]:
    return serving_mandates().select_related("term__congress", "group", "station")


def public_deputies(
    *, level: str = "", group: int | None = None, station: int | None = None, q: str = ""
) -> QuerySet[Deputy]:
    """Deputies with a serving mandate in a current term; public fields only."""
    mandates = serving_mandates()
    if level:
        mandates = mandates.filter(level=level)
    if group:
        mandates = mandates.filter(group_id=group)
    if station:
        mandates = mandates.filter(station_id=station)
    qs = Deputy.objects.filter(pk__in=mandates.values("deputy_id")).only(*PUBLIC_DEPUTY_FIELDS)
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return qs.prefetch_related(
        Prefetch(
            "mandates", queryset=public_mandates().order_by("level"), to_attr="public_mandates"
        )
    ).order_by("name", "id")


def published_duty(deputy: Deputy) -> QuerySet[DutyRecord]:
    return DutyRecord.objects.filter(deputy=deputy, is_published=True).order_by("-date", "-id")


def public_stations(*, street: int | None = None, kind: str = "", q: str = "") -> QuerySet[Station]:
    qs = Station.objects.filter(is_active=True).select_related("street")
    if street:
        qs = qs.filter(street_id=street)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
    return qs.annotate(
        deputy_count=Count(
            "mandates",
            filter=Q(mandates__status=MandateStatus.SERVING, mandates__term__is_current=True),
        )
    ).order_by("sort_order", "name")


def station_deputies(station: Station) -> QuerySet[Deputy]:
    return (
        Deputy.objects.filter(pk__in=serving_mandates().filter(station=station).values("deputy_id"))
        .only(*PUBLIC_DEPUTY_FIELDS)
        .order_by("name")
    )


def reception_days(
    *, station: Station | None = None, start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[ReceptionDay]:
    qs = ReceptionDay.objects.filter(is_cancelled=False).select_related("station__street")
    if station is not None:
        qs = qs.filter(station=station)
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    return qs.prefetch_related(
        Prefetch("deputies", queryset=Deputy.objects.only("id", "name").order_by("name"))
    ).order_by("date", "starts_at")


def next_duty_days(deputy: Deputy, today: dt.date, limit: int = 5) -> list[ReceptionDay]:
    return list(
        ReceptionDay.objects.filter(deputies=deputy, is_cancelled=False, date__gte=today)
        .select_related("station")
        .order_by("date", "starts_at")[:limit]
    )


def trainings_to_complete(deputy: Deputy) -> QuerySet[TrainingMaterial]:
    return TrainingMaterial.objects.filter(is_published=True).exclude(completions__deputy=deputy)


def duty_summary(deputy: Deputy, year: int) -> list[dict]:
    """Counts per kind for the yearly duty summary."""
    return list(
        DutyRecord.objects.filter(deputy=deputy, date__year=year)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by("-n", "kind")
    )
