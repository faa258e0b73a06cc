"""The deadline engine's services: open an obligation, submit, accept, return, waive.

Every loop in the portal ends in "a unit owes a report by a date"; domain apps call these
functions instead of keeping deadlines of their own. The sweep (reminders, overdue marking,
escalation) lives in `congress/sweep.py`; extensions and urging in this module too.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.errors import DomainError, InvalidInput
from congress.models import (
    PENDING_STATES,
    CalendarDay,
    DeadlineNotice,
    DeadlineRule,
    ExtensionRequest,
    ExtensionState,
    LimitUnit,
    Meeting,
    MeetingKind,
    NoticeKind,
    Obligation,
    ObligationDocument,
    ObligationEvent,
    ObligationState,
    Role,
    Unit,
    User,
)
from congress.signals import obligation_changed

# Human names of obligation kinds ("<app label>.<what>"); apps add theirs with `register_kind`.
KIND_LABELS: dict[str, str] = {}


# Kinds whose report is submitted on the owning app's own page (with what that app needs beside
# the document: a reply class, a contact record...): kind → function(obligation) → URL.
SUBMIT_PAGES: dict[str, Callable[[Obligation], str]] = {}


def register_kind(
    kind: str, label, *, submit_page: Callable[[Obligation], str] | None = None
) -> None:
    """Give an obligation kind a (lazy, translated) name for pages, exports and notices.

    With `submit_page`, the generic report page and API refuse to take the report and point to
    the app's page instead, so that the app's own rules cannot be bypassed.
    """
    KIND_LABELS[kind] = label
    if submit_page is not None:
        SUBMIT_PAGES[kind] = submit_page


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def submit_page_for(obligation: Obligation) -> str | None:
    page = SUBMIT_PAGES.get(obligation.kind)
    return page(obligation) if page is not None else None


def ensure_generic_submission(obligation: Obligation) -> None:
    """Refuse a report through the generic page or API for kinds that have their own page."""
    url = submit_page_for(obligation)
    if url:
        raise ObligationError(
            "submit_elsewhere",
            _("This report is submitted on its own page: %(url)s") % {"url": url},
        )


class ObligationError(DomainError):
    pass


def local_today(now: dt.datetime | None = None) -> dt.date:
    return timezone.localdate(now or timezone.now())


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later; the 31st falls back to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_workday(day: dt.date, overrides: dict[dt.date, bool] | None = None) -> bool:
    if overrides is None:
        overrides = dict(CalendarDay.objects.filter(date=day).values_list("date", "is_workday"))
    if day in overrides:
        return overrides[day]
    return day.weekday() < 5


def add_working_days(day: dt.date, amount: int) -> dt.date:
    """`amount` working days after (or before, if negative) `day`, using the holiday calendar."""
    if amount == 0:
        return day
    step = 1 if amount > 0 else -1
    # Load the overrides for a window wide enough for the longest holidays in one query.
    span = abs(amount) * 2 + 30
    lo, hi = sorted([day, day + dt.timedelta(days=step * span)])
    overrides = dict(
        CalendarDay.objects.filter(date__range=(lo, hi)).values_list("date", "is_workday")
    )
    remaining, current = abs(amount), day
    while remaining:
        current += dt.timedelta(days=step)
        if current < lo or current > hi:  # pragma: no cover - only for absurdly long limits
            overrides.update(
                dict(CalendarDay.objects.filter(date=current).values_list("date", "is_workday"))
            )
        if is_workday(current, overrides):
            remaining -= 1
    return current


def compute_due_date(starts_on: dt.date, rule: DeadlineRule) -> dt.date:
    if rule.limit_unit == LimitUnit.MONTHS:
        return add_months(starts_on, rule.amount)
    if rule.limit_unit == LimitUnit.WORKING_DAYS:
        return add_working_days(starts_on, rule.amount)
    return starts_on + dt.timedelta(days=rule.amount)


def get_rule(code: str) -> DeadlineRule:
    try:
        return DeadlineRule.objects.get(code=code, is_active=True)
    except DeadlineRule.DoesNotExist:
        raise ObligationError(
            "unknown_rule", _("No active deadline rule with code %(code)s.") % {"code": code}
        )


def _event(
    obligation: Obligation,
    kind: str,
    *,
    actor=None,
    old_state="",
    new_state="",
    note="",
    old_due=None,
    new_due=None,
    at=None,
):
    return ObligationEvent.objects.create(
        obligation=obligation,
        kind=kind,
        from_state=old_state,
        to_state=new_state,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        note=note,
        old_due_date=old_due,
        new_due_date=new_due,
        at=at or timezone.now(),
    )


def _changed(obligation: Obligation, old: str, new: str, actor) -> None:
    transaction.on_commit(
        lambda: obligation_changed.send(
            sender=Obligation, obligation=obligation, old_state=old, new_state=new, actor=actor
        )
    )


@transaction.atomic
def open_obligation(
    *,
    unit: Unit,
    kind: str,
    subject: models.Model,
    title: str,
    starts_on: dt.date,
    rule_code: str | None = None,
    due_date: dt.date | None = None,
    supervising_office: Unit | None = None,
    actor=None,
    now: dt.datetime | None = None,
) -> Obligation:
    """Open an obligation for `unit` about `subject`, due by the rule (or an explicit `due_date`).

    Errors: `unknown_rule`; `no_due_date` when neither a rule nor a date is given.
    """
    rule = get_rule(rule_code) if rule_code else None
    if due_date is None:
        if rule is None:
            raise InvalidInput("no_due_date", _("A due date or a deadline rule is required."))
        due_date = compute_due_date(starts_on, rule)
    obligation = Obligation.objects.create(
        unit=unit,
        kind=kind,
        title=title[:300],
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        rule=rule,
        starts_on=starts_on,
        due_date=due_date,
        original_due_date=due_date,
        supervising_office=supervising_office,
        created_at=now or timezone.now(),
    )
    _event(obligation, "created", actor=actor, new_state=obligation.state, new_due=due_date, at=now)
    return obligation


def obligations_for(subject: models.Model):
    return Obligation.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
    )


def _locked(obligation: Obligation) -> Obligation:
    return Obligation.objects.select_for_update().get(pk=obligation.pk)


@transaction.atomic
def submit_report(
    obligation: Obligation,
    *,
    actor,
    title: str,
    text: str = "",
    file=None,
    now: dt.datetime | None = None,
) -> ObligationDocument:
    """The owing unit submits its document. Allowed while open, returned or overdue.

    Errors: `not_pending` if already submitted, accepted or waived; `empty_report` with no text or file.
    """
    now = now or timezone.now()
    ob = _locked(obligation)
    if ob.state not in PENDING_STATES:
        raise ObligationError("not_pending", _("This report is not awaiting submission."))
    if not (text.strip() or file):
        raise InvalidInput("empty_report", _("Write the report or attach a file."), field="text")
    document = ObligationDocument.objects.create(
        obligation=ob,
        title=title[:200],
        text=text,
        file=file or "",
        submitted_by=actor,
        submitted_at=now,
    )
    old = ob.state
    ob.state, ob.submitted_at = ObligationState.SUBMITTED, now
    ob.save(update_fields=["state", "submitted_at"])
    _event(ob, "submitted", actor=actor, old_state=old, new_state=ob.state, at=now)
    _changed(ob, old, ob.state, actor)
    # The notice rows are written in this transaction; e-mail is enqueued on commit and, if the
    # broker is down, sent by the next sweep (it calls send_pending_emails).
    _notify(
        supervisors_of(ob),
        ob,
        "deadline.submitted",
        _("Report submitted: %(title)s"),
        _("%(unit)s submitted “%(document)s”.") % {"unit": ob.unit, "document": document.title},
        key=f"deadline:submitted:{document.pk}",
    )
    obligation.refresh_from_db()
    return document


@transaction.atomic
def accept_report(
    obligation: Obligation, *, actor, note: str = "", now: dt.datetime | None = None
) -> Obligation:
    """Staff accept a submitted report. Errors: `not_submitted`."""
    now = now or timezone.now()
    ob = _locked(obligation)
    if ob.state != ObligationState.SUBMITTED:
        raise ObligationError("not_submitted", _("Only a submitted report can be accepted."))
    ob.state, ob.accepted_at, ob.accepted_by = ObligationState.ACCEPTED, now, actor
    ob.save(update_fields=["state", "accepted_at", "accepted_by"])
    _event(
        ob,
        "accepted",
        actor=actor,
        old_state=ObligationState.SUBMITTED,
        new_state=ob.state,
        note=note,
        at=now,
    )
    _changed(ob, ObligationState.SUBMITTED, ob.state, actor)
    _notify(
        liaisons_of(ob.unit_id),
        ob,
        "deadline.accepted",
        _("Report accepted: %(title)s"),
        note,
        key=f"deadline:accepted:{ob.pk}:{now.isoformat()}",
    )
    return ob


@transaction.atomic
def return_report(
    obligation: Obligation,
    *,
    actor,
    reason: str,
    new_due_date: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Obligation:
    """Staff return a submitted report for revision, optionally with a new due date.

    Errors: `not_submitted`; `reason_required`.
    """
    now = now or timezone.now()
    if not reason.strip():
        raise InvalidInput(
            "reason_required", _("Give the reason for returning the report."), field="reason"
        )
    ob = _locked(obligation)
    if ob.state != ObligationState.SUBMITTED:
        raise ObligationError("not_submitted", _("Only a submitted report can be returned."))
    old_due = ob.due_date
    ob.state = ObligationState.RETURNED
    fields = ["state"]
    if new_due_date:
        ob.due_date = new_due_date
        ob.overdue_since = None
        fields += ["due_date", "overdue_since"]
    ob.save(update_fields=fields)
    _event(
        ob,
        "returned",
        actor=actor,
        old_state=ObligationState.SUBMITTED,
        new_state=ob.state,
        note=reason,
        old_due=old_due if new_due_date else None,
        new_due=new_due_date,
        at=now,
    )
    _changed(ob, ObligationState.SUBMITTED, ob.state, actor)
    _notify(
        liaisons_of(ob.unit_id),
        ob,
        "deadline.returned",
        _("Report returned for revision: %(title)s"),
        reason,
        key=f"deadline:returned:{ob.pk}:{now.isoformat()}",
    )
    return ob


@transaction.atomic
def waive_obligation(
    obligation: Obligation, *, actor, reason: str, now: dt.datetime | None = None
) -> Obligation:
    """Staff waive an obligation that is no longer owed (the subject closed early, reassigned...)."""
    now = now or timezone.now()
    ob = _locked(obligation)
    if ob.state in (ObligationState.ACCEPTED, ObligationState.WAIVED):
        raise ObligationError("closed", _("This obligation is already closed."))
    old = ob.state
    ob.state = ObligationState.WAIVED
    ob.save(update_fields=["state"])
    _event(ob, "waived", actor=actor, old_state=old, new_state=ob.state, note=reason, at=now)
    _changed(ob, old, ob.state, actor)
    return ob


# --- Recipients and notices -----------------------------------------------------------------


def liaisons_of(unit_id: int) -> list[User]:
    """The owing unit's active liaisons (reminders, decisions, urging go to them)."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=Role.LIAISON,
            memberships__unit_id=unit_id,
            memberships__is_active=True,
        ).distinct()
    )


