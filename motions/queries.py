"""Reads of the motions app (no side effects), shared by pages, feeds and the API.

Lists are flat: one query for the rows (latest update as subquery annotations, units and topics
by join), whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import QueryDict

from congress.models import PENDING_STATES, Obligation, Unit
from motions import permissions
from motions.models import (
    ACTIVE_ASSIGNMENT_STATES,
    PUBLIC_STATES,
    Assignment,
    Cosigner,
    CosignerState,
    Motion,
    MotionState,
    ProgressUpdate,
    SessionReport,
    Topic,
    UpdateState,
)

PAGE_SIZE = 20


def published_updates() -> QuerySet[ProgressUpdate]:
    return ProgressUpdate.objects.filter(
        state=UpdateState.PUBLISHED, motion__state__in=PUBLIC_STATES
    )


def _with_latest_update(qs: QuerySet[Motion]) -> QuerySet[Motion]:
    latest = ProgressUpdate.objects.filter(
        motion=OuterRef("pk"), state=UpdateState.PUBLISHED
    ).order_by("-happened_on", "-id")
    return qs.annotate(
        latest_update_id=Subquery(latest.values("pk")[:1]),
        latest_update_title=Subquery(latest.values("title")[:1]),
        latest_update_on=Subquery(latest.values("happened_on")[:1]),
        latest_update_kind=Subquery(latest.values("kind")[:1]),
    )


def public_motions() -> QuerySet[Motion]:
    """Registered motions of the default congress, with what the public list shows."""
    return _with_latest_update(
        Motion.objects.filter(state__in=PUBLIC_STATES, term__congress__is_default=True)
        .select_related("lead_unit", "topic", "lead_deputy", "supervising_office")
        .defer(
            "lead_deputy__mobile",
            "lead_deputy__email",
            "lead_deputy__address",
            "lead_deputy__bio",
        )
        .order_by("-year", "number")
    )


@dataclass
class PublicFilters:
    year: int | None = None
    phase: str = ""
    unit: int | None = None
    topic: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, data: QueryDict) -> PublicFilters:
        def as_int(value: str | None) -> int | None:
            return int(value) if value and value.isdigit() and len(value) < 10 else None

        phase = data.get("phase", "")
        return cls(
            year=as_int(data.get("year")),
            phase=phase if phase in (*PUBLIC_STATES, "follow_up") else "",
            unit=as_int(data.get("unit")),
            topic=(data.get("topic") or "")[:40],
            q=(data.get("q") or "").strip()[:100],
        )

    def apply(self, qs: QuerySet[Motion]) -> QuerySet[Motion]:
        if self.year:
            qs = qs.filter(year=self.year)
        if self.phase == "follow_up":
            qs = qs.filter(state__in=[MotionState.FOLLOW_UP_1, MotionState.FOLLOW_UP_2])
        elif self.phase:
            qs = qs.filter(state=self.phase)
        if self.unit:
            qs = qs.filter(
                Exists(
                    Assignment.objects.filter(
                        motion=OuterRef("pk"),
                        unit_id=self.unit,
                        state__in=ACTIVE_ASSIGNMENT_STATES,
                    )
                )
            )
        if self.topic:
            qs = qs.filter(topic__slug=self.topic)
        if self.q:
            # Chinese has no spaces: each whitespace-separated term must appear somewhere.
            for term in self.q.split()[:5]:
                qs = qs.filter(
                    Q(title__icontains=term)
                    | Q(reasons__icontains=term)
                    | Q(measures__icontains=term)
                )
        return qs

    def querystring(self) -> str:
        data = QueryDict(mutable=True)
        for key in ("year", "phase", "unit", "topic", "q"):
            value = getattr(self, key)
            if value:
                data[key] = value
        return data.urlencode()


def filter_choices() -> dict:
    """Options of the public filters: years, units with motions, topics (three queries)."""
    years = list(
        Motion.objects.filter(state__in=PUBLIC_STATES, term__congress__is_default=True)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    units = list(
        Unit.objects.filter(
            Exists(
                Assignment.objects.filter(
                    unit=OuterRef("pk"),
                    state__in=ACTIVE_ASSIGNMENT_STATES,
                    motion__state__in=PUBLIC_STATES,
                )
            )
        )
        .order_by("sort_order", "name")
        .only("pk", "name")
    )
    topics = list(Topic.objects.only("pk", "name", "slug"))
    return {"years": years, "units": units, "topics": topics}


def public_motion(year: int, number: int) -> Motion | None:
    return (
        public_motions()
        .select_related("session__term__congress")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(state__in=ACTIVE_ASSIGNMENT_STATES)
                .select_related("unit")
                .order_by("role", "id"),
                to_attr="active_assignments",
            ),
            "phases",
        )
        .filter(year=year, number=number)
        .first()
    )


def timeline(motion: Motion) -> list[ProgressUpdate]:
    """The published updates of a motion, newest first, with their photos and videos."""
    return list(
        ProgressUpdate.objects.filter(motion=motion, state=UpdateState.PUBLISHED)
        .select_related("unit")
        .prefetch_related("photos", "videos")
        .order_by("-happened_on", "-id")
    )


def public_signers(motion: Motion) -> list[str]:
    """Names (only) of the confirmed co-signers, for the public page."""
    return list(
        Cosigner.objects.filter(motion=motion, state=CosignerState.CONFIRMED)
        .order_by("invited_at", "id")
        .values_list("deputy__name", flat=True)
    )


# --- the portal -----------------------------------------------------------------------------


def portal_motions(user) -> QuerySet[Motion]:
    """Every motion `user` may open in the portal.

    - deputies: the motions they lead (drafts included), those they were invited to co-sign,
      and every registered motion (public anyway);
    - unit liaisons: motions with an active assignment to one of their units;
    - staff: every motion except deputies' drafts.
    Anyone else: nothing.
    """
    if user is None or not user.is_authenticated:
        return Motion.objects.none()
    actor = permissions.actor_for(user)
    condition = Q(pk__in=[])
    if actor.is_staff_member:
        condition |= ~Q(state=MotionState.DRAFT)
    deputy = permissions.deputy_of(user)
    if deputy is not None:
        condition |= (
            Q(lead_deputy=deputy)
            | Q(pk__in=Cosigner.objects.filter(deputy=deputy).values("motion_id"))
            | Q(state__in=PUBLIC_STATES)
        )
    if actor.liaison_unit_ids:
        condition |= Q(
            pk__in=Assignment.objects.filter(
                unit_id__in=actor.liaison_unit_ids, state__in=ACTIVE_ASSIGNMENT_STATES
            ).values("motion_id")
        )
    return Motion.objects.filter(condition)


def portal_list(user) -> QuerySet[Motion]:
    return _with_latest_update(
        portal_motions(user)
        .select_related("lead_unit", "topic", "lead_deputy", "session__term__congress")
        .order_by("-year", "number", "-created_at")
    )


def invitations(deputy) -> QuerySet[Cosigner]:
    """Co-sign requests a deputy has not answered, on drafts still open."""
    return (
        Cosigner.objects.filter(
            deputy=deputy, state=CosignerState.INVITED, motion__state=MotionState.DRAFT
        )
        .select_related("motion__lead_deputy", "motion__session__term__congress")
        .order_by("-invited_at")
    )


def my_assignments(user) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(
            unit_id__in=permissions.liaison_unit_ids(user), state__in=ACTIVE_ASSIGNMENT_STATES
        )
        .select_related("motion", "unit")
        .order_by("state", "-assigned_at")
    )


def unit_obligations(user) -> QuerySet[Obligation]:
    """Pending handling plans and reports the user's units owe on motions."""
    from motions.services import KIND_PLAN, KIND_YEARLY

    return (
        Obligation.objects.filter(
            unit_id__in=permissions.liaison_unit_ids(user),
            kind__in=[KIND_PLAN, KIND_YEARLY],
            state__in=PENDING_STATES,
        )
        .select_related("unit")
        .order_by("due_date")
    )


