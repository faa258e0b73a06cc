"""State changes of the deputies app. Other apps log duty activities through `log_duty`."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress import caching, deadlines
from congress.errors import DomainError, InvalidInput, PermissionRefused
from congress.models import PENDING_STATES, ObligationState, Role, Unit, User
from congress.workflow import ensure_transition, log_transition
from deputies import queries
from deputies.models import (
    OPINION_TRANSITIONS,
    Deputy,
    DutyKind,
    DutyRecord,
    OpinionAccessLog,
    OpinionCategory,
    OpinionState,
    ReceptionDay,
    Station,
    TrainingCompletion,
    TrainingMaterial,
    VoterOpinion,
)


def log_duty(
    deputy: Deputy,
    *,
    kind: str,
    title: str,
    date: dt.date,
    source: models.Model | None = None,
    note: str = "",
) -> DutyRecord:
    """Add an activity to `deputy`'s duty record; idempotent per (deputy, kind, source).

    Automatic entries start unpublished: the deputy decides what to publish (发布个人履职情况).
    """
    if kind not in DutyKind.values:
        raise ValueError(f"unknown duty kind {kind!r}")
    if source is not None:
        source_type = ContentType.objects.get_for_model(source)
        existing = DutyRecord.objects.filter(
            deputy=deputy, kind=kind, source_type=source_type, source_id=source.pk
        ).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                return DutyRecord.objects.create(
                    deputy=deputy,
                    kind=kind,
                    title=title[:300],
                    date=date,
                    note=note,
                    source_type=source_type,
                    source_id=source.pk,
                )
        except IntegrityError:  # a concurrent call logged it first
            return DutyRecord.objects.get(
                deputy=deputy, kind=kind, source_type=source_type, source_id=source.pk
            )
    return DutyRecord.objects.create(
        deputy=deputy, kind=kind, title=title[:300], date=date, note=note, is_manual=True
    )


# --- Errors --------------------------------------------------------------------------------------


class DeputiesError(DomainError):
    pass


class OpinionError(DomainError):
    pass


OPINION_REPLY_KIND = "deputies.voter_opinion_reply"
OPINION_REPLY_RULE = "voter-opinion-reply"


def _today(now: dt.datetime | None) -> dt.date:
    return timezone.localdate(now or timezone.now())


# --- Duty record (履职档案) -----------------------------------------------------------------------


def add_manual_duty(
    deputy: Deputy, *, kind: str, title: str, date: dt.date, note: str = "", actor, now=None
) -> DutyRecord:
    """A deputy (or staff) enters an activity by hand. Errors: `empty_title`, `future_date`."""
    if not title.strip():
        raise InvalidInput("empty_title", _("Give the activity a title."), field="title")
    if date > _today(now):
        raise InvalidInput(
            "future_date", _("A duty record entry cannot be in the future."), field="date"
        )
    if kind not in DutyKind.values:
        raise InvalidInput("bad_kind", _("Choose a kind of activity."), field="kind")
    return log_duty(deputy, kind=kind, title=title.strip(), date=date, note=note.strip())


def set_duty_published(records, *, deputy: Deputy, published: bool) -> int:
    """The deputy publishes (发布个人履职情况) or withdraws entries of their own record."""
    ids = [r.pk if isinstance(r, DutyRecord) else int(r) for r in records]
    count = DutyRecord.objects.filter(deputy=deputy, pk__in=ids).update(is_published=published)
    caching.changed(DutyRecord)  # update() sends no signal; the public profile shows these
    return count


def delete_manual_duty(record: DutyRecord, *, deputy: Deputy) -> None:
    """Only entries the deputy typed may be deleted; automatic ones can only be unpublished."""
    if record.deputy_id != deputy.pk:
        raise PermissionRefused("not_yours", _("This entry is not in your duty record."))
    if not record.is_manual:
        raise DeputiesError(
            "automatic_entry", _("Automatic entries cannot be deleted; unpublish them instead.")
        )
    record.delete()


# --- Reception days (代表接待日) -------------------------------------------------------------------


@transaction.atomic
def schedule_reception_day(
    station: Station,
    *,
    date: dt.date,
    starts_at: dt.time,
    ends_at: dt.time,
    deputies,
    topic: str = "",
    actor=None,
) -> ReceptionDay:
    """Staff schedule a reception day. Errors: `bad_times`, `slot_taken`, `not_station_deputy`."""
    if ends_at <= starts_at:
        raise InvalidInput("bad_times", _("The end time must be after the start."), field="ends_at")
    if ReceptionDay.objects.filter(station=station, date=date, starts_at=starts_at).exists():
        raise InvalidInput(
            "slot_taken", _("This station already has a reception at that time."), field="date"
        )
    deputies = list(deputies)
    day = ReceptionDay.objects.create(
        station=station, date=date, starts_at=starts_at, ends_at=ends_at, topic=topic.strip()
    )
    day.deputies.set(deputies)
    for deputy in deputies:
        if deputy.user_id:
            transaction.on_commit(lambda d=deputy: _notify_duty(d, day))
    return day


def _notify_duty(deputy: Deputy, day: ReceptionDay) -> None:
    from congress.notifications import notify

    notify(
        [deputy.user],
        kind="deputies.reception_day",
        title=_("You are on duty at %(station)s on %(date)s")
        % {"station": day.station.name, "date": f"{day.date:%Y-%m-%d}"},
        url=reverse("deputies:portal_home"),
        subject=day,
        key=f"deputies:duty:{day.pk}:{deputy.pk}",
    )


@transaction.atomic
def confirm_reception_duty(day: ReceptionDay, *, present, actor, now=None) -> ReceptionDay:
    """After the reception: confirm who kept the duty; their duty records get a "station duty"
    entry. Errors: `not_yet` before the day, `cancelled`."""
    now = now or timezone.now()
    if day.is_cancelled:
        raise DeputiesError("cancelled", _("This reception day was cancelled."))
    if day.date > _today(now):
        raise DeputiesError("not_yet", _("The duty can be confirmed on or after the day."))
    present = list(present)
    rostered = set(day.deputies.values_list("pk", flat=True))
    for deputy in present:
        if deputy.pk not in rostered:
            day.deputies.add(deputy)
        log_duty(
            deputy,
            kind=DutyKind.STATION_DUTY,
            title=_("Reception day at %(station)s") % {"station": day.station.name},
            date=day.date,
            source=day,
        )
    if day.held_at is None:
        day.held_at = now
        day.save(update_fields=["held_at"])
    return day


def cancel_reception_day(day: ReceptionDay, *, actor) -> ReceptionDay:
    if day.held_at:
        raise DeputiesError("already_held", _("This reception day has already been held."))
    day.is_cancelled = True
    day.save(update_fields=["is_cancelled"])
    return day


# --- Voter opinions (选民意见) ---------------------------------------------------------------------


@transaction.atomic
def record_opinion(
    station: Station,
    *,
    recorded_by: Deputy,
    content: str,
    category: str,
    voter_name: str = "",
    voter_contact: str = "",
    reception_day: ReceptionDay | None = None,
    received_on: dt.date | None = None,
    actor=None,
    now=None,
) -> VoterOpinion:
    """A deputy on duty records what a voter said. The recording deputy must serve at the
    station. Errors: `empty_content`, `bad_category`, `not_station_deputy`, `future_date`."""
    now = now or timezone.now()
    if not content.strip():
        raise InvalidInput("empty_content", _("Write down what the voter said."), field="content")
    if category not in OpinionCategory.values:
        raise InvalidInput("bad_category", _("Choose a category."), field="category")
    if not queries.serves_at(recorded_by, station.pk):
        raise PermissionRefused(
            "not_station_deputy", _("Only this station's deputies record its voter opinions.")
        )
    received_on = received_on or (reception_day.date if reception_day else _today(now))
    if received_on > _today(now):
        raise InvalidInput(
            "future_date", _("The date cannot be in the future."), field="received_on"
        )
    if reception_day is not None and reception_day.station_id != station.pk:
        raise InvalidInput(
            "wrong_reception_day",
            _("That reception day belongs to another station."),
            field="reception_day",
        )
    opinion = VoterOpinion.objects.create(
        station=station,
        reception_day=reception_day,
        received_on=received_on,
        category=category,
        content=content.strip(),
        voter_name=voter_name.strip(),
        voter_contact=voter_contact.strip(),
        recorded_by=recorded_by,
    )
    on_duty = list(reception_day.deputies.all()) if reception_day else []
    opinion.deputies.set({recorded_by, *on_duty})
    log_transition(opinion, "", OpinionState.RECORDED, actor=actor, at=now)
    log_duty(
        recorded_by,
        kind=DutyKind.VOTER_OPINION,
        title=_("Voter opinion recorded at %(station)s") % {"station": station.name},
        date=received_on,
        source=opinion,
    )
    return opinion


def _locked(opinion: VoterOpinion) -> VoterOpinion:
    return VoterOpinion.objects.select_for_update().get(pk=opinion.pk)


def _move(opinion: VoterOpinion, target: str, *, actor, now, reason: str = "") -> str:
    ensure_transition(
        OPINION_TRANSITIONS,
        opinion.state,
        target,
        OpinionError,
        _("This opinion cannot go from “%(from)s” to “%(to)s”.")
        % {"from": opinion.get_state_display(), "to": OpinionState(target).label},
    )
    old = opinion.state
    opinion.state = target
    log_transition(opinion, old, target, actor=actor, reason=reason, at=now)
    return old


@transaction.atomic
def answer_on_spot(opinion: VoterOpinion, *, answer: str, actor, now=None) -> VoterOpinion:
    """The deputies answered the voter at the reception. Errors: `empty_answer`, `bad_transition`."""
    now = now or timezone.now()
    opinion = _locked(opinion)
    if not answer.strip():
        raise InvalidInput("empty_answer", _("Write the answer given."), field="answer")
    _move(opinion, OpinionState.ANSWERED, actor=actor, now=now)
    opinion.answer = answer.strip()
    opinion.save(update_fields=["state", "answer"])
    return opinion


@transaction.atomic
def forward_opinion(
    opinion: VoterOpinion, *, unit: Unit, actor, now=None, due_date: dt.date | None = None
):
    """Forward to a handling unit, which owes a reply by the rule `voter-opinion-reply` (an
    obligation of the deadline engine: reminders, overdue and escalation come from its sweep).
    Errors: `bad_transition`, `not_handling_unit`, `unknown_rule`."""
    from congress.models import HANDLING_UNIT_KINDS

    now = now or timezone.now()
    opinion = _locked(opinion)
    if unit.kind not in HANDLING_UNIT_KINDS or not unit.is_active:
        raise InvalidInput("not_handling_unit", _("Choose an active handling unit."), field="unit")
    _move(opinion, OpinionState.FORWARDED, actor=actor, now=now, reason=unit.name)
    opinion.forwarded_to = unit
    opinion.save(update_fields=["state", "forwarded_to"])
    obligation = deadlines.open_obligation(
        unit=unit,
        kind=OPINION_REPLY_KIND,
        subject=opinion,
        title=_("Reply to a voter opinion from %(station)s") % {"station": opinion.station.name},
        starts_on=_today(now),
        rule_code=None if due_date else OPINION_REPLY_RULE,
        due_date=due_date,
        supervising_office=Unit.objects.filter(
            office_role="deputy_affairs", is_active=True
        ).first(),
        actor=actor,
        now=now,
    )
    deadlines._notify(
        deadlines.liaisons_of(unit.pk),
        obligation,
        "deputies.opinion_forwarded",
        _("Voter opinion to reply to: %(title)s"),
        key=f"deputies:forwarded:{opinion.pk}",
    )
    return opinion


def opinion_obligation(opinion: VoterOpinion):
    return (
        deadlines.obligations_for(opinion).filter(kind=OPINION_REPLY_KIND).order_by("-pk").first()
    )


@transaction.atomic
def record_unit_reply(opinion: VoterOpinion, *, reply: str, actor, now=None) -> VoterOpinion:
    """The unit's reply arrives: submitted by its liaison (through the obligation) or entered by
    staff. Errors: `empty_reply`, `bad_transition`."""
    now = now or timezone.now()
    opinion = _locked(opinion)
    if not reply.strip():
        raise InvalidInput("empty_reply", _("Write the unit's reply."), field="reply")
    _move(opinion, OpinionState.REPLIED, actor=actor, now=now)
    opinion.unit_reply = reply.strip()
    opinion.save(update_fields=["state", "unit_reply"])
    obligation = opinion_obligation(opinion)
    if obligation is not None and obligation.state in PENDING_STATES:
        deadlines.submit_report(
            obligation,
            actor=actor,
            title=str(_("Reply to the voter opinion")),
            text=reply.strip(),
            now=now,
        )
    return opinion


def on_obligation_changed(sender, obligation, old_state, new_state, actor=None, **kwargs):
    """The unit submitted its reply on the engine's page: take the text into the opinion."""
    if obligation.kind != OPINION_REPLY_KIND or new_state != ObligationState.SUBMITTED:
        return
    opinion = VoterOpinion.objects.filter(
        pk=obligation.subject_id, state=OpinionState.FORWARDED
    ).first()
    if opinion is None:
        return
    document = obligation.documents.order_by("-pk").first()
    text = (document.text if document else "") or str(_("(reply submitted as a document)"))
    with transaction.atomic():
        opinion = _locked(opinion)
        if opinion.state != OpinionState.FORWARDED:
            return
        _move(opinion, OpinionState.REPLIED, actor=actor, now=timezone.now())
        opinion.unit_reply = text
        opinion.save(update_fields=["state", "unit_reply"])