def general_office() -> Unit | None:
    return Unit.objects.filter(office_role="general_office", is_active=True).order_by("pk").first()


def supervisors_of(obligation: Obligation) -> list[User]:
    """Staff of the supervising office, or of the general office when none is set."""
    office_id = obligation.supervising_office_id
    if office_id is None:
        office = general_office()
        office_id = office.pk if office else None
    if office_id is None:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=Role.STAFF,
            memberships__unit_id=office_id,
            memberships__is_active=True,
        ).distinct()
    )


def obligation_url(obligation: Obligation) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("portal:obligation", args=[obligation.pk])
    except NoReverseMatch:  # pragma: no cover - the URL is part of the engine
        return ""


def _notify(recipients, ob: Obligation, kind: str, title, body="", *, key: str = "") -> int:
    from congress.notifications import notify

    return notify(
        recipients,
        kind=kind,
        title=_LazyFormat(title, {"title": ob.title}),
        body=body,
        url=obligation_url(ob),
        subject=ob,
        key=key,
    )


class _LazyFormat:
    """`str()` formats a lazy translation at render time (in each recipient's language)."""

    def __init__(self, template, params: dict) -> None:
        self.template, self.params = template, params

    def __str__(self) -> str:
        return str(self.template) % self.params


# --- Extension requests (延期申请) and urging (催办) --------------------------------------------


