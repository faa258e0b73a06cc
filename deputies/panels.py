"""The deputies app's boxes on the portal dashboard and the public home page (≤ 2 queries each)."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Func, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from deputies.models import (
    OPEN_OPINION_STATES,
    Deputy,
    Mandate,
    MandateStatus,
    ReceptionDay,
    TrainingMaterial,
    VoterOpinion,
)


def subcount(qs):
    """COUNT(*) of `qs` as a scalar subquery (Func is not an aggregate: no GROUP BY)."""
    return Coalesce(
        Subquery(
            qs.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def dashboard_panel(request) -> dict | None:
    """For a deputy: next duty days, their stations' opinions awaiting processing, trainings to
    complete. Two queries: the deputy with both counts as subqueries, and the next duty days."""
    user = request.user
    if not user.is_authenticated:
        return None
    my_stations = Mandate.objects.filter(
        deputy=OuterRef(OuterRef("pk")), status=MandateStatus.SERVING, term__is_current=True
    ).values("station_id")
    deputy = (
        Deputy.objects.filter(user=user)
        .only("id", "name")
        .annotate(
            open_opinions=subcount(
                VoterOpinion.objects.filter(
                    station_id__in=my_stations, state__in=OPEN_OPINION_STATES
                )
            ),
            trainings=subcount(
                TrainingMaterial.objects.filter(is_published=True).exclude(
                    completions__deputy=OuterRef("pk")
                )
            ),
        )
        .first()
    )
    if deputy is None:
        return None
    today = timezone.localdate()
    days = list(
        ReceptionDay.objects.filter(deputies=deputy, is_cancelled=False, date__gte=today)
        .select_related("station")
        .order_by("date", "starts_at")[:3]
    )
    return {"days": days, "open_opinions": deputy.open_opinions, "trainings": deputy.trainings}


def home_panel(request) -> dict | None:
    """Public: the reception days of the coming week (one query)."""
    today = timezone.localdate()
    days = list(
        ReceptionDay.objects.filter(
            is_cancelled=False, date__gte=today, date__lte=today + dt.timedelta(days=7)
        )
        .select_related("station")
        .order_by("date", "starts_at")[:6]
    )
    return {"days": days} if days else None