@transaction.atomic
def convert_to_suggestion(
    opinion: VoterOpinion,
    *,
    title: str,
    proposers,
    term,
    actor,
    now=None,
    category=None,
    content: str = "",
):
    """Turn the opinion into a deputy suggestion (代表建议) proposed by the station's deputies.
    Errors: `bad_transition`, `no_proposer`, `empty_title` (from the suggestions app)."""
    from motions.suggestions.services import create_suggestion_from

    now = now or timezone.now()
    opinion = _locked(opinion)
    proposers = list(proposers)
    if not proposers:
        raise InvalidInput("no_proposer", _("Choose at least one proposer."), field="proposers")
    _move(opinion, OpinionState.SUGGESTION, actor=actor, now=now)
    suggestion = create_suggestion_from(
        source=opinion,
        title=title,
        content=content or opinion.content,
        proposers=proposers,
        term=term,
        actor=actor,
        now=now,
        category=category,
    )
    opinion.suggestion_id = suggestion.pk
    opinion.save(update_fields=["state", "suggestion_id"])
    return suggestion


@transaction.atomic
def report_to_committee(opinion: VoterOpinion, *, note: str, actor, now=None) -> VoterOpinion:
    """Report to the standing committee (代表工委 handles it). Errors: `empty_note`."""
    from congress.notifications import notify

    now = now or timezone.now()
    opinion = _locked(opinion)
    if not note.strip():
        raise InvalidInput("empty_note", _("Say why it goes to the committee."), field="note")
    _move(opinion, OpinionState.REPORTED, actor=actor, now=now)
    opinion.report_note = note.strip()
    opinion.save(update_fields=["state", "report_note"])
    staff = User.objects.filter(
        is_active=True,
        memberships__role=Role.STAFF,
        memberships__unit__office_role="deputy_affairs",
        memberships__is_active=True,
    ).distinct()
    notify(
        staff,
        kind="deputies.opinion_reported",
        title=_("Voter opinion reported by %(station)s") % {"station": opinion.station.name},
        url=opinion.get_absolute_url(),
        subject=opinion,
        key=f"deputies:reported:{opinion.pk}",
    )
    return opinion


