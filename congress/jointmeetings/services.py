"""Every state change of the record book. Views, the admin and the API call these.

Rules:
- staff schedule a meeting; the lead street is the rotation's proposal unless staff override it
  with a reason (logged as a `LeadChange`); the lead street's recorders are told;
- only the lead street's recorder writes the entry (texts, photos) while it is open;
- the recorder or staff mark the meeting held (planned → recording);
- staff sign the entry off (recording → signed off): it is locked and frozen as version 1;
- staff correct a signed-off entry with a reason: a new version, shown as a correction.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress import uploads
from congress.access import actor_for
from congress.errors import DomainError, InvalidInput, PermissionRefused
from congress.jointmeetings.models import (
    ENTRY_TEXT_FIELDS,
    TRANSITIONS,
    EntryVersion,
    JointMeeting,
    JointMeetingPhoto,
    JointMeetingState,
    LeadChange,
    MeetingForm,
)
from congress.jointmeetings.queries import propose_next_lead
from congress.models import Membership, Role, User, WorkCommittee
from congress.notifications import notify
from congress.workflow import ensure_transition, log_transition

MAX_PHOTOS = 30


class JointMeetingError(DomainError):
    pass


def _require_staff(actor) -> None:
    if not actor_for(actor).is_staff_member:
        raise PermissionRefused("not_staff", _("Only committee staff may do this."))


def _require_lead_recorder(meeting: JointMeeting, actor) -> None:
    if meeting.lead.street_id not in actor_for(actor).recorder_street_ids:
        raise PermissionRefused(
            "not_lead_recorder", _("Only the lead street's recorder keeps this entry.")
        )


def _require_open(meeting: JointMeeting) -> None:
    if not meeting.is_open:
        raise JointMeetingError(
            "locked",
            _("This entry is signed off and locked; staff can record a correction with a reason."),
        )


def recorders_of(committee: WorkCommittee) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            role=Role.RECORDER, street_id=committee.street_id, is_active=True, user__is_active=True
        ).select_related("user")
    ]


def _notify_lead(meeting: JointMeeting) -> None:
    notify(
        recorders_of(meeting.lead),
        kind="jointmeetings.lead",
        title=_("Your street leads joint meeting no. %(number)s: please keep its entry")
        % {"number": meeting.number},
        body=_("Write the notice and agenda for %(date)s, then the information and photos.")
        % {"date": meeting.date.isoformat()},
        url=reverse("jointmeetings:portal_entry", args=[meeting.pk]),
        subject=meeting,
        key=f"jointmeetings.lead:{meeting.pk}:{meeting.lead_id}",
    )


@transaction.atomic
def schedule_meeting(
    *,
    actor,
    date: dt.date,
    form: str,
    topic: str,
    lead: WorkCommittee | None = None,
    override_reason: str = "",
    place: str = "",
) -> JointMeeting:
    """Staff schedule the next joint meeting; its number follows the last one.

    The lead street is the rotation's proposal (`propose_next_lead`); choosing another one needs
    a reason, which is logged. Errors: `not_staff`, `no_streets`, `reason_required`, `bad_form`.
    """
    _require_staff(actor)
    if form not in MeetingForm.values:
        raise InvalidInput("bad_form", _("Choose a research visit or a discussion."), field="form")
    if not topic.strip():
        raise InvalidInput("topic_required", _("Give the meeting a topic."), field="topic")
    proposed = propose_next_lead()
    if proposed is None:
        raise JointMeetingError("no_streets", _("There are no street work committees yet."))
    chosen = lead or proposed
    overridden = chosen.pk != proposed.pk
    if overridden and not override_reason.strip():
        raise InvalidInput(
            "reason_required",
            _("Give a reason for choosing another lead street than the rotation proposes."),
            field="override_reason",
        )
    last = JointMeeting.objects.select_for_update().aggregate(n=Max("number"))["n"] or 0
    meeting = JointMeeting.objects.create(
        number=last + 1,
        date=date,
        lead=chosen,
        proposed_lead=proposed,
        lead_override_reason=override_reason.strip() if overridden else "",
        form=form,
        topic=topic.strip(),
        place=place.strip(),
    )
    log_transition(meeting, "", meeting.state, actor=actor)
    if overridden:
        LeadChange.objects.create(
            meeting=meeting,
            proposed=proposed,
            chosen=chosen,
            reason=override_reason.strip(),
            actor=actor,
        )
    _notify_lead(meeting)
    return meeting


@transaction.atomic
def change_lead(meeting: JointMeeting, *, actor, lead: WorkCommittee, reason: str) -> JointMeeting:
    """Staff give an open meeting another lead street, with a reason (logged).

    Errors: `not_staff`, `locked`, `reason_required`, `same_lead`.
    """
    _require_staff(actor)
    meeting = JointMeeting.objects.select_for_update().select_related("lead").get(pk=meeting.pk)
    _require_open(meeting)
    if not reason.strip():
        raise InvalidInput(
            "reason_required", _("Give a reason for changing the lead street."), field="reason"
        )
    if lead.pk == meeting.lead_id:
        raise InvalidInput("same_lead", _("This street already leads the meeting."), field="lead")
    LeadChange.objects.create(
        meeting=meeting, proposed=meeting.lead, chosen=lead, reason=reason.strip(), actor=actor
    )
    meeting.lead = lead
    meeting.lead_override_reason = reason.strip()
    meeting.save(update_fields=["lead", "lead_override_reason"])
    _notify_lead(meeting)
    return meeting


RECORDER_FIELDS = ("place", "attendance", "notice", "agenda", "information")


@transaction.atomic
def update_entry(
    meeting: JointMeeting, *, actor, attending: list[WorkCommittee] | None = None, **texts: str
) -> JointMeeting:
    """The lead street's recorder writes the entry: place, attendance, notice, agenda, information
    and which street work committees were present.

    Errors: `not_lead_recorder`, `locked`, `unknown_field`.
    """
    meeting = JointMeeting.objects.select_for_update().select_related("lead").get(pk=meeting.pk)
    _require_lead_recorder(meeting, actor)
    _require_open(meeting)
    unknown = set(texts) - set(RECORDER_FIELDS)
    if unknown:
        raise InvalidInput("unknown_field", _("These fields cannot be edited here."))
    changed = []
    for name, value in texts.items():
        value = (value or "").strip()
        if getattr(meeting, name) != value:
            setattr(meeting, name, value)
            changed.append(name)
    if changed:
        meeting._change_reason = "entry"
        meeting.save(update_fields=changed)
    if attending is not None:
        meeting.attending.set(attending)
    return meeting


@transaction.atomic
def mark_held(meeting: JointMeeting, *, actor, now: dt.datetime | None = None) -> JointMeeting:
    """The meeting took place: its recorder now writes the information. Planned → recording.

    Allowed to the lead street's recorder and to staff, not before the meeting's date.
    Errors: `not_allowed`, `bad_transition`, `not_yet`.
    """
    meeting = JointMeeting.objects.select_for_update().select_related("lead").get(pk=meeting.pk)
    a = actor_for(actor)
    if not (a.is_staff_member or meeting.lead.street_id in a.recorder_street_ids):
        raise PermissionRefused("not_allowed", _("Only the lead street's recorder or staff."))
    ensure_transition(
        TRANSITIONS,
        meeting.state,
        JointMeetingState.RECORDING,
        JointMeetingError,
        _("Only a planned meeting can be marked as held."),
    )
    if meeting.date > timezone.localdate(now or timezone.now()):
        raise JointMeetingError("not_yet", _("The meeting has not taken place yet."))
    old = meeting.state
    meeting.state = JointMeetingState.RECORDING
    meeting.save(update_fields=["state"])
    log_transition(meeting, old, meeting.state, actor=actor, at=now)
    return meeting


def _freeze(meeting: JointMeeting, *, number: int, actor, reason: str, at) -> EntryVersion:
    return EntryVersion.objects.create(
        meeting=meeting,
        number=number,
        reason=reason,
        created_by=actor,
        created_at=at,
        **{name: getattr(meeting, name) for name in ENTRY_TEXT_FIELDS},
    )


@transaction.atomic
def sign_off(meeting: JointMeeting, *, actor, now: dt.datetime | None = None) -> JointMeeting:
    """Staff sign the entry off: it is published in the book, locked, and frozen as version 1.

    Errors: `not_staff`, `bad_transition` (only an entry being recorded), `no_information`.
    """
    _require_staff(actor)
    now = now or timezone.now()
    meeting = JointMeeting.objects.select_for_update().get(pk=meeting.pk)
    ensure_transition(
        TRANSITIONS,
        meeting.state,
        JointMeetingState.SIGNED_OFF,
        JointMeetingError,
        _("Only an entry being recorded can be signed off."),
    )
    if not meeting.information.strip():
        raise InvalidInput(
            "no_information",
            _("The entry has no information (minutes or news) yet."),
            field="information",
        )
    old = meeting.state
    meeting.state = JointMeetingState.SIGNED_OFF
    meeting.signed_off_at, meeting.signed_off_by, meeting.version = now, actor, 1
    meeting.save(update_fields=["state", "signed_off_at", "signed_off_by", "version"])
    _freeze(meeting, number=1, actor=actor, reason="", at=now)
    log_transition(meeting, old, meeting.state, actor=actor, at=now)
    return meeting


@transaction.atomic
def correct_entry(
    meeting: JointMeeting, *, actor, reason: str, now: dt.datetime | None = None, **texts: str
) -> EntryVersion:
    """Staff correct a signed-off entry. The current text changes; a new version keeps it with
    the reason; earlier versions stay viewable.

    Errors: `not_staff`, `not_signed_off`, `reason_required`, `unknown_field`, `no_change`.
    """
    _require_staff(actor)
    now = now or timezone.now()
    meeting = JointMeeting.objects.select_for_update().get(pk=meeting.pk)
    if not meeting.is_locked:
        raise JointMeetingError(
            "not_signed_off", _("Only a signed-off entry is corrected; an open one is edited.")
        )
    if not reason.strip():
        raise InvalidInput(
            "reason_required", _("Give the reason for the correction."), field="reason"
        )
    unknown = set(texts) - set(ENTRY_TEXT_FIELDS)
    if unknown:
        raise InvalidInput("unknown_field", _("These fields cannot be corrected."))
    changed = []
    for name, value in texts.items():
        value = (value or "").strip()
        if name == "topic" and not value:
            raise InvalidInput("topic_required", _("Give the meeting a topic."), field="topic")
        if getattr(meeting, name) != value:
            setattr(meeting, name, value)
            changed.append(name)
    if not changed:
        raise InvalidInput("no_change", _("Nothing was changed."))
    meeting.version += 1
    meeting.corrected_at, meeting.correction_reason = now, reason.strip()
    meeting._change_reason = f"correction v{meeting.version}"
    meeting.save(update_fields=[*changed, "version", "corrected_at", "correction_reason"])
    return _freeze(meeting, number=meeting.version, actor=actor, reason=reason.strip(), at=now)


@transaction.atomic
def add_photo(meeting: JointMeeting, *, actor, file, caption: str = "") -> JointMeetingPhoto:
    """The lead street's recorder adds a photo to an open entry.

    The file is judged by its bytes (congress.uploads): only JPEG/PNG/WebP; it is re-encoded
    without EXIF (GPS...) and a thumbnail is made. Errors: `not_lead_recorder`, `locked`,
    `too_many_photos`, `invalid_photo` (with the upload policy's message).
    """
    from django.core.exceptions import ValidationError

    meeting = JointMeeting.objects.select_for_update().select_related("lead").get(pk=meeting.pk)
    _require_lead_recorder(meeting, actor)
    _require_open(meeting)
    count = meeting.photos.count()
    if count >= MAX_PHOTOS:
        raise InvalidInput(
            "too_many_photos",
            _("An entry keeps at most %(n)d photos.") % {"n": MAX_PHOTOS},
            field="photo",
        )
    try:
        image = uploads.clean_image(file)
        thumbnail = uploads.make_thumbnail(image)
    except ValidationError as exc:
        raise InvalidInput("invalid_photo", " ".join(exc.messages), field="photo") from exc
    photo = JointMeetingPhoto(
        meeting=meeting, caption=caption.strip()[:200], sort_order=count + 1, uploaded_by=actor
    )
    photo.image.save(image.name, image, save=False)
    photo.thumbnail.save(thumbnail.name, thumbnail, save=False)
    photo.save()
    return photo


@transaction.atomic
def remove_photo(photo: JointMeetingPhoto, *, actor) -> None:
    """The lead street's recorder removes a photo from an open entry."""
    meeting = JointMeeting.objects.select_related("lead").get(pk=photo.meeting_id)
    _require_lead_recorder(meeting, actor)
    _require_open(meeting)
    image, thumbnail = photo.image, photo.thumbnail
    photo.delete()
    transaction.on_commit(lambda: (image.delete(save=False), thumbnail.delete(save=False)))
