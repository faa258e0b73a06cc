"""The deadline engine's services: open an obligation, submit, accept, return, waive.

Every loop in the portal ends in "a unit owes a report by a date"; domain apps call these
functions instead of keeping deadlines of their own. The sweep (reminders, overdue marking,
escalation) lives in `congress/sweep.py`; extensions and urging in this module too.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.errors import DomainError, InvalidInput
from congress.models import (
    PENDING_STATES,
    CalendarDay,
    DeadlineRule,
    LimitUnit,
    Obligation,
    ObligationDocument,
    ObligationEvent,
    ObligationState,
    Unit,
)
from congress.signals import obligation_changed


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
