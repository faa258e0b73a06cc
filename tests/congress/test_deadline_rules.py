"""Default rules, the holiday calendar and due-date computation."""

from __future__ import annotations

import datetime as dt

import pytest

from congress import deadlines
from congress.errors import DomainError
from congress.models import CalendarDay, DeadlineRule, LimitUnit

pytestmark = pytest.mark.django_db

CODES = [
    "motion-handling-plan",
    "motion-yearly-report",
    "motion-session-report",
    "suggestion-reply",
    "suggestion-rehandling",
    "suggestion-followup",
    "review-plan-report",
    "review-status-report",
    "evaluation-self-report",
    "evaluation-rectification-plan",
    "evaluation-rectification-report",
    "voter-opinion-reply",
    "consultation-opinion",
    "expert-appointment-expiry",
]


def test_default_rules_exist_each_citing_its_source():
    rules = {r.code: r for r in DeadlineRule.objects.all()}
    assert set(CODES) <= set(rules)
    assert all(rules[c].source and rules[c].anchor for c in CODES)
    plan = rules["review-plan-report"]
    assert (plan.amount, plan.limit_unit) == (3, LimitUnit.MONTHS)
    status = rules["review-status-report"]
    assert (status.amount, status.limit_unit) == (6, LimitUnit.MONTHS)
    assert (rules["suggestion-reply"].amount, rules["suggestion-rehandling"].amount) == (3, 1)
    session = rules["motion-session-report"]
    assert (session.amount, session.limit_unit) == (-30, LimitUnit.CALENDAR_DAYS)


def test_calendar_holds_spring_festival_2024_and_its_make_up_days():
    days = dict(
        CalendarDay.objects.filter(
            date__range=(dt.date(2024, 2, 1), dt.date(2024, 2, 29))
        ).values_list("date", "is_workday")
    )
    assert all(days[dt.date(2024, 2, d)] is False for d in range(10, 18))
    assert days[dt.date(2024, 2, 4)] is True  # Sunday, make-up working day (调休)
    assert days[dt.date(2024, 2, 18)] is True
    assert CalendarDay.objects.get(date=dt.date(2024, 2, 12)).name == "春节"


def test_working_days_skip_the_spring_festival_and_count_make_up_sundays():
    # Thursday 8 Feb 2024: Fri 9th is a working day, 10–17 are holidays, Sun 18th is a make-up
    # working day, Mon 19th the next one.
    assert deadlines.add_working_days(dt.date(2024, 2, 8), 1) == dt.date(2024, 2, 9)
    assert deadlines.add_working_days(dt.date(2024, 2, 8), 2) == dt.date(2024, 2, 18)
    assert deadlines.add_working_days(dt.date(2024, 2, 8), 3) == dt.date(2024, 2, 19)
    # Backwards across it too.
    assert deadlines.add_working_days(dt.date(2024, 2, 19), -2) == dt.date(2024, 2, 9)


def test_working_day_rule_across_the_spring_festival():
    rule = DeadlineRule.objects.get(code="voter-opinion-reply")  # 15 working days
    # From Monday 5 Feb 2024: 6–9 Feb (4), the holiday 10–17, Sun 18 (make-up, 5),
    # 19–23 (10), 26–29 (14), Fri 1 March (15). Without the calendar it would be 26 Feb.
    due = deadlines.compute_due_date(dt.date(2024, 2, 5), rule)
    assert due == dt.date(2024, 3, 1)


def test_staff_edits_to_the_calendar_change_the_computation():
    start = dt.date(2030, 6, 3)  # a Monday, beyond what chinese-calendar knows
    assert deadlines.add_working_days(start, 1) == dt.date(2030, 6, 4)
    CalendarDay.objects.create(date=dt.date(2030, 6, 4), is_workday=False, name="端午节")
    assert deadlines.add_working_days(start, 1) == dt.date(2030, 6, 5)


def test_months_fall_back_to_the_last_day_of_the_month():
    rule = DeadlineRule.objects.get(code="review-plan-report")
    assert deadlines.compute_due_date(dt.date(2024, 11, 30), rule) == dt.date(2025, 2, 28)
    assert deadlines.compute_due_date(dt.date(2025, 3, 15), rule) == dt.date(2025, 6, 15)


def test_open_obligation_by_rule_code(unit):
    ob = deadlines.open_obligation(
        unit=unit,
        kind="test.report",
        subject=unit,
        title="方案",
        starts_on=dt.date(2025, 3, 15),
        rule_code="review-status-report",
    )
    assert ob.due_date == ob.original_due_date == dt.date(2025, 9, 15)
    assert ob.rule.code == "review-status-report"


def test_inactive_or_unknown_rule_is_refused(unit):
    DeadlineRule.objects.filter(code="review-plan-report").update(is_active=False)
    with pytest.raises(DomainError) as err:
        deadlines.open_obligation(
            unit=unit,
            kind="test.report",
            subject=unit,
            title="方案",
            starts_on=dt.date(2025, 3, 15),
            rule_code="review-plan-report",
        )
    assert err.value.code == "unknown_rule"


def test_deadline_sweep_beat_task_is_installed():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="deadline-sweep")
    assert task.task == "congress.sweep_deadlines"
    assert task.interval.every == 15 and task.interval.period == "minutes"