@transaction.atomic
def request_extension(
    obligation: Obligation,
    *,
    actor,
    reason: str,
    requested_due_date: dt.date,
    now: dt.datetime | None = None,
) -> ExtensionRequest:
    """The owing unit asks for more time, before the due date, with reasons.

    Errors: `reason_required`; `date_not_later` (the new date must be after the current one);
    `too_late` (the due date has passed); `not_pending`; `extension_pending` (one at a time).
    """
    now = now or timezone.now()
    if not reason.strip():
        raise InvalidInput("reason_required", _("Give your reasons."), field="reason")
    ob = _locked(obligation)
    if ob.state not in (ObligationState.OPEN, ObligationState.RETURNED):
        raise ObligationError("not_pending", _("This report is not awaiting submission."))
    if local_today(now) > ob.due_date:
        raise ObligationError("too_late", _("An extension must be requested before the due date."))
    if requested_due_date <= ob.due_date:
        raise InvalidInput(
            "date_not_later",
            _("The requested date must be later than the current due date."),
            field="requested_due_date",
        )
    if ob.extension_requests.filter(state=ExtensionState.PENDING).exists():
        raise ObligationError(
            "extension_pending", _("An extension request is already waiting for a decision.")
        )
    request = ExtensionRequest.objects.create(
        obligation=ob,
        requested_by=actor,
        requested_at=now,
        reason=reason,
        requested_due_date=requested_due_date,
    )
    _event(
        ob,
        "extension_requested",
        actor=actor,
        note=reason,
        old_due=ob.due_date,
        new_due=requested_due_date,
        at=now,
    )
    _notify(
        supervisors_of(ob),
        ob,
        "deadline.extension_requested",
        _("Extension requested: %(title)s"),
        _("%(unit)s asks to move the due date from %(old)s to %(new)s.")
        % {"unit": ob.unit, "old": ob.due_date, "new": requested_due_date},
        key=f"deadline:extension:{request.pk}",
    )
    return request


