"""Fixtures shared by the deadline engine's tests (imported with `from ... import *`).

An obligation of `unit` (区教委, whose liaison is `liaison`) about a throwaway subject (the unit
itself), due on a fixed date, swept with an explicit clock.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from congress import deadlines
from congress.models import DeadlineRule, Notification, Obligation

TZ = ZoneInfo("Asia/Shanghai")

__all__ = ["TZ", "at", "make_obligation", "rule", "told"]


def at(day: dt.date | str, hour: int = 9) -> dt.datetime:
    """A moment on `day` (local time), the sweep's clock in these tests."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def told(recipient) -> Counter:
    """(kind, obligation title) → how many of `recipient`'s deadline notifications name it. A
    notice sent alone names its obligation (its subject); a digest names one report a line
    ("- 《title》（unit，截止 date）", or "- title (unit, due date)" in English). Each notice sent exactly once gives a count of 1."""
    out: Counter = Counter()
    for note in Notification.objects.filter(recipient=recipient, kind__startswith="deadline."):
        kind = note.kind.removeprefix("deadline.")
        if note.key.startswith("deadline:notice:"):
            out[(kind, Obligation.objects.get(pk=note.subject_id).title)] += 1
        else:
            for line in note.body.split("\n\n", 1)[1].splitlines():
                if line.startswith("- 《"):  # Chinese: 《title》（unit，截止 date）
                    out[(kind, line[3:].rsplit("》", 1)[0])] += 1
                elif line.startswith("- "):  # English: title (unit, due date)
                    out[(kind, line[2:].rsplit(" (", 1)[0])] += 1
    return out


@pytest.fixture
def rule(db) -> DeadlineRule:
    """The review plan rule (created by the data migration; get_or_create keeps tests honest
    if it ever is not)."""
    obj, _ = DeadlineRule.objects.get_or_create(
        code="review-plan-report",
        defaults={
            "name": "审议意见研究处理方案报告",
            "amount": 3,
            "limit_unit": "months",
            "anchor": "审议意见书送达之日",
            "source": "北京市",
        },
    )
    return obj


@pytest.fixture
def make_obligation(unit, liaison, staff):
    """make_obligation(due_date, unit=..., supervising_office=...) → an open obligation."""

    def make(due: dt.date | str, *, of_unit=None, supervising_office=None, title="测试报告"):
        if isinstance(due, str):
            due = dt.date.fromisoformat(due)
        owing = of_unit or unit
        return deadlines.open_obligation(
            unit=owing,
            kind="test.report",
            subject=owing,
            title=title,
            starts_on=due - dt.timedelta(days=60),
            due_date=due,
            supervising_office=supervising_office,
        )

    return make


def test_make_obligation_opens_an_open_obligation(make_obligation):
    ob = make_obligation("2026-03-31")
    assert ob.state == "open" and ob.due_date == dt.date(2026, 3, 31)
    assert Obligation.objects.get(pk=ob.pk).events.get().kind == "created"
