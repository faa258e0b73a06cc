"""The world of a special work report review: the court (an agency) with its liaison, the
supervisory and judicial affairs committee with its staff, standing committee meetings, a plan,
and standing committee members (deputies with is_committee_member)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from congress.models import MeetingKind, Role, UnitKind
from evaluations.reviews.models import ReviewTopic, SupervisionPlan
from tests.factories import (
    MeetingFactory,
    OfficeFactory,
    UnitFactory,
    UserFactory,
    grant,
    staff_user,
)

TZ = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 9) -> dt.datetime:
    d = dt.date.fromisoformat(day)
    return dt.datetime(d.year, d.month, d.day, hour, tzinfo=TZ)


@pytest.fixture
def court(db):
    return UnitFactory(name="区人民法院", kind=UnitKind.COURT)


@pytest.fixture
def court_liaison(court):
    user = UserFactory(username="courtliaison", display_name="法院联络员")
    grant(user, Role.LIAISON, unit=court)
    return user


@pytest.fixture
def judicial_committee(db):
    return OfficeFactory(name="监察和司法委员会", office_role="special_committee")


@pytest.fixture
def judicial_staff(judicial_committee):
    return staff_user("judicial", judicial_committee)


@pytest.fixture
def standing_meeting(term):
    return MeetingFactory(
        term=term, kind=MeetingKind.STANDING_COMMITTEE, number=12, starts_on=dt.date(2024, 4, 25)
    )


@pytest.fixture
def plan(term):
    return SupervisionPlan.objects.create(term=term, year=2024, title="2024年度监督工作计划")


@pytest.fixture
def topic(plan, court, judicial_committee):
    return ReviewTopic.objects.create(
        plan=plan,
        title="区人民法院关于行政审判工作情况的报告",
        agency=court,
        committee=judicial_committee,
        rating_required=True,
    )


@pytest.fixture
def members(make_deputy, term):
    """Three standing committee members (users) and one ordinary deputy."""
    from deputies.models import Mandate

    users = [
        make_deputy(f"member{i}", name) for i, name in enumerate(["赵委员", "钱委员", "孙委员"])
    ]
    Mandate.objects.filter(deputy__user__in=users).update(is_committee_member=True)
    return users


@pytest.fixture(autouse=True)
def review_rules(db):
    """The two rules the loop uses (the data migration creates them; get_or_create keeps the
    tests independent of it, e.g. with --nomigrations)."""
    from congress.models import DeadlineRule

    for code, name, amount in (
        ("review-plan-report", "审议意见研究处理方案报告", 3),
        ("review-status-report", "审议意见处理情况报告", 6),
    ):
        DeadlineRule.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "amount": amount,
                "limit_unit": "months",
                "anchor": "审议意见书送达之日",
                "source": "北京市人大常委会审议意见办理规定",
            },
        )