@transaction.atomic
def decide_extension(
    request: ExtensionRequest,
    *,
    actor,
    approve: bool,
    new_due_date: dt.date | None = None,
    meeting: Meeting | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> ExtensionRequest:
    """Record the chairpersons' meeting's decision on an extension request.

    Approving moves the obligation's due date (the history keeps the old one; reminders follow
    the new date because their keys carry the due date) and reopens an overdue obligation.
    Errors: `not_pending`; `bad_meeting` (not a chairpersons' meeting); `date_not_later`.
    """
    now = now or timezone.now()
    req = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if req.state != ExtensionState.PENDING:
        raise ObligationError("not_pending", _("This request has already been decided."))
    if meeting is not None and meeting.kind != MeetingKind.CHAIRPERSONS:
        raise InvalidInput("bad_meeting", _("Choose a chairpersons' meeting."), field="meeting")
    ob = _locked(req.obligation)
    req.decided_by, req.decided_at, req.meeting, req.decision_note = actor, now, meeting, note
    if approve:
        new_due = new_due_date or req.requested_due_date
        if new_due <= ob.due_date:
            raise InvalidInput(
                "date_not_later",
                _("The new due date must be later than the current one."),
                field="new_due_date",
            )
        req.state, req.approved_due_date = ExtensionState.APPROVED, new_due
        old_due, old_state = ob.due_date, ob.state
        ob.due_date = new_due
        fields = ["due_date"]
        if ob.state == ObligationState.OVERDUE:
            ob.state, ob.overdue_since = ObligationState.OPEN, None
            fields += ["state", "overdue_since"]
        ob.save(update_fields=fields)
        _event(
            ob,
            "extension_approved",
            actor=actor,
            old_state=old_state if old_state != ob.state else "",
            new_state=ob.state if old_state != ob.state else "",
            old_due=old_due,
            new_due=new_due,
            note=note,
            at=now,
        )
        if old_state != ob.state:
            _changed(ob, old_state, ob.state, actor)
        title = _("Extension approved: %(title)s")
        body = _("The new due date is %(date)s.") % {"date": new_due}
    else:
        req.state = ExtensionState.REFUSED
        _event(ob, "extension_refused", actor=actor, note=note, at=now)
        title = _("Extension refused: %(title)s")
        body = _("The due date stays %(date)s.") % {"date": ob.due_date}
    req.save(
        update_fields=[
            "state",
            "approved_due_date",
            "decided_by",
            "decided_at",
            "meeting",
            "decision_note",
        ]
    )
    _notify(
        liaisons_of(ob.unit_id),
        ob,
        "deadline.extension_decided",
        title,
        body,
        key=f"deadline:extension-decided:{req.pk}",
    )
    return req


@transaction.atomic
def withdraw_extension(
    request: ExtensionRequest, *, actor, now: dt.datetime | None = None
) -> ExtensionRequest:
    """The unit withdraws its pending request. Errors: `not_pending`."""
    now = now or timezone.now()
    req = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if req.state != ExtensionState.PENDING:
        raise ObligationError("not_pending", _("This request has already been decided."))
    req.state, req.decided_at = ExtensionState.WITHDRAWN, now
    req.save(update_fields=["state", "decided_at"])
    _event(req.obligation, "extension_withdrawn", actor=actor, at=now)
    return req


@transaction.atomic
def urge_obligation(
    obligation: Obligation, *, actor, note: str = "", now: dt.datetime | None = None
) -> DeadlineNotice:
    """Staff urge the owing unit (催办): recorded as a notice and an event, sent to its liaisons.

    At most once a day per obligation (the notice's unique key). Errors: `not_pending`,
    `already_urged`.
    """
    now = now or timezone.now()
    ob = _locked(obligation)
    if ob.state not in PENDING_STATES:
        raise ObligationError("not_pending", _("This report is not awaiting submission."))
    key = f"urge:{local_today(now).isoformat()}"
    notice, created = DeadlineNotice.objects.get_or_create(
        obligation=ob,
        kind=NoticeKind.URGE,
        key=key,
        defaults={"actor": actor, "note": note, "created_at": now},
    )
    if not created:
        raise ObligationError("already_urged", _("This unit has already been urged today."))
    _event(ob, "urged", actor=actor, note=note, at=now)
    _notify(
        liaisons_of(ob.unit_id),
        ob,
        "deadline.urge",
        _("Urging: %(title)s"),
        note
        or _("Please submit the report due on %(date)s as soon as possible.")
        % {"date": ob.due_date},
        key=f"deadline:notice:{notice.pk}",
    )
    return notice


# --- Reads (no side effects): the querysets pages, exports and the API share -----------------


def visible_obligations(user):
    """Obligations `user` may see: staff see all, a liaison its units' only, others none."""
    from congress.access import actor_for

    actor = actor_for(user)
    qs = Obligation.objects.select_related("unit", "supervising_office", "rule")
    if actor.is_staff_member:
        return qs
    if actor.liaison_unit_ids:
        return qs.filter(unit_id__in=actor.liaison_unit_ids)
    return qs.none()


def with_pending_extension(qs):
    """Annotate `has_pending_extension` (one subquery, no per-row query)."""
    return qs.annotate(
        has_pending_extension=models.Exists(
            ExtensionRequest.objects.filter(
                obligation=models.OuterRef("pk"), state=ExtensionState.PENDING
            )
        )
    )


def on_time_rates(qs) -> list[dict]:
    """Per owing unit: obligations that came due, how many were submitted by the due date.

    Counted over obligations that are accepted, submitted or overdue (not waived, not still open
    before their date): on time = submitted on or before the due date. One query.
    """
    from django.db.models import Count, F, Q

    rows = (
        qs.filter(
            Q(state=ObligationState.OVERDUE)
            | Q(state__in=[ObligationState.SUBMITTED, ObligationState.ACCEPTED])
        )
        .values("unit_id", "unit__name")
        .annotate(
            total=Count("pk"),
            on_time=Count(
                "pk",
                filter=Q(submitted_at__isnull=False)
                & Q(submitted_at__date__lte=F("due_date"))
                & Q(overdue_since__isnull=True),
            ),
            overdue=Count("pk", filter=Q(state=ObligationState.OVERDUE)),
        )
        .order_by("unit__name")
    )
    result = []
    for row in rows:
        rate = round(100 * row["on_time"] / row["total"]) if row["total"] else None
        result.append({**row, "rate": rate})
    return result
