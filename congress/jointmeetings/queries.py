"""Reads of the record book, shared by pages, exports and the API (no side effects)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from congress.access import actor_for
from congress.jointmeetings.models import (
    OPEN_STATES,
    EntryVersion,
    JointMeeting,
    JointMeetingPhoto,
    JointMeetingState,
)
from congress.models import StreetKind, WorkCommittee


def rotation() -> QuerySet[WorkCommittee]:
    """The street work committees in the agreed rotation order (towns have none)."""
    return (
        WorkCommittee.objects.filter(street__kind=StreetKind.STREET)
        .select_related("street")
        .order_by("rotation_order")
    )


def propose_next_lead() -> WorkCommittee | None:
    """The committee after the latest meeting's lead in rotation order (wrapping round).

    With no meeting yet, the first of the rotation. Two queries.
    """
    committees = list(rotation())
    if not committees:
        return None
    last = JointMeeting.objects.order_by("-number").values_list("lead__rotation_order", flat=True)
    last_order = last.first()
    if last_order is None:
        return committees[0]
    for committee in committees:
        if committee.rotation_order > last_order:
            return committee
    return committees[0]


def _with_book_relations(qs: QuerySet[JointMeeting]) -> QuerySet[JointMeeting]:
    return qs.select_related("lead__street").prefetch_related(
        Prefetch("photos", queryset=JointMeetingPhoto.objects.order_by("sort_order", "id"))
    )


def published_entries() -> QuerySet[JointMeeting]:
    """The record book as the public sees it: signed-off entries, oldest first (chronological)."""
    return _with_book_relations(
        JointMeeting.objects.filter(state=JointMeetingState.SIGNED_OFF).order_by("date", "number")
    )


def book_years() -> list[int]:
    return [
        d.year
        for d in JointMeeting.objects.filter(state=JointMeetingState.SIGNED_OFF).dates(
            "date", "year"
        )
    ]


def versions_of(meeting: JointMeeting) -> QuerySet[EntryVersion]:
    return meeting.versions.select_related("created_by").order_by("number")


def portal_entries(user) -> QuerySet[JointMeeting]:
    """What the portal lists: every entry for staff and street recorders (other streets read
    them), nothing for anybody else."""
    actor = actor_for(user)
    if not (actor.is_staff_member or actor.is_recorder):
        return JointMeeting.objects.none()
    return JointMeeting.objects.select_related("lead__street").order_by("-date", "-number")


def readable_entry(user, pk: int) -> QuerySet[JointMeeting]:
    return _with_book_relations(portal_entries(user)).filter(pk=pk)


def editable_entries(user) -> QuerySet[JointMeeting]:
    """Entries the user keeps: those led by the street(s) the user records for.

    Only the lead street's recorder writes an entry (由各牵头街道轮流记录); staff oversee (schedule,
    change the lead, sign off, correct with a version). Signed-off entries are included so the
    page can say "locked"; the services refuse the edit.
    """
    actor = actor_for(user)
    if not actor.is_recorder:
        return JointMeeting.objects.none()
    return JointMeeting.objects.select_related("lead__street").filter(
        lead__street_id__in=actor.recorder_street_ids
    )


def open_entries_for(user) -> QuerySet[JointMeeting]:
    return editable_entries(user).filter(state__in=OPEN_STATES).order_by("date")


def can_edit(user, meeting: JointMeeting) -> bool:
    """May `user` write this entry now? The lead street's recorder, while it is open."""
    return meeting.is_open and meeting.lead.street_id in actor_for(user).recorder_street_ids