@transaction.atomic
def close_opinion(
    opinion: VoterOpinion, *, feedback: str, actor, now=None, feedback_on: dt.date | None = None
) -> VoterOpinion:
    """Record the feedback given to the voter and close. Errors: `empty_feedback`,
    `bad_transition` (e.g. still waiting for the unit's reply)."""
    now = now or timezone.now()
    opinion = _locked(opinion)
    if not feedback.strip():
        raise InvalidInput(
            "empty_feedback", _("Record the feedback given to the voter."), field="feedback"
        )
    _move(opinion, OpinionState.CLOSED, actor=actor, now=now)
    opinion.feedback = feedback.strip()
    opinion.feedback_on = feedback_on or _today(now)
    opinion.closed_at = now
    opinion.save(update_fields=["state", "feedback", "feedback_on", "closed_at"])
    return opinion


def reveal_voter_data(opinion: VoterOpinion, *, user, channel: str, now=None, request=None) -> dict:
    """Return the voter's name and contact for `user`, logging the access (who, when, what).
    Errors: `PermissionRefused` `no_access` for anyone else."""
    if not queries.can_see_voter_data(user, opinion):
        raise PermissionRefused("no_access", _("You may not see this voter's contact."))
    data = {"voter_name": opinion.voter_name, "voter_contact": opinion.voter_contact}
    seen = [k for k, v in data.items() if v]
    if seen:
        OpinionAccessLog.objects.create(
            opinion=opinion,
            user=user,
            at=now or timezone.now(),
            channel=channel,
            fields=",".join(seen),
        )
        from congress.privacy import log_access

        log_access(user, opinion, seen, channel=channel, request=request, now=now)
    return data


# --- Training (在线培训) ---------------------------------------------------------------------------


@transaction.atomic
def complete_training(material: TrainingMaterial, *, deputy: Deputy, now=None):
    """The deputy marks a published training as done; it enters the duty record. Idempotent.
    Errors: `not_published`."""
    now = now or timezone.now()
    if not material.is_published:
        raise DeputiesError("not_published", _("This training is not published."))
    completion, _created = TrainingCompletion.objects.get_or_create(
        material=material, deputy=deputy, defaults={"completed_at": now}
    )
    log_duty(
        deputy,
        kind=DutyKind.TRAINING,
        title=_("Training: %(title)s") % {"title": material.title},
        date=timezone.localdate(completion.completed_at),
        source=material,
    )
    return completion
