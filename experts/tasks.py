"""The expert pool's small sweep: reminders to experts before their opinion deadline, the
managing office's obligations for appointments about to end, and ending appointments whose
term is over.

Experts are people, not units, so their opinion deadlines are not obligations of the deadline
engine (whose sweep reminds units); this sweep reminds them. It is idempotent: each reminder has a
notification key (`experts.opinion:<invitation>:<due date>:<offset>`), so running it twice, or
from two workers at once, sends nothing twice. Scheduled hourly with django-celery-beat (data
migration `experts.0003_sweep_schedule`); `manage.py` users can call `sweep()` too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from celery import shared_task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.notifications import notify
from experts import queries, services

# Days before the opinion deadline at which the expert is reminded (0 = on the day).
REMINDER_OFFSETS = (3, 1, 0)


@dataclass
class SweepResult:
    reminders: int = 0
    overdue: int = 0
    expiry_obligations: int = 0
    ended: int = 0


def reminder_offset(days_left: int) -> int | None:
    """The reminder due now: the smallest offset not below `days_left` (a missed day catches up
    with the next reminder rather than sending all the old ones)."""
    candidates = [o for o in REMINDER_OFFSETS if o >= days_left]
    return min(candidates) if candidates and days_left >= 0 else None


def remind_opinion_deadlines(*, now: dt.datetime | None = None) -> SweepResult:
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = SweepResult()
    for inv in queries.due_for_reminder(today, max(REMINDER_OFFSETS)):
        user = inv.expert.user
        if user is None:
            continue  # no login: the office contacts the expert (the office sees the deadline)
        days_left = (inv.opinion_due - today).days
        url = reverse("experts:invitation", args=[inv.pk])
        if days_left < 0:
            sent = notify(
                [user],
                kind="experts.opinion_overdue",
                title=_("Your opinion is overdue: %(title)s") % {"title": inv.consultation.title},
                body=_("It was due on %(date)s. Please submit it or tell the office.")
                % {"date": inv.opinion_due.isoformat()},
                url=url,
                subject=inv,
                key=f"experts.opinion:{inv.pk}:{inv.opinion_due}:overdue",
            )
            result.overdue += sent
            continue
        offset = reminder_offset(days_left)
        if offset is None:
            continue
        result.reminders += notify(
            [user],
            kind="experts.opinion_reminder",
            title=_("Opinion due on %(date)s: %(title)s")
            % {"date": inv.opinion_due.isoformat(), "title": inv.consultation.title},
            body=_("%(days)d day(s) left to submit your written opinion.") % {"days": days_left},
            url=url,
            subject=inv,
            key=f"experts.opinion:{inv.pk}:{inv.opinion_due}:{offset}",
        )
    return result


def sweep(*, now: dt.datetime | None = None) -> SweepResult:
    result = remind_opinion_deadlines(now=now)
    result.expiry_obligations = services.open_expiring_appointments(now=now)
    result.ended = services.expire_ended_appointments(now=now)
    return result


@shared_task(name="experts.sweep", ignore_result=True)
def sweep_task() -> dict[str, int]:
    r = sweep()
    return {
        "reminders": r.reminders,
        "overdue": r.overdue,
        "expiry_obligations": r.expiry_obligations,
        "ended": r.ended,
    }
