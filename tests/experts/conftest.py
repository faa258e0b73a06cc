from __future__ import annotations

import datetime as dt

import pytest

from congress.models import DeadlineRule, LimitUnit
from experts.models import Expert, ExpertiseField


@pytest.fixture(autouse=True)
def rules(db):
    """The engine's rules this app uses (its data migration may not have landed yet)."""
    for code, amount, unit in [
        ("consultation-opinion", 10, LimitUnit.WORKING_DAYS),
        ("expert-appointment-expiry", -30, LimitUnit.CALENDAR_DAYS),
    ]:
        DeadlineRule.objects.get_or_create(
            code=code,
            defaults={
                "name": code,
                "amount": amount,
                "limit_unit": unit,
                "anchor": "request",
                "source": "专家顾问工作规则",
            },
        )


@pytest.fixture
def law(db):
    return ExpertiseField.objects.get_or_create(name="法律", defaults={"sort_order": 10})[0]


@pytest.fixture
def finance(db):
    return ExpertiseField.objects.get_or_create(name="财政经济", defaults={"sort_order": 20})[0]


@pytest.fixture
def make_expert(db):
    def make(name, fields=(), user=None, **extra):
        e = Expert.objects.create(
            name=name,
            organisation=extra.pop("organisation", "清华大学"),
            title=extra.pop("title", "教授"),
            appointed_on=extra.pop("appointed_on", dt.date(2022, 5, 1)),
            appointment_ends_on=extra.pop("appointment_ends_on", dt.date(2027, 4, 30)),
            mobile=extra.pop("mobile", "13911112222"),
            email=extra.pop("email", f"{name}@example.test"),
            user=user,
            **extra,
        )
        e.fields.set(fields)
        return e

    return make


@pytest.fixture
def consultation(staff, office, law, expert, other_expert):
    """An open consultation of 办公室 on a law question, both fixture experts invited."""
    from experts import services

    for user in (expert, other_expert):
        user.expert.fields.set([law])
        # The shared fixtures' appointments end in 2027; this consultation runs in 2030.
        user.expert.appointment_ends_on = dt.date(2031, 4, 30)
        user.expert.save(update_fields=["appointment_ends_on"])
    c = services.request_consultation(
        actor=staff,
        office=office,
        title="《街道人大工委工作规范（草案）》论证",
        subject_kind="regulation_draft",
        subject_reference="工作规范草案",
        question="请提出修改意见。",
        fields=[law],
        opinion_due=dt.date(2030, 6, 10),
        due_date=dt.date(2030, 6, 30),
        now=_aware(dt.datetime(2030, 6, 1, 9)),
    )
    services.invite(
        c,
        [expert.expert, other_expert.expert],
        actor=staff,
        now=_aware(dt.datetime(2030, 6, 1, 10)),
    )
    return c


def _aware(d):
    from django.utils import timezone

    return timezone.make_aware(d)
