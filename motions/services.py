"""Every state change of a motion, one function per business verb (CONVENTIONS.md).

Each service runs in a transaction, checks who acts and the current state, mutates, writes the
transition log, and notifies on commit (through `congress.notifications.notify`). Deadlines owed
by units and staff are obligations of the shared engine (`congress.deadlines`):

- ``motions.handling_plan``  the lead unit's handling plan, rule ``motion-handling-plan``
  (1 month after assignment);
- ``motions.yearly_report``  the lead unit's handling report for each handling year, rule
  ``motion-yearly-report`` (12 months from the start of that year);
- ``motions.session_report`` the supervising office's report on the handling and supervision of
  motions to the next congress session, rule ``motion-session-report`` (30 days before it).

All services take ``now=`` so that tests and the demo seed can travel in time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from congress import caching, deadlines, uploads
from congress.errors import DomainError, InvalidInput, PermissionRefused
from congress.models import (
    HANDLING_UNIT_KINDS,
    PENDING_STATES,
    Meeting,
    MeetingKind,
    Obligation,
    Role,
    Term,
    Unit,
    UnitKind,
    User,
)
from congress.notifications import notify
from congress.workflow import ensure_transition, log_transition
from deputies.models import Deputy, DutyKind, Mandate, MandateStatus
from motions import permissions
from motions.models import (
    ACTIVE_ASSIGNMENT_STATES,
    PHASES,
    TRANSITIONS,
    UPDATE_TRANSITIONS,
    Assignment,
    AssignmentRole,
    AssignmentState,
    CosignatureRule,
    Cosigner,
    CosignerState,
    Follow,
    Motion,
    MotionAttachment,
    MotionPhase,
    MotionState,
    ProgressUpdate,
    ProposerKind,
    SessionReport,
    Topic,
    UpdateComment,
    UpdateKind,
    UpdatePhoto,
    UpdateState,
    UpdateVideo,
)

KIND_PLAN = "motions.handling_plan"
KIND_YEARLY = "motions.yearly_report"
KIND_SESSION = "motions.session_report"
OBLIGATION_KINDS = (KIND_PLAN, KIND_YEARLY, KIND_SESSION)

# Used when no co-signature rule row exists for a level (the data migration creates them).
DEFAULT_MINIMUM_SIGNERS = {"district": 10, "town": 5, "city": 10}
MAX_PHOTOS = 9
HANDLING_YEAR_MONTHS = 12


class MotionError(DomainError):
    """A motion rule refused the change (409)."""


# --- small helpers --------------------------------------------------------------------------


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _today(now: dt.datetime) -> dt.date:
    return timezone.localdate(now)


def _zh(text) -> str:
    """Render a (lazy) string in the site language: stored titles are data, not UI."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def _year_end(start: dt.date) -> dt.date:
    """The last day of a handling year that starts on `start`."""
    return deadlines.add_months(start, HANDLING_YEAR_MONTHS) - dt.timedelta(days=1)


def _lock(motion: Motion) -> Motion:
    locked = Motion.objects.select_for_update().get(pk=motion.pk)
    return locked


def _refresh(target: Motion, source: Motion) -> Motion:
    """Copy the saved state of `source` (the locked row) onto the caller's instance."""
    if target is not source:
        for field in Motion._meta.concrete_fields:
            setattr(target, field.attname, getattr(source, field.attname))
    return target


def _move(motion: Motion, target: str, *, actor, reason: str = "", now: dt.datetime) -> str:
    old = motion.state
    ensure_transition(
        TRANSITIONS,
        old,
        target,
        MotionError,
        _("A motion in state “%(state)s” cannot go to “%(target)s”.")
        % {"state": MotionState(old).label, "target": MotionState(target).label},
    )
    motion.state = target
    log_transition(motion, old, target, actor=actor, reason=reason, at=now)
    return old


def session_deadline(session: Meeting) -> dt.datetime:
    """Motions of a session can be submitted (and co-signed) until this moment."""
    if session.motion_deadline:
        return session.motion_deadline
    last_day = session.ends_on or session.starts_on
    return timezone.make_aware(dt.datetime.combine(last_day, dt.time(23, 59, 59)))


def minimum_signers(level: str) -> int:
    value = CosignatureRule.objects.filter(level=level).values_list("minimum_signers", flat=True)
    return next(iter(value), DEFAULT_MINIMUM_SIGNERS.get(level, 10))


def _is_serving(deputy_ids: Iterable[int], term: Term) -> set[int]:
    """Which of these deputies hold a serving seat in `term` (same congress, same level)."""
    return set(
        Mandate.objects.filter(
            deputy_id__in=list(deputy_ids),
            term=term,
            level=term.congress.level,
            status=MandateStatus.SERVING,
        ).values_list("deputy_id", flat=True)
    )


def _check_open(motion: Motion, now: dt.datetime) -> None:
    if now > session_deadline(motion.session):
        raise MotionError(
            "deadline_passed",
            _("Motions for %(session)s closed on %(deadline)s.")
            % {
                "session": motion.session.title,
                "deadline": timezone.localtime(session_deadline(motion.session)).strftime(
                    "%Y-%m-%d %H:%M"
                ),
            },
        )


# --- who gets told --------------------------------------------------------------------------


def signer_users(motion: Motion) -> list[User]:
    """Logins of the lead deputy and the confirmed co-signers (one query)."""
    who = Q(
        deputy__cosigned_motions__motion=motion,
        deputy__cosigned_motions__state=CosignerState.CONFIRMED,
    )
    if motion.lead_deputy_id:
        who |= Q(deputy__pk=motion.lead_deputy_id)
    return list(User.objects.filter(who, is_active=True).distinct())


def lead_user(motion: Motion) -> list[User]:
    if not motion.lead_deputy_id:
        return []
    return list(User.objects.filter(deputy__pk=motion.lead_deputy_id, is_active=True))


def liaisons(unit_ids: Iterable[int]) -> list[User]:
    return list(
        User.objects.filter(
            memberships__role=Role.LIAISON,
            memberships__is_active=True,
            memberships__unit_id__in=list(unit_ids),
            is_active=True,
        ).distinct()
    )


def office_staff(office_ids: Iterable[int]) -> list[User]:
    return list(
        User.objects.filter(
            memberships__role=Role.STAFF,
            memberships__is_active=True,
            memberships__unit_id__in=[i for i in office_ids if i],
            is_active=True,
        ).distinct()
    )


def review_staff() -> list[User]:
    """Staff of the offices that prepare the review committee's work and assign motions."""
    return list(
        User.objects.filter(
            memberships__role=Role.STAFF,
            memberships__is_active=True,
            memberships__unit__office_role__in=["general_office", "deputy_affairs"],
            is_active=True,
        ).distinct()
    )


def _portal_url(motion: Motion) -> str:
    return reverse("motions:portal_detail", args=[motion.pk])


def _notify(users, motion: Motion, kind: str, title, body="", *, key: str = "", url: str = ""):
    return notify(
        users,
        kind=f"motions.{kind}",
        title=title,
        body=body,
        url=url or _portal_url(motion),
        subject=motion,
        key=key,
    )


# --- drafting -------------------------------------------------------------------------------