def recent_changes(user, limit: int = 10):
    """The latest state changes of the motions a deputy leads or signed ("what changed")."""
    from congress.models import Transition
    from motions.services import motion_content_type

    deputy = permissions.deputy_of(user)
    if deputy is None:
        return []
    mine = Motion.objects.filter(
        Q(lead_deputy=deputy) | Q(pk__in=Cosigner.objects.filter(deputy=deputy).values("motion_id"))
    ).values("pk")
    rows = list(
        Transition.objects.filter(subject_type=motion_content_type(), subject_id__in=mine).order_by(
            "-at", "-id"
        )[:limit]
    )
    titles = dict(
        Motion.objects.filter(pk__in={r.subject_id for r in rows}).values_list("pk", "title")
    )
    for r in rows:
        r.motion_title = titles.get(r.subject_id, "")
        r.state_label = MotionState(r.to_state).label if r.to_state in MotionState.values else ""
    return rows


def pending_updates(user) -> QuerySet[ProgressUpdate]:
    """Updates awaiting publication by the offices this staff user supervises motions for."""
    actor = permissions.actor_for(user)
    qs = ProgressUpdate.objects.filter(state=UpdateState.SUBMITTED).select_related("motion", "unit")
    if user.has_perm("motions.supervise_any_motion"):
        return qs
    return qs.filter(motion__supervising_office_id__in=actor.staff_office_ids)


def session_reports() -> QuerySet[SessionReport]:
    return SessionReport.objects.select_related("session__term__congress", "office", "term")
