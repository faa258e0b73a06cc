"""Public progress pages (云视察): no login, published content only, no personal data."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from congress.caching import cache_public_page
from congress.deadlines import add_months
from motions import queries
from motions.models import PHASES, PUBLIC_STATES, Follow, MotionState


def planned_years(motion) -> list[dict]:
    """The three handling years with their dates: the real rows, then the planned ones."""
    rows = list(motion.phases.all())
    years = [
        {
            "state": p.state,
            "label": MotionState(p.state).label,
            "starts_on": p.starts_on,
            "ends_on": p.ended_on or p.ends_on,
            "status": "done" if p.ended_on else "current",
        }
        for p in rows
    ]
    if motion.state in PHASES and rows:
        last_end = rows[-1].ends_on
        for state in PHASES[len(rows) :]:
            start = last_end + dt.timedelta(days=1)
            last_end = add_months(start, 12) - dt.timedelta(days=1)
            years.append(
                {
                    "state": state,
                    "label": MotionState(state).label,
                    "starts_on": start,
                    "ends_on": last_end,
                    "status": "planned",
                }
            )
    return years


@cache_public_page(
    "congress.Congress",
    "congress.Term",
    "congress.Meeting",
    "congress.Unit",
    "motions.Motion",
    "motions.Assignment",
    "motions.ProgressUpdate",
    "motions.Topic",
    "deputies.Deputy",
)
@require_GET
def public_list(request):
    """The term's motions with phase, progress and latest update; filters and search.

    Queries: count, rows (latest update as subqueries, units and topics joined), and the
    filter options (years, units, topics): five, whatever the number of motions.
    """
    filters = queries.PublicFilters.from_query(request.GET)
    page = Paginator(filters.apply(queries.public_motions()), queries.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "motions/public_list.html",
        {
            "page": page,
            "filters": filters,
            "query": filters.querystring(),
            "phase_states": PUBLIC_STATES,
            **queries.filter_choices(),
        },
    )


@cache_public_page(
    "congress.Congress",
    "congress.Term",
    "congress.Meeting",
    "congress.Unit",
    "motions.Motion",
    "motions.Assignment",
    "motions.ProgressUpdate",
    "motions.Topic",
    "deputies.Deputy",
    "motions.MotionPhase",
    "motions.UpdatePhoto",
    "motions.UpdateVideo",
    "motions.Cosigner",
)
@require_GET
def public_detail(request, year: int, number: int):
    """A motion's progress page: its texts, units, handling years and published timeline."""
    motion = queries.public_motion(year, number)
    if motion is None:
        raise Http404
    following = (
        request.user.is_authenticated
        and Follow.objects.filter(user=request.user, motion=motion).exists()
    )
    return render(
        request,
        "motions/public_detail.html",
        {
            "motion": motion,
            "years": planned_years(motion),
            "co_units": [a.unit.name for a in motion.active_assignments if a.role == "co"],
            "updates": queries.timeline(motion),
            "signers": queries.public_signers(motion),
            "following": following,
        },
    )