def _check_text(title: str) -> None:
    if not (title or "").strip():
        raise InvalidInput("title_required", _("Give the motion a title."), field="title")
    if len(title) > 200:
        raise InvalidInput(
            "title_too_long", _("The title is limited to 200 characters."), field="title"
        )


@transaction.atomic
def create_draft(
    *,
    actor: User,
    session: Meeting,
    title: str,
    reasons: str = "",
    grounds: str = "",
    measures: str = "",
    topic: Topic | None = None,
    now: dt.datetime | None = None,
) -> Motion:
    """A deputy starts a motion for a congress session of a term they serve in.

    Errors: `not_deputy` (403); `not_a_session`, `not_serving`, `title_required` (400);
    `deadline_passed` (409).
    """
    now = _now(now)
    deputy = permissions.deputy_of(actor)
    if deputy is None:
        raise PermissionRefused("not_deputy", _("Only deputies can propose motions."))
    if session.kind != MeetingKind.CONGRESS_SESSION:
        raise InvalidInput(
            "not_a_session", _("Motions are proposed at a congress session."), field="session"
        )
    if deputy.pk not in _is_serving([deputy.pk], session.term):
        raise InvalidInput(
            "not_serving",
            _("You are not a serving deputy of %(term)s.") % {"term": session.term},
            field="session",
        )
    _check_text(title)
    motion = Motion(
        term=session.term,
        session=session,
        year=session.starts_on.year,
        proposer_kind=ProposerKind.DEPUTIES,
        lead_deputy=deputy,
        title=title.strip(),
        reasons=reasons,
        grounds=grounds,
        measures=measures,
        topic=topic,
        signer_count=1,
        created_by=actor,
        created_at=now,
    )
    _check_open(motion, now)
    motion.save()
    log_transition(motion, "", MotionState.DRAFT, actor=actor, at=now)
    return motion


def _require_lead_draft(motion: Motion, actor: User) -> None:
    if not permissions.is_lead(actor, motion):
        raise PermissionRefused("not_lead", _("Only the lead deputy can change this motion."))
    if motion.state != MotionState.DRAFT:
        raise MotionError("not_draft", _("Only a draft can be changed."))


@transaction.atomic
def update_draft(
    motion: Motion,
    *,
    actor: User,
    title: str,
    reasons: str = "",
    grounds: str = "",
    measures: str = "",
    topic: Topic | None = None,
    now: dt.datetime | None = None,
) -> Motion:
    """The lead deputy edits their draft. Errors: `not_lead` (403), `not_draft` (409)."""
    locked = _lock(motion)
    _require_lead_draft(locked, actor)
    _check_text(title)
    locked.title, locked.reasons, locked.grounds, locked.measures = (
        title.strip(),
        reasons,
        grounds,
        measures,
    )
    locked.topic = topic
    locked.save(update_fields=["title", "reasons", "grounds", "measures", "topic", "updated_at"])
    return _refresh(motion, locked)


@transaction.atomic
def add_attachment(
    motion: Motion, *, actor: User, title: str, file: File, now: dt.datetime | None = None
) -> MotionAttachment:
    """The lead deputy attaches a PDF, DOCX or XLSX to their draft (validated by its bytes)."""
    now = _now(now)
    _require_lead_draft(motion, actor)
    original = getattr(file, "original_name", "") or getattr(file, "name", "") or ""
    try:
        kind = uploads.validate_document(file)
    except ValidationError as exc:
        raise InvalidInput("invalid_file", " ".join(exc.messages), field="file")
    file.seek(0)
    stored = ContentFile(file.read(), name=f"upload.{kind}")
    return MotionAttachment.objects.create(
        motion=motion,
        title=(title or original or _zh(_("attachment")))[:200],
        file=stored,
        original_name=original.rsplit("/", 1)[-1][:200],
        uploaded_by=actor,
        uploaded_at=now,
    )


@transaction.atomic
def invite_cosigners(
    motion: Motion,
    deputies: Sequence[Deputy],
    *,
    actor: User,
    now: dt.datetime | None = None,
) -> list[Cosigner]:
    """The lead deputy invites deputies to co-sign. Each must serve in the motion's term.

    Re-inviting a deputy who declined asks again. Errors: `not_lead`, `not_draft`,
    `deadline_passed`, `not_serving` (400, naming who), `no_cosigners`.
    """
    now = _now(now)
    locked = _lock(motion)
    _require_lead_draft(locked, actor)
    _check_open(locked, now)
    wanted = {d.pk: d for d in deputies if d.pk != locked.lead_deputy_id}
    if not wanted:
        raise InvalidInput("no_cosigners", _("Choose at least one other deputy."), field="deputies")
    serving = _is_serving(wanted, locked.term)
    strangers = [d.name for pk, d in wanted.items() if pk not in serving]
    if strangers:
        raise InvalidInput(
            "not_serving",
            _("Not serving deputies of %(term)s: %(names)s.")
            % {"term": locked.term, "names": "、".join(strangers)},
            field="deputies",
        )
    existing = {c.deputy_id: c for c in Cosigner.objects.filter(motion=locked, deputy__in=wanted)}
    invited: list[Cosigner] = []
    for pk, deputy in wanted.items():
        row = existing.get(pk)
        if row is None:
            row = Cosigner.objects.create(motion=locked, deputy=deputy, invited_at=now)
        elif row.state == CosignerState.DECLINED:
            row.state, row.invited_at, row.responded_at = CosignerState.INVITED, now, None
            row.save(update_fields=["state", "invited_at", "responded_at"])
        else:
            continue
        invited.append(row)
    users = User.objects.filter(deputy__in=[c.deputy_id for c in invited], is_active=True)
    _notify(
        users,
        locked,
        "cosign_invitation",
        _("Invitation to co-sign a motion: %(title)s") % {"title": locked.title},
        _("%(lead)s invites you to co-sign this motion before %(deadline)s.")
        % {
            "lead": locked.lead_deputy,
            "deadline": timezone.localtime(session_deadline(locked.session)).strftime(
                "%Y-%m-%d %H:%M"
            ),
        },
        key=f"motions:invite:{locked.pk}:{now.isoformat()}",
    )
    return invited


def recount_signers(motion: Motion) -> None:
    confirmed = Cosigner.objects.filter(motion=motion, state=CosignerState.CONFIRMED).count()
    motion.signer_count = confirmed + (1 if motion.lead_deputy_id else 0)
    motion.save(update_fields=["signer_count", "updated_at"])


@transaction.atomic
def answer_invitation(
    motion: Motion, *, actor: User, accept: bool, now: dt.datetime | None = None
) -> Cosigner:
    """An invited deputy confirms (or declines, or withdraws) their signature on a draft.

    Errors: `not_invited` (403), `not_draft`, `deadline_passed` (409).
    """
    now = _now(now)
    deputy = permissions.deputy_of(actor)
    locked = _lock(motion)
    row = (
        Cosigner.objects.select_for_update().filter(motion=locked, deputy=deputy).first()
        if deputy
        else None
    )
    if row is None:
        raise PermissionRefused("not_invited", _("You were not invited to co-sign this motion."))
    if locked.state != MotionState.DRAFT:
        raise MotionError("not_draft", _("This motion has already been submitted."))
    _check_open(locked, now)
    row.state = CosignerState.CONFIRMED if accept else CosignerState.DECLINED
    row.responded_at = now
    row.save(update_fields=["state", "responded_at"])
    recount_signers(locked)
    _notify(
        lead_user(locked),
        locked,
        "cosign_answer",
        (_("%(deputy)s co-signed your motion") if accept else _("%(deputy)s declined to co-sign"))
        % {"deputy": deputy},
        _("%(count)d deputies have signed “%(title)s”.")
        % {"count": locked.signer_count, "title": locked.title},
        key=f"motions:answer:{row.pk}:{now.isoformat()}",
    )
    _refresh(motion, locked)
    return row


