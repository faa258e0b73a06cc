"""Every state change of a deputy suggestion. Views, admin actions, the API and the demo call these.

Flow (docs/suggestions.md): file → assign (lead/co/separate units) → contact → reply (A/B/C/D, by the
reply obligation's due date) → each proposer rates → an unsatisfied rating sends the assignment back
for re-handling (one more round) → final rating → completed. A "B" reply opens a follow-up obligation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress import caching
from congress.errors import DomainError, InvalidInput, PermissionRefused
from congress.models import Meeting, MeetingKind, Term
from congress.workflow import ensure_transition, log_transition
from motions.suggestions.models import (
    ASSIGNMENT_TRANSITIONS,
    REPLYING_ROLES,
    SUGGESTION_TRANSITIONS,
    Assignment,
    AssignmentRole,
    AssignmentState,
    BureauVisit,
    Category,
    Contact,
    ContactMethod,
    FollowUp,
    Proposer,
    Rating,
    Reply,
    ReplyClass,
    Satisfaction,
    Suggestion,
    SuggestionState,
)


class SuggestionError(DomainError):
    pass


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def session_on(term: Term, day: dt.date) -> Meeting | None:
    """The congress session of `term` running on `day` (a session without an end date is taken to
    last a week), or None: the suggestion is then filed in the closing period (闭会期间)."""
    for meeting in Meeting.objects.filter(
        term=term,
        kind=MeetingKind.CONGRESS_SESSION,
        starts_on__lte=day,
        starts_on__gte=day - dt.timedelta(days=31),
    ).order_by("-starts_on"):
        ends = meeting.ends_on or meeting.starts_on + dt.timedelta(days=6)
        if day <= ends:
            return meeting
    return None


def _resolve_category(category) -> Category | None:
    if category is None or category == "":
        return None
    if isinstance(category, Category):
        return category
    obj, _created = Category.objects.get_or_create(name=str(category)[:40])
    return obj


def _next_number(term: Term) -> int:
    return (Suggestion.objects.filter(term=term).aggregate(m=Max("number"))["m"] or 0) + 1


def _check_proposers(proposers: Sequence) -> list:
    seen, result = set(), []
    for deputy in proposers:
        if deputy is None or deputy.pk in seen:
            continue
        seen.add(deputy.pk)
        result.append(deputy)
    if not result:
        raise InvalidInput(
            "no_proposer", _("A suggestion needs at least one proposing deputy."), field="proposers"
        )
    return result


def _create(
    *,
    term: Term,
    title: str,
    content: str,
    proposers: list,
    actor,
    now: dt.datetime,
    category=None,
    meeting: Meeting | None = None,
    source: models.Model | None = None,
    number: int | None = None,
) -> Suggestion:
    if not (title or "").strip():
        raise InvalidInput("empty_title", _("Give the suggestion a title."), field="title")
    if not (content or "").strip():
        raise InvalidInput(
            "empty_content", _("Write the content of the suggestion."), field="content"
        )
    proposers = _check_proposers(proposers)
    if meeting is None:
        meeting = session_on(term, timezone.localdate(now))
    suggestion = Suggestion(
        term=term,
        meeting=meeting,
        title=title.strip()[:200],
        content=content.strip(),
        category=_resolve_category(category),
        filed_at=now,
        filed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if source is not None:
        suggestion.source_type = ContentType.objects.get_for_model(source)
        suggestion.source_id = source.pk
    # Numbers are per term; a concurrent filing may take ours, so retry a few times.
    for attempt in range(5):
        suggestion.number = number if number is not None else _next_number(term)
        try:
            with transaction.atomic():
                suggestion.save()
            break
        except IntegrityError:
            if source is not None and existing_for(source) is not None:
                raise
            if attempt == 4 or number is not None:
                raise
            suggestion.pk = None
    Proposer.objects.bulk_create(
        [
            Proposer(suggestion=suggestion, deputy=d, is_lead=(i == 0), position=i)
            for i, d in enumerate(proposers)
        ]
    )
    caching.changed(Proposer)  # bulk_create sends no post_save
    log_transition(
        suggestion, "", SuggestionState.FILED, actor=actor, reason=_source_note(source), at=now
    )
    _log_filing_duty(suggestion, proposers, now)
    return suggestion


def _source_note(source) -> str:
    if source is None:
        return ""
    return f"{source._meta.verbose_name}: {source}"


def _log_filing_duty(suggestion: Suggestion, proposers: list, now: dt.datetime) -> None:
    from deputies.models import DutyKind
    from deputies.services import log_duty

    day = timezone.localdate(now)
    for deputy in proposers:
        log_duty(
            deputy,
            kind=DutyKind.SUGGESTION,
            title=f"提出建议：{suggestion.title}",
            date=day,
            source=suggestion,
        )


def existing_for(source: models.Model) -> Suggestion | None:
    """The suggestion created from `source`, if any."""
    return Suggestion.objects.filter(
        source_type=ContentType.objects.get_for_model(source), source_id=source.pk
    ).first()


@transaction.atomic
def create_suggestion_from(
    *,
    source: models.Model,
    title: str,
    content: str,
    proposers: Sequence,
    term: Term,
    actor,
    now: dt.datetime | None = None,
    category=None,
) -> Suggestion:
    """Create a suggestion from another object: a motion the review committee converted into a
    suggestion (转为建议), or a voter opinion from a liaison station a deputy turns into one.

    - `source`: the saved Motion / VoterOpinion (any saved model instance). The suggestion keeps a
      generic link to it (`suggestion.source`) so its history stays visible, and the filing is
      logged in the transition log with the source named.
    - `proposers`: a list of `deputies.models.Deputy`; the first is the lead proposer, the others
      co-proposers (a motion's lead deputy then its co-signers). Duplicates are ignored.
    - `term`: the congress term; `category`: a `Category`, a category name (created if new) or None.
    - `actor`: the user acting (staff of the review committee, or the deputy); may be None for
      system conversions. `now`: the filing time (defaults to now); a congress session running on
      that day becomes the suggestion's session, otherwise it is a closing-period suggestion.

    Effects: the suggestion is filed (state `filed`, awaiting assignment by staff), numbered in the
    term, each proposer's duty record gets a "suggestion filed" entry.

    Idempotent per source: calling it again for the same source returns the existing suggestion
    unchanged (whatever the other arguments).

    Errors: `InvalidInput` `empty_title`, `empty_content`, `no_proposer`.
    """
    if source is None or source.pk is None:
        raise ValueError("create_suggestion_from needs a saved source object")
    existing = existing_for(source)
    if existing is not None:
        return existing
    now = _now(now)
    # A motion knows its congress session as `session`; other sources as `meeting`.
    meeting = getattr(source, "session", None) or getattr(source, "meeting", None)
    if not isinstance(meeting, Meeting) or meeting.term_id != term.pk:
        meeting = None
    try:
        with transaction.atomic():
            return _create(
                term=term,
                title=title,
                content=content,
                proposers=list(proposers),
                actor=actor,
                now=now,
                category=category,
                meeting=meeting,
                source=source,
            )
    except IntegrityError:
        existing = existing_for(source)  # a concurrent call created it first
        if existing is None:
            raise
        return existing


@transaction.atomic
def file_suggestion(
    *,
    deputy,
    title: str,
    content: str,
    term: Term,
    co_proposers: Sequence = (),
    category=None,
    actor=None,
    now: dt.datetime | None = None,
) -> Suggestion:
    """A deputy files a suggestion in the portal (during a session or in the closing period).

    Preconditions: `deputy` serves in `term`. Co-proposers must serve in the term too.
    Errors: `InvalidInput` `empty_title`, `empty_content`, `not_serving`.
    """
    from deputies.models import Mandate, MandateStatus

    people = [deputy, *co_proposers]
    serving = set(
        Mandate.objects.filter(
            term=term, deputy__in=[d.pk for d in people], status=MandateStatus.SERVING
        ).values_list("deputy_id", flat=True)
    )
    if deputy.pk not in serving:
        raise PermissionRefused(
            "not_serving", _("Only deputies serving in this term can file suggestions.")
        )
    for other in co_proposers:
        if other.pk not in serving:
            raise InvalidInput(
                "not_serving",
                _("%(name)s is not a deputy of this term.") % {"name": other.name},
                field="co_proposers",
            )
    return _create(
        term=term,
        title=title,
        content=content,
        proposers=people,
        actor=actor,
        now=_now(now),
        category=category,
    )


@transaction.atomic
def withdraw_suggestion(
    suggestion: Suggestion, *, deputy, actor=None, reason: str = "", now=None
) -> Suggestion:
    """The lead proposer withdraws a suggestion before it is assigned.
    Errors: `not_lead` (403), `bad_transition` once assigned, merged or closed."""
    now = _now(now)
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if not Proposer.objects.filter(suggestion=suggestion, deputy=deputy, is_lead=True).exists():
        raise PermissionRefused(
            "not_lead", _("Only the lead proposer can withdraw the suggestion.")
        )
    ensure_transition(
        SUGGESTION_TRANSITIONS,
        suggestion.state,
        SuggestionState.WITHDRAWN,
        SuggestionError,
        _("A suggestion can only be withdrawn before it is assigned."),
    )
    old = suggestion.state
    suggestion.state = SuggestionState.WITHDRAWN
    suggestion.closed_at = now
    suggestion.save(update_fields=["state", "closed_at"])
    log_transition(suggestion, old, suggestion.state, actor=actor, reason=reason, at=now)
    return suggestion


# --- Triage (staff) ---------------------------------------------------------------------------


def _liaisons(unit_ids):
    from congress.models import Role, User

    return User.objects.filter(
        is_active=True,
        memberships__role=Role.LIAISON,
        memberships__unit_id__in=list(unit_ids),
        memberships__is_active=True,
    ).distinct()


def _proposer_users(suggestion: Suggestion):
    from congress.models import User

    return User.objects.filter(
        is_active=True, deputy__suggestion_proposals__suggestion=suggestion
    ).distinct()


def _check_handling_unit(unit) -> None:
    from congress.models import HANDLING_UNIT_KINDS

    if unit.kind not in HANDLING_UNIT_KINDS or not unit.is_active:
        raise InvalidInput(
            "not_handling_unit",
            _("%(unit)s is not an active handling unit.") % {"unit": unit},
            field="units",
        )


def _reply_rule_title(suggestion: Suggestion, round_: int) -> str:
    prefix = "代表建议答复" if round_ == 1 else "代表建议重新办理答复"
    return f"{prefix}：{suggestion.title}"


@transaction.atomic
def assign_suggestion(
    suggestion: Suggestion,
    *,
    lead_unit=None,
    co_units: Sequence = (),
    split_units: Sequence = (),
    actor,
    now: dt.datetime | None = None,
) -> list[Assignment]:
    """Staff assign (交办) a suggestion: a lead unit (主办), co-units (会办) assisting it, and/or
    separate units (分办) each answering for their part. Lead and separate units owe a reply within
    the `suggestion-reply` rule (3 months by default) counted from today.

    Preconditions: the suggestion is filed (awaiting assignment) or being handled (adding units);
    at most one live lead unit; a unit has at most one live assignment per suggestion.
    Effects: assignments and reply obligations are created, liaisons of the units are notified,
    the suggestion becomes "being handled".
    Errors: `bad_state`, `no_unit`, `lead_exists`, `already_assigned`, `not_handling_unit`.
    """
    from congress import deadlines
    from congress.notifications import notify

    now = _now(now)
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.state not in (
        SuggestionState.FILED,
        SuggestionState.ASSIGNED,
        SuggestionState.REHANDLING,
    ):
        raise SuggestionError("bad_state", _("This suggestion can no longer be assigned."))
    wanted: list[tuple[object, str]] = []
    if lead_unit is not None:
        wanted.append((lead_unit, AssignmentRole.LEAD))
    wanted += [(u, AssignmentRole.JOINT) for u in co_units]
    wanted += [(u, AssignmentRole.SPLIT) for u in split_units]
    if not wanted:
        raise InvalidInput("no_unit", _("Choose at least one unit."), field="lead_unit")
    live = Assignment.objects.filter(suggestion=suggestion).exclude(state__in=DEAD_ASSIGNMENT)
    live_units = set(live.values_list("unit_id", flat=True))
    has_lead = live.filter(role=AssignmentRole.LEAD).exists()
    if lead_unit is not None and has_lead:
        raise SuggestionError("lead_exists", _("This suggestion already has a lead unit."))
    seen: set[int] = set()
    for unit, _role in wanted:
        _check_handling_unit(unit)
        if unit.pk in live_units or unit.pk in seen:
            raise InvalidInput(
                "already_assigned",
                _("%(unit)s is already assigned to this suggestion.") % {"unit": unit},
                field="units",
            )
        seen.add(unit.pk)
    replying = has_lead or lead_unit is not None or bool(split_units)
    replying = replying or live.filter(role=AssignmentRole.SPLIT).exists()
    if not replying:
        raise InvalidInput(
            "no_unit", _("Choose a lead unit or a separate unit to reply."), field="lead_unit"
        )
    today = timezone.localdate(now)
    created = []
    for unit, role in wanted:
        assignment = Assignment.objects.create(
            suggestion=suggestion, unit=unit, role=role, assigned_at=now, assigned_by=_user(actor)
        )
        if assignment.owes_reply:
            assignment.obligation = deadlines.open_obligation(
                unit=unit,
                kind="suggestions.reply",
                subject=assignment,
                title=_reply_rule_title(suggestion, 1),
                starts_on=today,
                rule_code="suggestion-reply",
                supervising_office=suggestion.supervising_office,
                actor=_user(actor),
                now=now,
            )
            assignment.save(update_fields=["obligation"])
        log_transition(assignment, "", AssignmentState.HANDLING, actor=actor, at=now)
        created.append(assignment)
    if suggestion.assigned_at is None:
        suggestion.assigned_at = now
        suggestion.save(update_fields=["assigned_at"])
    refresh_state(suggestion, actor=actor, now=now)
    units = [a.unit_id for a in created]
    transaction.on_commit(
        lambda: notify(
            _liaisons(units),
            kind="suggestions.assigned",
            title=_("A deputy suggestion was assigned to your unit"),
            body=suggestion.title,
            url=reverse("suggestions:unit_list"),
            subject=suggestion,
            key=f"suggestion-assigned-{suggestion.pk}-" + "-".join(str(a.pk) for a in created),
        )
    )
    return created


def bulk_assign(
    suggestions: Sequence[Suggestion], *, lead_unit, co_units=(), actor, now=None
) -> tuple[int, list[tuple[Suggestion, DomainError]]]:
    """Assign several suggestions to the same units (the admin's bulk action). Each suggestion is
    assigned in its own transaction; returns (how many were assigned, [(suggestion, error)])."""
    done, failed = 0, []
    for suggestion in suggestions:
        try:
            assign_suggestion(
                suggestion, lead_unit=lead_unit, co_units=co_units, actor=actor, now=now
            )
            done += 1
        except DomainError as exc:
            failed.append((suggestion, exc))
    return done, failed


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def return_assignment(
    assignment: Assignment, *, actor, reason: str, now: dt.datetime | None = None
) -> Assignment:
    """A unit returns an assignment it considers not its own, with reasons, for staff to
    reassign. Allowed only before it has replied. The reply obligation is waived; when no unit owing
    a reply is left the suggestion goes back to triage. Errors: `reason_required`, `bad_transition`.
    """
    from congress.notifications import notify

    now = _now(now)
    if not (reason or "").strip():
        raise InvalidInput(
            "reason_required", _("Give the reasons for returning the assignment."), field="reason"
        )
    assignment = _take_unit_off(
        assignment,
        AssignmentState.RETURNED,
        _("Only an assignment not yet replied to can be returned."),
        actor=actor,
        reason=reason,
        waive_reason=reason.strip(),
        now=now,
    )
    suggestion = assignment.suggestion
    transaction.on_commit(
        lambda: notify(
            _triage_staff(),
            kind="suggestions.returned",
            title=_("A unit returned a suggestion assignment"),
            body=f"{assignment.unit}：{suggestion.title}\n{reason}",
            url=reverse("admin:suggestions_suggestion_change", args=[suggestion.pk]),
            subject=suggestion,
            key=f"suggestion-returned-{assignment.pk}",
        )
    )
    return assignment


def _triage_staff():
    """Staff who triage suggestions: the deputy affairs committee (代表工委) and the general office."""
    from congress.models import Membership, Role, User

    offices = Membership.objects.filter(
        role=Role.STAFF,
        is_active=True,
        unit__office_role__in=["deputy_affairs", "general_office"],
    ).values("user_id")
    return User.objects.filter(is_active=True, pk__in=offices)


@transaction.atomic
def withdraw_assignment(
    assignment: Assignment, *, actor, reason: str, now: dt.datetime | None = None
) -> Assignment:
    """Staff take a unit off a suggestion before it replied (a wrong assignment). Same effects as a
    return by the unit. Errors: `reason_required`, `bad_transition`."""
    now = _now(now)
    if not (reason or "").strip():
        raise InvalidInput("reason_required", _("Give the reasons."), field="reason")
    return _take_unit_off(
        assignment,
        AssignmentState.WITHDRAWN,
        _("Only an assignment not yet replied to can be withdrawn."),
        actor=actor,
        reason=reason,
        waive_reason=reason,
        now=now,
    )


def _take_unit_off(
    assignment: Assignment, target: str, refused: str, *, actor, reason, waive_reason, now
) -> Assignment:
    """The common part of a return (by the unit) and a withdrawal (by staff): the assignment
    (locked) moves to `target` with the reason, its pending reply obligation is waived, the
    transition is logged and the suggestion's state follows. `refused`: the message when the
    assignment has already replied (`bad_transition`)."""
    from congress import deadlines

    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    ensure_transition(ASSIGNMENT_TRANSITIONS, assignment.state, target, SuggestionError, refused)
    old = assignment.state
    assignment.state = target
    assignment.return_reason = reason.strip()
    assignment.returned_at = now
    assignment.save(update_fields=["state", "return_reason", "returned_at"])
    if assignment.obligation_id and assignment.obligation.is_pending:
        deadlines.waive_obligation(
            assignment.obligation, actor=_user(actor), reason=waive_reason, now=now
        )
    log_transition(assignment, old, assignment.state, actor=actor, reason=reason, at=now)
    refresh_state(assignment.suggestion, actor=actor, now=now)
    return assignment


@transaction.atomic
def merge_suggestions(
    duplicate: Suggestion, *, into: Suggestion, actor, reason: str = "", now=None
) -> Suggestion:
    """Merge a duplicate (并案): the duplicate is closed as merged, its proposers become
    co-proposers of `into` (so they rate its reply). Preconditions: the duplicate is not yet
    assigned; both are of the same term; `into` is not merged, withdrawn or itself.
    Errors: `bad_state`, `same_suggestion`, `other_term`, `target_closed`."""
    now = _now(now)
    if duplicate.pk == into.pk:
        raise InvalidInput("same_suggestion", _("A suggestion cannot be merged into itself."))
    duplicate = Suggestion.objects.select_for_update().get(pk=duplicate.pk)
    into = Suggestion.objects.select_for_update().get(pk=into.pk)
    if duplicate.state != SuggestionState.FILED:
        raise SuggestionError(
            "bad_state", _("Only a suggestion awaiting assignment can be merged into another.")
        )
    if duplicate.term_id != into.term_id:
        raise InvalidInput("other_term", _("Both suggestions must be of the same term."))
    if into.state in (SuggestionState.MERGED, SuggestionState.WITHDRAWN):
        raise SuggestionError("target_closed", _("The target suggestion is closed."))
    existing = set(into.proposers.values_list("deputy_id", flat=True))
    start = into.proposers.count()
    new = [p for p in duplicate.proposers.all() if p.deputy_id not in existing]
    Proposer.objects.bulk_create(
        [
            Proposer(suggestion=into, deputy_id=p.deputy_id, is_lead=False, position=start + i)
            for i, p in enumerate(new)
        ]
    )
    caching.changed(Proposer)
    duplicate.state = SuggestionState.MERGED
    duplicate.merged_into = into
    duplicate.closed_at = now
    duplicate.save(update_fields=["state", "merged_into", "closed_at"])
    log_transition(
        duplicate,
        SuggestionState.FILED,
        SuggestionState.MERGED,
        actor=actor,
        reason=reason or f"并入第{into.number}号建议",
        at=now,
    )
    return duplicate


@transaction.atomic
def mark_key(
    suggestion: Suggestion,
    *,
    actor,
    is_key: bool = True,
    leader: str = "",
    office=None,
    now=None,
) -> Suggestion:
    """Mark (or unmark) a key suggestion (重点督办建议) with its supervising leader and/or office.
    The office also supervises the units' pending reply obligations (escalations go to it).
    Errors: `supervisor_required` when marking without a leader or office."""
    from congress.models import Obligation

    if is_key and not ((leader or "").strip() or office):
        raise InvalidInput(
            "supervisor_required",
            _("Name the supervising leader or office of a key suggestion."),
            field="supervising_leader",
        )
    suggestion.is_key = is_key
    suggestion.supervising_leader = (leader or "").strip() if is_key else ""
    suggestion.supervising_office = office if is_key else None
    suggestion.save(update_fields=["is_key", "supervising_leader", "supervising_office"])
    ids = Assignment.objects.filter(suggestion=suggestion).values_list("obligation_id", flat=True)
    Obligation.objects.filter(pk__in=ids, state__in=["open", "returned", "overdue"]).update(
        supervising_office=suggestion.supervising_office
    )
    caching.changed(Obligation)
    log_transition(
        suggestion,
        suggestion.state,
        suggestion.state,
        actor=actor,
        reason=("列为重点督办建议" if is_key else "取消重点督办")
        + (f"：{leader}" if leader else ""),
        at=_now(now),
    )
    return suggestion


def set_published(
    suggestion: Suggestion, *, actor, text: bool, replies: bool | None = None
) -> Suggestion:
    """Staff publish (or unpublish) the text of a suggestion and, optionally, its replies."""
    suggestion.is_published = text
    suggestion.save(update_fields=["is_published"])
    if replies is not None:
        Reply.objects.filter(assignment__suggestion=suggestion).update(is_published=replies)
        caching.changed(Reply)  # update() sends no signal
    return suggestion


# --- Handling (units) -------------------------------------------------------------------------


LIVE_HANDLING = (AssignmentState.HANDLING, AssignmentState.REHANDLING)
DEAD_ASSIGNMENT = (AssignmentState.RETURNED, AssignmentState.WITHDRAWN)


@transaction.atomic
def record_contact(
    assignment: Assignment,
    *,
    actor,
    method: str,
    contacted_on: dt.date,
    note: str,
    deputy=None,
    now: dt.datetime | None = None,
) -> Contact:
    """The unit records its contact with the proposing deputies (沟通联系) in the current round.
    Preconditions: the assignment is being handled (or handled again).
    Errors: `bad_state`, `bad_method`, `future_date`, `note_required`, `not_proposer`."""
    now = _now(now)
    if assignment.state not in LIVE_HANDLING:
        raise SuggestionError("bad_state", _("This assignment is not being handled."))
    if method not in ContactMethod.values:
        raise InvalidInput("bad_method", _("Choose how the deputy was contacted."), field="method")
    if contacted_on > timezone.localdate(now):
        raise InvalidInput(
            "future_date", _("The contact date cannot be in the future."), field="contacted_on"
        )
    if not (note or "").strip():
        raise InvalidInput("note_required", _("Describe what was discussed."), field="note")
    if (
        deputy is not None
        and not Proposer.objects.filter(
            suggestion_id=assignment.suggestion_id, deputy=deputy
        ).exists()
    ):
        raise InvalidInput(
            "not_proposer", _("This deputy did not propose the suggestion."), field="deputy"
        )
    return Contact.objects.create(
        assignment=assignment,
        deputy=deputy,
        round=assignment.round,
        method=method,
        contacted_on=contacted_on,
        note=note.strip(),
        recorded_by=_user(actor),
        recorded_at=now,
    )


@transaction.atomic
def submit_reply(
    assignment: Assignment,
    *,
    actor,
    reply_class: str,
    text: str,
    letter=None,
    now: dt.datetime | None = None,
) -> Reply:
    """The unit replies to the deputies (答复) for the current round, with its reply class and the
    signed reply letter. The reply is submitted through the deadline engine
    (`congress.deadlines.submit_report` on the reply obligation) and stored here with the facts the
    scoring uses (on time? contact recorded before?).

    Preconditions: a lead or separate unit; the assignment is being handled (or handled again); a
    contact with the deputies was recorded in this round (沟通联系 comes first).
    Effects: a "B" reply opens a follow-up obligation (`suggestion-followup`); the proposers are
    asked to rate the reply.
    Errors: `not_replying_unit`, `bad_state`, `contact_required`, `bad_class`, `empty_reply`,
    `letter_required`, and the engine's `not_pending`.
    """
    from congress import deadlines
    from congress.notifications import notify

    now = _now(now)
    assignment = (
        Assignment.objects.select_for_update().select_related("suggestion").get(pk=assignment.pk)
    )
    if not assignment.owes_reply:
        raise SuggestionError(
            "not_replying_unit", _("Co-units assist the lead unit; the lead unit replies.")
        )
    if assignment.state not in LIVE_HANDLING:
        raise SuggestionError("bad_state", _("This assignment is not awaiting a reply."))
    if not Contact.objects.filter(assignment=assignment, round=assignment.round).exists():
        raise SuggestionError(
            "contact_required",
            _("Record your contact with the deputy (沟通联系) before replying."),
        )
    if reply_class not in ReplyClass.values:
        raise InvalidInput("bad_class", _("Choose the class of the reply."), field="reply_class")
    if not (text or "").strip():
        raise InvalidInput("empty_reply", _("Write the reply."), field="text")
    if not letter:
        raise InvalidInput("letter_required", _("Attach the signed reply letter."), field="letter")
    obligation = assignment.obligation
    suggestion = assignment.suggestion
    title = _reply_rule_title(suggestion, assignment.round)
    document = deadlines.submit_report(
        obligation, actor=actor, title=title, text=text.strip(), file=letter, now=now
    )
    obligation.refresh_from_db()
    today = timezone.localdate(now)
    reply = Reply.objects.create(
        assignment=assignment,
        round=assignment.round,
        reply_class=reply_class,
        text=text.strip(),
        letter=document.file.name if document.file else "",
        obligation=obligation,
        due_date=obligation.due_date,
        submitted_at=now,
        submitted_by=_user(actor),
        on_time=today <= obligation.due_date,
        contact_before=True,  # enforced above
    )
    old = assignment.state
    assignment.state = AssignmentState.REPLIED
    assignment.save(update_fields=["state"])
    log_transition(assignment, old, assignment.state, actor=actor, reason=reply_class, at=now)
    if reply_class == ReplyClass.B:
        follow_up = deadlines.open_obligation(
            unit=assignment.unit,
            kind="suggestions.followup",
            subject=assignment,
            title=f"代表建议落实情况报告：{suggestion.title}",
            starts_on=today,
            rule_code="suggestion-followup",
            supervising_office=suggestion.supervising_office,
            actor=_user(actor),
            now=now,
        )
        FollowUp.objects.create(reply=reply, obligation=follow_up)
    refresh_state(suggestion, actor=actor, now=now)
    transaction.on_commit(
        lambda: notify(
            _proposer_users(suggestion),
            kind="suggestions.replied",
            title=_("A unit replied to your suggestion: please rate the reply"),
            body=f"{assignment.unit}：{suggestion.title}",
            url=reverse("suggestions:portal_detail", args=[suggestion.pk]),
            subject=suggestion,
            key=f"suggestion-reply-{reply.pk}",
        )
    )
    return reply


@transaction.atomic
def report_follow_up(
    follow_up: FollowUp, *, actor, text: str, file=None, now: dt.datetime | None = None
) -> FollowUp:
    """The unit reports completion of what a "B" reply promised, through the deadline engine.
    Errors: `empty_report`, `already_reported`, the engine's `not_pending`."""
    from congress import deadlines

    now = _now(now)
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.reported_at is not None:
        raise SuggestionError("already_reported", _("Completion was already reported."))
    if not (text or "").strip():
        raise InvalidInput("empty_report", _("Write the completion report."), field="text")
    if follow_up.obligation_id:
        deadlines.submit_report(
            follow_up.obligation,
            actor=actor,
            title=follow_up.obligation.title,
            text=text.strip(),
            file=file,
            now=now,
        )
    follow_up.report = text.strip()
    follow_up.reported_at = now
    follow_up.save(update_fields=["report", "reported_at"])
    return follow_up


# --- Rating (deputies) ------------------------------------------------------------------------


def current_reply(assignment: Assignment) -> Reply | None:
    return Reply.objects.filter(assignment=assignment, round=assignment.round).first()


@transaction.atomic
def rate_reply(
    reply: Reply,
    *,
    deputy,
    result: str,
    comment: str = "",
    actor=None,
    now: dt.datetime | None = None,
) -> Rating:
    """A proposing deputy rates a reply (满意/基本满意/不满意). When every proposer has rated the
    current reply, the round is concluded (see `conclude_round`).

    Preconditions: `deputy` proposed or co-proposed the suggestion; the reply is the assignment's
    current one and awaits rating; the deputy has not rated it yet.
    Errors: `not_proposer` (403), `not_awaiting_rating`, `already_rated`, `bad_result`,
    `comment_required` (an unsatisfied rating needs comments).
    """
    from deputies.models import DutyKind
    from deputies.services import log_duty

    now = _now(now)
    assignment = Assignment.objects.select_for_update().get(pk=reply.assignment_id)
    suggestion = assignment.suggestion
    if not Proposer.objects.filter(suggestion=suggestion, deputy=deputy).exists():
        raise PermissionRefused("not_proposer", _("Only the proposing deputies rate the reply."))
    if assignment.state != AssignmentState.REPLIED or reply.round != assignment.round:
        raise SuggestionError("not_awaiting_rating", _("This reply is not awaiting rating."))
    if result not in Satisfaction.values:
        raise InvalidInput("bad_result", _("Choose your rating."), field="result")
    if result == Satisfaction.UNSATISFIED and not (comment or "").strip():
        raise InvalidInput(
            "comment_required",
            _("Say why you are unsatisfied, so the unit can handle it again."),
            field="comment",
        )
    if Rating.objects.filter(reply=reply, deputy=deputy).exists():
        raise SuggestionError("already_rated", _("You have already rated this reply."))
    rating = Rating.objects.create(
        reply=reply, deputy=deputy, result=result, comment=(comment or "").strip(), rated_at=now
    )
    log_duty(
        deputy,
        kind=DutyKind.RATING,
        title=f"评价建议办理：{suggestion.title}",
        date=timezone.localdate(now),
        source=rating,
    )
    proposers = Proposer.objects.filter(suggestion=suggestion).count()
    if Rating.objects.filter(reply=reply).count() >= proposers:
        conclude_round(assignment, actor=actor, now=now)
    return rating


@transaction.atomic
def conclude_round(assignment: Assignment, *, actor, now: dt.datetime | None = None) -> Assignment:
    """Conclude the rating of the current reply (automatically when every proposer rated it; staff
    may conclude with the ratings received so far, at least one).

    An unsatisfied rating of a first-round reply sends the assignment back for re-handling: a new
    obligation under the `suggestion-rehandling` rule (1 month by default) from today, and the unit
    must contact the deputies again before replying. Otherwise (or after re-handling, whatever the
    final rating) the assignment is completed. The reply obligation is accepted either way.
    Errors: `not_awaiting_rating`, `no_rating`.
    """
    from congress import deadlines
    from congress.notifications import notify

    now = _now(now)
    assignment = (
        Assignment.objects.select_for_update().select_related("suggestion").get(pk=assignment.pk)
    )
    if assignment.state != AssignmentState.REPLIED:
        raise SuggestionError("not_awaiting_rating", _("This reply is not awaiting rating."))
    reply = current_reply(assignment)
    results = list(reply.ratings.values_list("result", flat=True)) if reply else []
    if not results:
        raise SuggestionError("no_rating", _("No deputy has rated this reply yet."))
    if reply.obligation_id and reply.obligation.state == "submitted":
        deadlines.accept_report(
            reply.obligation, actor=_user(actor), note="代表已评价答复", now=now
        )
    suggestion = assignment.suggestion
    old = assignment.state
    if Satisfaction.UNSATISFIED in results and assignment.round == 1:
        assignment.round = 2
        assignment.state = AssignmentState.REHANDLING
        assignment.obligation = deadlines.open_obligation(
            unit=assignment.unit,
            kind="suggestions.rehandling",
            subject=assignment,
            title=_reply_rule_title(suggestion, 2),
            starts_on=timezone.localdate(now),
            rule_code="suggestion-rehandling",
            supervising_office=suggestion.supervising_office,
            actor=_user(actor),
            now=now,
        )
        assignment.save(update_fields=["round", "state", "obligation"])
        unit_id = assignment.unit_id
        transaction.on_commit(
            lambda: notify(
                _liaisons([unit_id]),
                kind="suggestions.rehandling",
                title=_("A deputy was unsatisfied with your reply: handle it again"),
                body=suggestion.title,
                url=reverse("suggestions:unit_detail", args=[assignment.pk]),
                subject=suggestion,
                key=f"suggestion-rehandling-{assignment.pk}",
            )
        )
    else:
        assignment.state = AssignmentState.DONE
        assignment.save(update_fields=["state"])
    log_transition(assignment, old, assignment.state, actor=actor, at=now)
    refresh_state(suggestion, actor=actor, now=now)
    return assignment


def refresh_state(suggestion: Suggestion, *, actor=None, now: dt.datetime | None = None) -> str:
    """Derive the suggestion's state from its replying assignments and log a change:
    any being handled → assigned; else any handled again → rehandling; else any awaiting rating →
    replied; all completed → closed (co-units are completed with it); none left → filed (triage)."""
    now = _now(now)
    if suggestion.state in (SuggestionState.MERGED, SuggestionState.WITHDRAWN):
        return suggestion.state
    states = set(
        Assignment.objects.filter(suggestion=suggestion, role__in=REPLYING_ROLES)
        .exclude(state__in=DEAD_ASSIGNMENT)
        .values_list("state", flat=True)
    )
    if not states:
        new = SuggestionState.FILED
    elif AssignmentState.HANDLING in states:
        new = SuggestionState.ASSIGNED
    elif AssignmentState.REHANDLING in states:
        new = SuggestionState.REHANDLING
    elif AssignmentState.REPLIED in states:
        new = SuggestionState.REPLIED
    else:
        new = SuggestionState.CLOSED
    old = suggestion.state
    if new == old:
        return new
    suggestion.state = new
    fields = ["state"]
    if new == SuggestionState.CLOSED:
        suggestion.closed_at = now
        fields.append("closed_at")
        for co in Assignment.objects.filter(
            suggestion=suggestion, role=AssignmentRole.JOINT, state=AssignmentState.HANDLING
        ):
            co.state = AssignmentState.DONE
            co.save(update_fields=["state"])
            log_transition(co, AssignmentState.HANDLING, co.state, actor=actor, at=now)
    suggestion.save(update_fields=fields)
    log_transition(suggestion, old, new, actor=actor, at=now)
    return new


# --- Bureau visits to stations ----------------------------------------------------------------


@transaction.atomic
def record_bureau_visit(
    *,
    unit,
    station,
    title: str,
    date: dt.date,
    actor,
    suggestions: Sequence[Suggestion] = (),
    deputies: Sequence = (),
    staff_present: str = "",
    outcomes: str = "",
    is_published: bool = False,
) -> BureauVisit:
    """Record a bureau's visit to a deputies' home or liaison station (委办局进"家""站"): the
    suggestions discussed, the deputies and staff present and the outcomes. Idempotent per
    (unit, station, date). Deputies present get a "meeting attended" duty record entry.
    Errors: `empty_title`."""
    from deputies.models import DutyKind
    from deputies.services import log_duty

    if not (title or "").strip():
        raise InvalidInput("empty_title", _("Give the visit a title."), field="title")
    visit, created = BureauVisit.objects.get_or_create(
        unit=unit,
        station=station,
        date=date,
        defaults={
            "title": title.strip()[:200],
            "staff_present": staff_present,
            "outcomes": outcomes,
            "is_published": is_published,
        },
    )
    if created:
        visit.suggestions.set(suggestions)
        visit.deputies.set(deputies)
        for deputy in deputies:
            log_duty(deputy, kind=DutyKind.MEETING, title=visit.title, date=date, source=visit)
    return visit