@transaction.atomic
def submit_motion(motion: Motion, *, actor: User, now: dt.datetime | None = None) -> Motion:
    """The lead deputy submits the draft to the motion review committee.

    Preconditions: a draft before the session's deadline, with reasons and measures, signed by
    at least the minimum number of deputies of its level (the lead included).
    Effects: state submitted; the signers' duty records; the review staff are told.
    Errors: `not_lead` (403); `incomplete`, `too_few_signers` (400); `not_draft`,
    `deadline_passed` (409).
    """
    now = _now(now)
    locked = _lock(motion)
    _require_lead_draft(locked, actor)
    _check_open(locked, now)
    if not locked.reasons.strip() or not locked.measures.strip():
        raise InvalidInput(
            "incomplete",
            _("Write the reasons and the proposed measures before submitting."),
            field="reasons" if not locked.reasons.strip() else "measures",
        )
    recount_signers(locked)
    minimum = minimum_signers(locked.term.congress.level)
    if locked.signer_count < minimum:
        raise InvalidInput(
            "too_few_signers",
            _(
                "A motion needs at least %(minimum)d signers, the lead deputy included; "
                "it has %(count)d."
            )
            % {"minimum": minimum, "count": locked.signer_count},
        )
    _move(locked, MotionState.SUBMITTED, actor=actor, now=now)
    locked.submitted_at = now
    locked.save(update_fields=["state", "submitted_at", "updated_at"])
    log_signers_duty(locked, now)
    _notify(
        review_staff(),
        locked,
        "submitted",
        _("Motion submitted for review: %(title)s") % {"title": locked.title},
        _("%(lead)s and %(count)d co-signers.")
        % {"lead": locked.lead_deputy, "count": locked.signer_count - 1},
        key=f"motions:submitted:{locked.pk}",
    )
    return _refresh(motion, locked)


def log_signers_duty(motion: Motion, now: dt.datetime) -> None:
    from deputies.services import log_duty

    day = _today(now)
    if motion.lead_deputy_id:
        log_duty(
            motion.lead_deputy,
            kind=DutyKind.MOTION,
            title=_zh(_("Proposed the motion “%(title)s”") % {"title": motion.title}),
            date=day,
            source=motion,
        )
    for cosigner in Cosigner.objects.filter(
        motion=motion, state=CosignerState.CONFIRMED
    ).select_related("deputy"):
        log_duty(
            cosigner.deputy,
            kind=DutyKind.MOTION,
            title=_zh(_("Co-signed the motion “%(title)s”") % {"title": motion.title}),
            date=day,
            source=motion,
        )


@transaction.atomic
def withdraw_motion(
    motion: Motion, *, actor: User, reason: str = "", now: dt.datetime | None = None
) -> Motion:
    """The lead deputy withdraws a draft or a motion not yet reviewed."""
    now = _now(now)
    locked = _lock(motion)
    if not permissions.is_lead(actor, locked):
        raise PermissionRefused("not_lead", _("Only the lead deputy can withdraw this motion."))
    _move(locked, MotionState.WITHDRAWN, actor=actor, reason=reason, now=now)
    locked.save(update_fields=["state", "updated_at"])
    return _refresh(motion, locked)


@transaction.atomic
def create_body_motion(
    *,
    actor: User,
    session: Meeting,
    proposer_kind: str,
    proposer_name: str,
    title: str,
    reasons: str = "",
    grounds: str = "",
    measures: str = "",
    topic: Topic | None = None,
    now: dt.datetime | None = None,
) -> Motion:
    """Staff enter a motion of the presidium or a delegation; it goes straight to review."""
    now = _now(now)
    if not permissions.can_review(actor):
        raise PermissionRefused("not_allowed", _("You may not enter motions."))
    if proposer_kind not in (ProposerKind.PRESIDIUM, ProposerKind.DELEGATION):
        raise InvalidInput(
            "bad_proposer", _("Choose the presidium or a delegation."), field="proposer_kind"
        )
    if proposer_kind == ProposerKind.DELEGATION and not proposer_name.strip():
        raise InvalidInput("proposer_required", _("Name the delegation."), field="proposer_name")
    if session.kind != MeetingKind.CONGRESS_SESSION:
        raise InvalidInput(
            "not_a_session", _("Motions are proposed at a congress session."), field="session"
        )
    _check_text(title)
    motion = Motion.objects.create(
        term=session.term,
        session=session,
        year=session.starts_on.year,
        proposer_kind=proposer_kind,
        proposer_name=proposer_name.strip(),
        title=title.strip(),
        reasons=reasons,
        grounds=grounds,
        measures=measures,
        topic=topic,
        state=MotionState.SUBMITTED,
        submitted_at=now,
        created_by=actor,
        created_at=now,
    )
    log_transition(motion, "", MotionState.SUBMITTED, actor=actor, at=now)
    return motion


# --- review by the motion review committee --------------------------------------------------


def _require(check: bool, message) -> None:
    if not check:
        raise PermissionRefused("not_allowed", message)


def _decide(
    motion: Motion, target: str, *, actor, reasons: str, now: dt.datetime, need_reasons: bool
) -> Motion:
    _require(permissions.can_review(actor), _("You may not decide on motions."))
    if need_reasons and not reasons.strip():
        raise InvalidInput(
            "reasons_required", _("Give the reasons for this decision."), field="reasons"
        )
    _move(motion, target, actor=actor, reason=reasons, now=now)
    motion.decided_at, motion.decision_reasons = now, reasons
    return motion


def _tell_signers_decision(motion: Motion) -> None:
    _notify(
        signer_users(motion),
        motion,
        "decision",
        _("Decision on the motion “%(title)s”: %(state)s")
        % {"title": motion.title, "state": MotionState(motion.state).label},
        motion.decision_reasons,
        key=f"motions:decision:{motion.pk}:{motion.state}",
    )


@transaction.atomic
def register_motion(
    motion: Motion,
    *,
    actor: User,
    reasons: str = "",
    number: int | None = None,
    now: dt.datetime | None = None,
) -> Motion:
    """The review committee registers (立案) a submitted motion with the session's next number.

    Errors: `not_allowed` (403), `bad_transition`, `number_taken` (409).
    """
    now = _now(now)
    locked = _lock(motion)
    _decide(
        locked, MotionState.REGISTERED, actor=actor, reasons=reasons, now=now, need_reasons=False
    )
    taken = Motion.objects.filter(session=locked.session, number__isnull=False)
    if number is None:
        number = (taken.aggregate(n=Max("number"))["n"] or 0) + 1
    elif taken.filter(number=number).exists():
        raise MotionError(
            "number_taken", _("Number %(n)d is already used in this session.") % {"n": number}
        )
    locked.number = number
    locked.save(update_fields=["state", "number", "decided_at", "decision_reasons", "updated_at"])
    _tell_signers_decision(locked)
    return _refresh(motion, locked)


@transaction.atomic
def refuse_registration(
    motion: Motion, *, actor: User, reasons: str, now: dt.datetime | None = None
) -> Motion:
    """The review committee does not register a motion, with reasons."""
    now = _now(now)
    locked = _lock(motion)
    _decide(
        locked, MotionState.NOT_REGISTERED, actor=actor, reasons=reasons, now=now, need_reasons=True
    )
    locked.save(update_fields=["state", "decided_at", "decision_reasons", "updated_at"])
    _tell_signers_decision(locked)
    return _refresh(motion, locked)


def suggestion_handover():
    """The suggestions app's `create_suggestion_from`, or None while it is not installed."""
    try:
        from motions.suggestions.services import create_suggestion_from
    except ImportError:
        return None
    return create_suggestion_from


def proposers_of(motion: Motion) -> list[Deputy]:
    """The lead deputy first, then the confirmed co-signers in the order they were invited."""
    people = [motion.lead_deputy] if motion.lead_deputy_id else []
    people += [
        c.deputy
        for c in Cosigner.objects.filter(motion=motion, state=CosignerState.CONFIRMED)
        .select_related("deputy")
        .order_by("invited_at", "id")
    ]
    return people


def _suggestion_content(motion: Motion) -> str:
    parts = [
        (_("Reasons"), motion.reasons),
        (_("Grounds"), motion.grounds),
        (_("Proposed measures"), motion.measures),
    ]
    return "\n\n".join(f"{_zh(label)}：\n{text}" for label, text in parts if text.strip())


@transaction.atomic
def convert_to_suggestion(
    motion: Motion, *, actor: User, reasons: str, now: dt.datetime | None = None
) -> Motion:
    """The review committee converts a motion into a deputy suggestion (转为建议).

    The motion keeps its history and state `converted`; the suggestion is created by the
    suggestions app with the same proposers (lead first) and `source` pointing back here.
    Errors: `not_allowed` (403), `reasons_required` (400), `bad_transition` (409), and whatever
    the suggestions app refuses (the whole conversion is then rolled back).
    """
    now = _now(now)
    locked = _lock(motion)
    _decide(locked, MotionState.CONVERTED, actor=actor, reasons=reasons, now=now, need_reasons=True)
    fields = ["state", "decided_at", "decision_reasons", "updated_at"]
    handover = suggestion_handover()
    if handover is not None and locked.proposer_kind == ProposerKind.DEPUTIES:
        suggestion = handover(
            source=locked,
            title=locked.title,
            content=_suggestion_content(locked),
            proposers=proposers_of(locked),
            term=locked.term,
            actor=actor,
            now=now,
            category=None,
        )
        locked.converted_suggestion_id = suggestion.pk
        fields.append("converted_suggestion_id")
    locked.save(update_fields=fields)
    _tell_signers_decision(locked)
    return _refresh(motion, locked)


# --- assignment and the handling years ------------------------------------------------------


def _open(
    unit: Unit,
    kind: str,
    motion: Motion,
    title,
    starts_on: dt.date,
    rule: str,
    *,
    actor,
    now: dt.datetime,
) -> Obligation:
    return deadlines.open_obligation(
        unit=unit,
        kind=kind,
        subject=motion,
        title=_zh(title),
        starts_on=starts_on,
        rule_code=rule,
        supervising_office=motion.supervising_office,
        actor=actor,
        now=now,
    )


def _open_plan(motion: Motion, unit: Unit, starts_on: dt.date, *, actor, now) -> Obligation:
    return _open(
        unit,
        KIND_PLAN,
        motion,
        _("Handling plan: %(motion)s") % {"motion": motion},
        starts_on,
        "motion-handling-plan",
        actor=actor,
        now=now,
    )


def _open_yearly(motion: Motion, unit: Unit, phase: MotionPhase, *, actor, now) -> Obligation:
    return _open(
        unit,
        KIND_YEARLY,
        motion,
        _("Handling report, %(year)s: %(motion)s")
        % {"year": MotionState(phase.state).label, "motion": motion},
        phase.starts_on,
        "motion-yearly-report",
        actor=actor,
        now=now,
    )


def _pending_obligations(motion: Motion, unit_id: int | None = None):
    qs = deadlines.obligations_for(motion).filter(
        kind__in=[KIND_PLAN, KIND_YEARLY], state__in=PENDING_STATES
    )
    return qs.filter(unit_id=unit_id) if unit_id else qs


def _waive_pending(motion: Motion, *, actor, reason: str, now, unit_id: int | None = None) -> int:
    count = 0
    for ob in _pending_obligations(motion, unit_id):
        deadlines.waive_obligation(ob, actor=actor, reason=reason, now=now)
        count += 1
    return count


def _check_units(lead_unit: Unit, co_units: Sequence[Unit], office: Unit | None) -> None:
    if lead_unit.kind not in HANDLING_UNIT_KINDS:
        raise InvalidInput(
            "not_handling_unit", _("The lead unit must be a handling unit."), field="lead_unit"
        )
    if any(u.kind not in HANDLING_UNIT_KINDS for u in co_units):
        raise InvalidInput(
            "not_handling_unit", _("Co-units must be handling units."), field="co_units"
        )
    if office is None or office.kind != UnitKind.OFFICE:
        raise InvalidInput(
            "office_required",
            _("Choose the committee office that supervises the motion."),
            field="supervising_office",
        )


@transaction.atomic
def assign_motion(
    motion: Motion,
    *,
    actor: User,
    lead_unit: Unit,
    co_units: Sequence[Unit] = (),
    supervising_office: Unit,
    now: dt.datetime | None = None,
) -> Motion:
    """Assign (交办) a registered motion: the supervision year starts today.

    Effects: active assignments (lead, co-units) awaiting acceptance; the supervision year's
    dates; the lead unit's handling plan and supervision-year report obligations; the report
    to the next congress session is made sure of; the units' liaisons are told.
    Errors: `not_allowed` (403); `not_handling_unit`, `office_required` (400); `bad_transition`.
    """
    now = _now(now)
    today = _today(now)
    _require(permissions.can_assign(actor), _("You may not assign motions."))
    locked = _lock(motion)
    co_units = [u for u in dict.fromkeys(co_units) if u.pk != lead_unit.pk]
    _check_units(lead_unit, co_units, supervising_office)
    _move(locked, MotionState.SUPERVISION, actor=actor, now=now)
    locked.lead_unit, locked.supervising_office = lead_unit, supervising_office
    locked.assigned_on = today
    phase = MotionPhase.objects.create(
        motion=locked, state=MotionState.SUPERVISION, starts_on=today, ends_on=_year_end(today)
    )
    locked.phase_ends_on = phase.ends_on
    locked.save(
        update_fields=[
            "state",
            "lead_unit",
            "supervising_office",
            "assigned_on",
            "phase_ends_on",
            "updated_at",
        ]
    )
    Assignment.objects.bulk_create(
        [
            Assignment(
                motion=locked,
                unit=unit,
                role=role,
                assigned_at=now,
                assigned_by=actor if actor and actor.is_authenticated else None,
            )
            for unit, role in [(lead_unit, AssignmentRole.LEAD)]
            + [(u, AssignmentRole.CO) for u in co_units]
        ]
    )
    caching.changed(Assignment)  # bulk_create sends no post_save
    _open_plan(locked, lead_unit, today, actor=actor, now=now)
    _open_yearly(locked, lead_unit, phase, actor=actor, now=now)
    ensure_session_report(locked.term, now=now)
    _notify(
        liaisons([lead_unit.pk, *(u.pk for u in co_units)]),
        locked,
        "assigned",
        _("Motion assigned to your unit: %(motion)s") % {"motion": locked},
        _("Accept the assignment or return it with reasons. The lead unit owes a handling plan."),
        key=f"motions:assigned:{locked.pk}:{today.isoformat()}",
    )
    _notify(
        signer_users(locked),
        locked,
        "assigned_signers",
        _("Your motion was assigned to %(unit)s") % {"unit": lead_unit},
        key=f"motions:assigned-signers:{locked.pk}",
        url=locked.get_absolute_url(),
    )
    return _refresh(motion, locked)


@transaction.atomic
def answer_assignment(
    assignment: Assignment,
    *,
    actor: User,
    accept: bool,
    reasons: str = "",
    now: dt.datetime | None = None,
) -> Assignment:
    """The unit accepts its assignment, or returns it with reasons (staff then reassign).

    Returning the lead assignment leaves the motion without a lead unit and waives that unit's
    pending handling plan and reports. Errors: `not_your_unit` (403), `reasons_required` (400),
    `not_pending` (409).
    """
    now = _now(now)
    row = (
        Assignment.objects.select_for_update()
        .select_related("motion", "unit")
        .get(pk=assignment.pk)
    )
    if row.unit_id not in permissions.liaison_unit_ids(actor):
        raise PermissionRefused("not_your_unit", _("This assignment is not for your unit."))
    if row.state != AssignmentState.PENDING:
        raise MotionError("not_pending", _("This assignment has already been answered."))
    if not accept and not reasons.strip():
        raise InvalidInput(
            "reasons_required", _("Give the reasons for returning the motion."), field="reasons"
        )
    row.state = AssignmentState.ACCEPTED if accept else AssignmentState.RETURNED
    row.responded_at, row.responded_by, row.return_reasons = now, actor, reasons.strip()
    row.save(update_fields=["state", "responded_at", "responded_by", "return_reasons"])
    motion = _lock(row.motion)
    if not accept:
        if row.role == AssignmentRole.LEAD:
            motion.lead_unit = None
            motion.save(update_fields=["lead_unit", "updated_at"])
        _waive_pending(
            motion,
            actor=actor,
            reason=_zh(_("Assignment returned: %(reasons)s") % {"reasons": reasons}),
            now=now,
            unit_id=row.unit_id,
        )
        _notify(
            {*review_staff(), *office_staff([motion.supervising_office_id])},
            motion,
            "returned",
            _("%(unit)s returned the motion %(motion)s") % {"unit": row.unit, "motion": motion},
            reasons,
            key=f"motions:returned:{row.pk}",
        )
    assignment.refresh_from_db()
    return assignment


@transaction.atomic
def add_unit(
    motion: Motion,
    *,
    actor: User,
    unit: Unit,
    role: str,
    now: dt.datetime | None = None,
) -> Assignment:
    """Staff (re)assign a unit to a motion in handling: a new lead after a return, or a co-unit.

    A new lead unit owes a handling plan from today and the report of the current handling year.
    Errors: `not_allowed` (403); `not_handling_unit` (400); `not_in_handling`, `lead_exists`,
    `already_assigned` (409).
    """
    now = _now(now)
    today = _today(now)
    _require(permissions.can_assign(actor), _("You may not assign motions."))
    if role not in AssignmentRole.values:
        raise InvalidInput("bad_role", _("Choose the lead unit or a co-unit."), field="role")
    locked = _lock(motion)
    if locked.state not in PHASES:
        raise MotionError("not_in_handling", _("Only a motion in handling can be reassigned."))
    _check_units(unit, [], locked.supervising_office)
    active = Assignment.objects.filter(motion=locked, state__in=ACTIVE_ASSIGNMENT_STATES)
    if role == AssignmentRole.LEAD and active.filter(role=AssignmentRole.LEAD).exists():
        raise MotionError("lead_exists", _("The motion already has a lead unit."))
    if active.filter(unit=unit).exists():
        raise MotionError("already_assigned", _("This unit already handles the motion."))
    row = Assignment.objects.create(
        motion=locked, unit=unit, role=role, assigned_at=now, assigned_by=actor
    )
    if role == AssignmentRole.LEAD:
        locked.lead_unit = unit
        locked.save(update_fields=["lead_unit", "updated_at"])
        phase = locked.phases.filter(state=locked.state).first()
        plan_done = (
            deadlines.obligations_for(locked)
            .filter(kind=KIND_PLAN, state__in=["submitted", "accepted"])
            .exists()
        )
        if not plan_done:
            _open_plan(locked, unit, today, actor=actor, now=now)
        if phase is not None:
            _open_yearly(locked, unit, phase, actor=actor, now=now)
    _notify(
        liaisons([unit.pk]),
        locked,
        "assigned",
        _("Motion assigned to your unit: %(motion)s") % {"motion": locked},
        _("Accept the assignment or return it with reasons."),
        key=f"motions:assigned:{locked.pk}:{unit.pk}:{now.isoformat()}",
    )
    _refresh(motion, locked)
    return row


def _current_phase(motion: Motion) -> MotionPhase:
    phase = MotionPhase.objects.filter(motion=motion, state=motion.state).first()
    if phase is None:  # pragma: no cover - every handling state has its row
        raise MotionError("no_phase", _("The motion has no current handling year."))
    return phase


@transaction.atomic
def advance_phase(
    motion: Motion, *, actor: User | None, reason: str = "", now: dt.datetime | None = None
) -> Motion:
    """Move a motion to its next handling year (after follow-up year 2: closed).

    The next year starts the day after the current one ends, or today if staff advance early.
    The lead unit owes the new year's report. `actor=None` is the daily automatic advance.
    Errors: `not_allowed` (403), `not_in_handling` (409).
    """
    now = _now(now)
    today = _today(now)
    locked = _lock(motion)
    if actor is not None:
        _require(permissions.can_supervise(actor, locked), _("You do not supervise this motion."))
    if locked.state not in PHASES:
        raise MotionError("not_in_handling", _("The motion is not in a handling year."))
    if locked.state == PHASES[-1]:
        return close_motion(
            motion,
            actor=actor,
            reason=reason or _zh(_("Three handling years completed.")),
            now=now,
        )
    current = _current_phase(locked)
    start = min(today, current.ends_on + dt.timedelta(days=1))
    current.ended_on = start - dt.timedelta(days=1)
    current.save(update_fields=["ended_on"])
    target = PHASES[PHASES.index(locked.state) + 1]
    _move(locked, target, actor=actor, reason=reason, now=now)
    phase = MotionPhase.objects.create(
        motion=locked, state=target, starts_on=start, ends_on=_year_end(start)
    )
    locked.phase_ends_on = phase.ends_on
    locked.save(update_fields=["state", "phase_ends_on", "updated_at"])
    if locked.lead_unit_id:
        _open_yearly(locked, locked.lead_unit, phase, actor=actor, now=now)
        ensure_session_report(locked.term, now=now)
    _notify(
        {*liaisons([locked.lead_unit_id] if locked.lead_unit_id else []), *lead_user(locked)},
        locked,
        "phase",
        _("%(motion)s is now in its %(phase)s")
        % {"motion": locked, "phase": MotionState(target).label},
        _("From %(start)s to %(end)s.") % {"start": phase.starts_on, "end": phase.ends_on},
        key=f"motions:phase:{locked.pk}:{target}",
    )
    return _refresh(motion, locked)


@transaction.atomic
def close_motion(
    motion: Motion, *, actor: User | None, reason: str, now: dt.datetime | None = None
) -> Motion:
    """Close (办结) a motion in handling — early by staff, or after its last handling year.

    Pending handling plans and reports of the motion are waived. Errors: `not_allowed` (403),
    `reasons_required` (400), `bad_transition` (409).
    """
    now = _now(now)
    today = _today(now)
    locked = _lock(motion)
    if actor is not None:
        _require(permissions.can_supervise(actor, locked), _("You do not supervise this motion."))
    if not reason.strip():
        raise InvalidInput(
            "reasons_required", _("Give the reasons for closing the motion."), field="reason"
        )
    phase = locked.phases.filter(state=locked.state).first()
    _move(locked, MotionState.CLOSED, actor=actor, reason=reason, now=now)
    if phase is not None:
        phase.ended_on = min(today, phase.ends_on)
        phase.save(update_fields=["ended_on"])
        locked.closed_on = phase.ended_on
    else:  # pragma: no cover
        locked.closed_on = today
    locked.phase_ends_on = None
    locked.save(update_fields=["state", "closed_on", "phase_ends_on", "updated_at"])
    _waive_pending(locked, actor=actor, reason=_zh(_("The motion was closed.")), now=now)
    _notify(
        {*liaisons([locked.lead_unit_id] if locked.lead_unit_id else []), *signer_users(locked)},
        locked,
        "closed",
        _("The motion %(motion)s is closed") % {"motion": locked},
        reason,
        key=f"motions:closed:{locked.pk}",
        url=locked.get_absolute_url(),
    )
    return _refresh(motion, locked)


@transaction.atomic
def extend_phase(
    motion: Motion,
    *,
    actor: User,
    ends_on: dt.date,
    reason: str,
    now: dt.datetime | None = None,
) -> Motion:
    """Staff extend the current handling year to a later end date (logged with the reason)."""
    now = _now(now)
    locked = _lock(motion)
    _require(permissions.can_supervise(actor, locked), _("You do not supervise this motion."))
    if locked.state not in PHASES:
        raise MotionError("not_in_handling", _("The motion is not in a handling year."))
    if not reason.strip():
        raise InvalidInput(
            "reasons_required", _("Give the reasons for the extension."), field="reason"
        )
    phase = _current_phase(locked)
    if ends_on <= phase.ends_on:
        raise InvalidInput(
            "not_later",
            _("The new end date must be after %(date)s.") % {"date": phase.ends_on},
            field="ends_on",
        )
    old_end = phase.ends_on
    phase.ends_on = ends_on
    phase.save(update_fields=["ends_on"])
    locked.phase_ends_on = ends_on
    locked.save(update_fields=["phase_ends_on", "updated_at"])
    log_transition(
        locked,
        locked.state,
        locked.state,
        actor=actor,
        reason=_zh(
            _("Extended from %(old)s to %(new)s: %(reason)s")
            % {"old": old_end, "new": ends_on, "reason": reason}
        ),
        at=now,
    )
    return _refresh(motion, locked)


def advance_due_phases(*, now: dt.datetime | None = None) -> int:
    """Advance every motion whose handling year has ended (the daily task; idempotent).

    A motion late by more than a year advances as many times as needed. Returns the number of
    advances made.
    """
    now = _now(now)
    today = _today(now)
    count = 0
    ids = list(
        Motion.objects.filter(state__in=PHASES, phase_ends_on__lt=today).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        for _step in range(len(PHASES) + 1):
            motion = Motion.objects.get(pk=pk)
            if motion.state not in PHASES or motion.phase_ends_on >= today:
                break
            advance_phase(motion, actor=None, now=now)
            count += 1
    return count


# --- progress updates -----------------------------------------------------------------------


def _check_video_url(url: str) -> str:
    url = (url or "").strip()
    if url and not url.lower().startswith("https://"):
        raise InvalidInput(
            "video_url_https",
            _("Only https:// links to an official video page are accepted."),
            field="video_url",
        )
    return url


def _check_progress(value: int | None, field: str) -> int | None:
    if value is None or value == "":
        return None
    value = int(value)
    if not 0 <= value <= 100:
        raise InvalidInput(
            "bad_progress", _("Progress is a percentage from 0 to 100."), field=field
        )
    return value


def _upload_error(exc: ValidationError, name: str, field: str) -> InvalidInput:
    prefix = f"{name}: " if name else ""
    return InvalidInput("invalid_file", prefix + " ".join(exc.messages), field=field)


def _original(f) -> str:
    name = getattr(f, "original_name", "") or getattr(f, "name", "") or ""
    return name.replace("\\", "/").rsplit("/", 1)[-1]


def _prepare_photos(photos: Sequence) -> list[tuple[ContentFile, ContentFile]]:
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput(
            "too_many_photos",
            _("At most %(n)d photos per update.") % {"n": MAX_PHOTOS},
            field="photos",
        )
    prepared = []
    for f in photos:
        try:
            prepared.append((uploads.clean_image(f), uploads.make_thumbnail(f)))
        except ValidationError as exc:
            raise _upload_error(exc, _original(f), "photos")
    return prepared


def _prepare_video(video, poster) -> tuple[File, ContentFile | None] | None:
    if not video:
        if poster:
            raise InvalidInput(
                "poster_without_video", _("A poster image goes with a video."), field="poster"
            )
        return None
    try:
        uploads.validate_video(video)
    except ValidationError as exc:
        raise _upload_error(exc, _original(video), "video")
    cleaned_poster = None
    if poster:
        try:
            cleaned_poster = uploads.clean_image(poster)
        except ValidationError as exc:
            raise _upload_error(exc, _original(poster), "poster")
    return video, cleaned_poster


def poster_image(title: str, subtitle: str = "") -> ContentFile:
    """A 640×360 title card (JPEG) drawn with Pillow: the poster of a video without one.

    Extracting a frame would need ffmpeg, which the portal does not ship (docs/motions.md).
    """
    import io
    import textwrap

    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (640, 360), (166, 27, 27))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 300, 640, 360], fill=(125, 18, 18))
    try:
        font = ImageFont.load_default(size=28)
        small = ImageFont.load_default(size=18)
    except TypeError:  # pragma: no cover - very old Pillow
        font = small = ImageFont.load_default()
    # The default font has no CJK glyphs; draw the ASCII part of the title and a play mark.
    ascii_title = "".join(ch for ch in title if ord(ch) < 128).strip()
    y = 110
    for line in textwrap.wrap(ascii_title, 36)[:3]:
        draw.text((40, y), line, fill=(255, 255, 255), font=font)
        y += 40
    draw.polygon([(290, 130), (290, 230), (370, 180)], fill=(255, 255, 255))
    if subtitle:
        draw.text((40, 318), subtitle[:60], fill=(240, 220, 170), font=small)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return ContentFile(buffer.getvalue(), name="poster.jpg")


def _poster_subtitle(motion: Motion) -> str:
    return f"Motion {motion.year}-{motion.number or 0}"


@transaction.atomic
def post_update(
    motion: Motion,
    *,
    actor: User,
    kind: str,
    title: str,
    text: str,
    happened_on: dt.date,
    proposed_progress: int | None = None,
    video_url: str = "",
    photos: Sequence = (),
    captions: Sequence[str] = (),
    video=None,
    poster=None,
    video_caption: str = "",
    unit: Unit | None = None,
    publish: bool = False,
    participants: Sequence[Deputy] = (),
    now: dt.datetime | None = None,
) -> ProgressUpdate:
    """Staff of the supervising office or a handling unit post a progress update (督办动态).

    Photos are re-encoded without EXIF (with thumbnails); a video must be an H.264/H.265 MP4
    within the size limit, its poster an image (or a title card is drawn). Nothing is stored
    unless every file passes. A unit's update awaits publication by staff; staff may publish
    theirs at once (`publish=True`).
    Errors: `not_allowed` (403); `invalid_file`, `too_many_photos`, `video_url_https`,
    `bad_progress`, `title_required`, `text_required`, `future_date` (400); `not_in_handling`.
    """
    now = _now(now)
    supervisor = permissions.can_supervise(actor, motion)
    active_units = set(
        Assignment.objects.filter(motion=motion, state__in=ACTIVE_ASSIGNMENT_STATES).values_list(
            "unit_id", flat=True
        )
    ) & set(permissions.liaison_unit_ids(actor))
    if not supervisor and not active_units:
        raise PermissionRefused("not_allowed", _("You may not post updates on this motion."))
    allowed_states = (*PHASES, MotionState.CLOSED) if supervisor else PHASES
    if motion.state not in allowed_states:
        raise MotionError("not_in_handling", _("The motion is not in handling."))
    if kind not in UpdateKind.values:
        raise InvalidInput("bad_kind", _("Choose the kind of update."), field="kind")
    if not (title or "").strip():
        raise InvalidInput("title_required", _("Give the update a title."), field="title")
    if not (text or "").strip():
        raise InvalidInput("text_required", _("Write what happened."), field="text")
    if happened_on > _today(now):
        raise InvalidInput(
            "future_date", _("The date cannot be in the future."), field="happened_on"
        )
    video_url = _check_video_url(video_url)
    proposed = _check_progress(proposed_progress, "proposed_progress")
    prepared_photos = _prepare_photos(list(photos))
    prepared_video = _prepare_video(video, poster)
    if supervisor and (unit is None or unit.pk not in active_units):
        posting_unit = motion.supervising_office
    else:
        posting_unit = unit if unit is not None and unit.pk in active_units else None
        posting_unit = posting_unit or Unit.objects.get(pk=sorted(active_units)[0])
    is_staff_post = posting_unit.pk == motion.supervising_office_id and supervisor
    update = ProgressUpdate.objects.create(
        motion=motion,
        kind=kind,
        title=title.strip()[:200],
        text=text.strip(),
        happened_on=happened_on,
        unit=posting_unit,
        author=actor,
        proposed_progress=proposed,
        video_url=video_url,
        created_at=now,
    )
    if participants:
        update.participants.set(participants)
    for i, (image, thumb) in enumerate(prepared_photos):
        UpdatePhoto.objects.create(
            update=update,
            image=image,
            thumbnail=thumb,
            caption=(captions[i] if i < len(captions) else "")[:200],
            position=i,
        )
    if prepared_video is not None:
        file, cleaned_poster = prepared_video
        file.seek(0)
        UpdateVideo.objects.create(
            update=update,
            file=ContentFile(file.read(), name="video.mp4"),
            poster=cleaned_poster or poster_image(title, _poster_subtitle(motion)),
            size=getattr(file, "size", 0) or 0,
            caption=video_caption[:200],
        )
    log_transition(update, "", UpdateState.SUBMITTED, actor=actor, at=now)
    if publish and is_staff_post:
        publish_update(update, actor=actor, now=now)
    else:
        _notify(
            office_staff([motion.supervising_office_id]),
            motion,
            "update_submitted",
            _("New progress update to publish: %(title)s") % {"title": update.title},
            _("Posted by %(unit)s for %(motion)s.") % {"unit": posting_unit, "motion": motion},
            key=f"motions:update-submitted:{update.pk}",
        )
    return update


def recompute_progress(motion: Motion) -> int:
    """The motion's progress is the approved progress of its latest published update."""
    latest = (
        ProgressUpdate.objects.filter(
            motion=motion, state=UpdateState.PUBLISHED, approved_progress__isnull=False
        )
        .order_by("-happened_on", "-id")
        .values_list("approved_progress", flat=True)
        .first()
    )
    value = latest or 0
    Motion.objects.filter(pk=motion.pk).update(progress=value)
    caching.changed(Motion)  # update() sends no signal: the public pages show the progress
    motion.progress = value
    return value


def _move_update(update: ProgressUpdate, target: str, *, actor, reason: str, now) -> None:
    old = update.state
    ensure_transition(
        UPDATE_TRANSITIONS,
        old,
        target,
        MotionError,
        _("This update cannot go from “%(state)s” to “%(target)s”.")
        % {"state": UpdateState(old).label, "target": UpdateState(target).label},
    )
    update.state = target
    log_transition(update, old, target, actor=actor, reason=reason, at=now)


@transaction.atomic
def publish_update(
    update: ProgressUpdate,
    *,
    actor: User,
    approved_progress: int | None = None,
    now: dt.datetime | None = None,
) -> ProgressUpdate:
    """Staff of the supervising office publish an update, approving its progress percentage
    (the unit's proposal unless they set another). Followers and the lead deputy are told;
    deputies who took part in an inspection or research get it in their duty record.
    Errors: `not_allowed` (403), `bad_progress` (400), `bad_transition` (409).
    """
    from deputies.services import log_duty

    now = _now(now)
    update = ProgressUpdate.objects.select_for_update().select_related("motion").get(pk=update.pk)
    motion = update.motion
    _require(permissions.can_supervise(actor, motion), _("You do not supervise this motion."))
    approved = _check_progress(approved_progress, "approved_progress")
    _move_update(update, UpdateState.PUBLISHED, actor=actor, reason="", now=now)
    update.approved_progress = approved if approved is not None else update.proposed_progress
    update.published_at, update.published_by = now, actor
    update.save(update_fields=["state", "approved_progress", "published_at", "published_by"])
    recompute_progress(motion)
    if update.kind in (UpdateKind.INSPECTION, UpdateKind.RESEARCH):
        for deputy in update.participants.all():
            log_duty(
                deputy,
                kind=DutyKind.INSPECTION,
                title=_zh(_("Motion supervision: %(title)s") % {"title": update.title}),
                date=update.happened_on,
                source=update,
            )
    followers = User.objects.filter(followed_motions__motion=motion, is_active=True)
    _notify(
        {*followers, *lead_user(motion)},
        motion,
        "update_published",
        _("Progress on %(motion)s: %(title)s") % {"motion": motion, "title": update.title},
        update.text[:300],
        key=f"motions:update:{update.pk}:published",
        url=update.get_absolute_url(),
    )
    return update


@transaction.atomic
def unpublish_update(
    update: ProgressUpdate, *, actor: User, reason: str = "", now: dt.datetime | None = None
) -> ProgressUpdate:
    """Staff take an update off the public pages (or decline to publish it)."""
    now = _now(now)
    update = ProgressUpdate.objects.select_for_update().select_related("motion").get(pk=update.pk)
    _require(
        permissions.can_supervise(actor, update.motion), _("You do not supervise this motion.")
    )
    _move_update(update, UpdateState.WITHDRAWN, actor=actor, reason=reason, now=now)
    update.save(update_fields=["state"])
    recompute_progress(update.motion)
    return update


@transaction.atomic
def comment_on_update(
    update: ProgressUpdate, *, actor: User, text: str, now: dt.datetime | None = None
) -> UpdateComment:
    """A deputy comments on a published update (portal only)."""
    now = _now(now)
    if permissions.deputy_of(actor) is None:
        raise PermissionRefused("not_deputy", _("Only deputies can comment on updates."))
    if not update.is_published:
        raise MotionError("not_published", _("Only published updates can be commented on."))
    if not (text or "").strip():
        raise InvalidInput("text_required", _("Write your comment."), field="text")
    comment = UpdateComment.objects.create(
        update=update, author=actor, text=text.strip()[:2000], created_at=now
    )
    motion = update.motion
    _notify(
        office_staff([motion.supervising_office_id]),
        motion,
        "comment",
        _("%(deputy)s commented on “%(title)s”") % {"deputy": actor, "title": update.title},
        comment.text[:300],
        key=f"motions:comment:{comment.pk}",
    )
    return comment


def follow(motion: Motion, *, user: User) -> Follow:
    if not motion.is_public:
        raise MotionError("not_public", _("Only registered motions can be followed."))
    row, _created = Follow.objects.get_or_create(user=user, motion=motion)
    return row


def unfollow(motion: Motion, *, user: User) -> int:
    return Follow.objects.filter(user=user, motion=motion).delete()[0]


# --- the yearly report to the congress session ----------------------------------------------


def next_session(term: Term, today: dt.date) -> Meeting | None:
    """The next congress session of the term's congress after `today`."""
    return (
        Meeting.objects.filter(
            term__congress_id=term.congress_id,
            kind=MeetingKind.CONGRESS_SESSION,
            starts_on__gt=today,
        )
        .select_related("term__congress")
        .order_by("starts_on")
        .first()
    )


def _reporting_office(term: Term) -> Unit | None:
    """The office that supervises most motions in handling; else the deputy affairs committee,
    else the general office."""
    busiest = (
        Motion.objects.filter(term=term, state__in=PHASES, supervising_office__isnull=False)
        .values("supervising_office")
        .annotate(n=Count("id"))
        .order_by("-n", "supervising_office")
        .values_list("supervising_office", flat=True)
        .first()
    )
    if busiest:
        return Unit.objects.get(pk=busiest)
    for role in ("deputy_affairs", "general_office"):
        office = Unit.objects.filter(kind=UnitKind.OFFICE, office_role=role).first()
        if office:
            return office
    return Unit.objects.filter(kind=UnitKind.OFFICE).first()


def report_title(session: Meeting) -> str:
    return _zh(
        _("Report on the handling and supervision of motions to %(session)s")
        % {"session": session.title}
    )


@transaction.atomic
def ensure_session_report(
    term: Term,
    *,
    now: dt.datetime | None = None,
    office: Unit | None = None,
    actor: User | None = None,
) -> SessionReport | None:
    """Make sure the report to the next congress session exists, with its obligation (owed by
    the supervising office, due 30 days before the session by rule `motion-session-report`).
    Idempotent; returns None when no next session is scheduled."""
    now = _now(now)
    session = next_session(term, _today(now))
    if session is None:
        return None
    report = SessionReport.objects.filter(session=session).first()
    if report is None:
        office = office or _reporting_office(term)
        if office is None:
            return None
        report = SessionReport.objects.create(
            term=session.term, session=session, office=office, title=report_title(session)
        )
    if not deadlines.obligations_for(report).filter(kind=KIND_SESSION).exists():
        deadlines.open_obligation(
            unit=report.office,
            kind=KIND_SESSION,
            subject=report,
            title=report.title,
            starts_on=session.starts_on,
            rule_code="motion-session-report",
            supervising_office=report.office,
            actor=actor,
            now=now,
        )
    return report


def session_report_obligation(report: SessionReport) -> Obligation | None:
    return deadlines.obligations_for(report).filter(kind=KIND_SESSION).first()


@transaction.atomic
def generate_session_report(
    report: SessionReport, *, actor: User | None, now: dt.datetime | None = None
) -> SessionReport:
    """(Re)write the report's draft from all motions of the term; staff edit it afterwards."""
    from motions.documents import draft_session_report

    now = _now(now)
    if actor is not None and not permissions.can_prepare_reports(actor, report):
        raise PermissionRefused("not_allowed", _("You may not prepare this report."))
    locked = SessionReport.objects.select_for_update().get(pk=report.pk)
    locked.text = draft_session_report(locked, now=now)
    locked.generated_at = locked.edited_at = now
    locked.edited_by = actor
    locked.save(update_fields=["text", "generated_at", "edited_at", "edited_by"])
    report.text, report.generated_at, report.edited_at, report.edited_by = (
        locked.text,
        now,
        now,
        actor,
    )
    return report


@transaction.atomic
def save_session_report(
    report: SessionReport, *, actor: User, title: str, text: str, now: dt.datetime | None = None
) -> SessionReport:
    now = _now(now)
    if not permissions.can_prepare_reports(actor, report):
        raise PermissionRefused("not_allowed", _("You may not edit this report."))
    if not title.strip():
        raise InvalidInput("title_required", _("Give the report a title."), field="title")
    SessionReport.objects.select_for_update().only("pk").get(pk=report.pk)  # lock the row
    report.title, report.text = title.strip()[:200], text
    report.edited_at, report.edited_by = now, actor
    report.save(update_fields=["title", "text", "edited_at", "edited_by"])
    return report


@transaction.atomic
def submit_session_report(
    report: SessionReport, *, actor: User, now: dt.datetime | None = None
) -> Obligation:
    """Staff hand the finished report in: the obligation becomes submitted with its text."""
    now = _now(now)
    if not permissions.can_prepare_reports(actor, report):
        raise PermissionRefused("not_allowed", _("You may not submit this report."))
    if not report.text.strip():
        raise InvalidInput("empty_report", _("Generate or write the report first."), field="text")
    obligation = session_report_obligation(report)
    if obligation is None:
        ensure_session_report(report.term, now=now)
        obligation = session_report_obligation(report)
    if obligation is None:
        raise MotionError("no_obligation", _("This report is not owed to any session."))
    deadlines.submit_report(obligation, actor=actor, title=report.title, text=report.text, now=now)
    obligation.refresh_from_db()
    return obligation


def motion_content_type() -> ContentType:
    return ContentType.objects.get_for_model(Motion)


def obligation_filter_for_motions(motion_ids) -> Q:
    return Q(subject_type=motion_content_type(), subject_id__in=motion_ids)
