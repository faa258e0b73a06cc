"""Fixtures for motions: the deadline rules, the first session of the 17th term with its motion
deadline, nine co-signers so that `deputy` (李明) reaches the district minimum of ten, and motions
in each stage built through the services (never by setting a state field).

The supervising office in these tests is `committee_office` (教科文卫委), so `committee_staff`
supervises and `supervisor_elsewhere` (staff of another special committee) does not; `staff`
(办公室) registers and assigns; `liaison` acts for `unit` (区教委), the lead unit.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from congress.models import DeadlineRule, LimitUnit, MeetingKind
from motions import services
from motions.models import CosignatureRule
from tests.factories import MeetingFactory, OfficeFactory, staff_user

TZ = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> dt.datetime:
    """A local moment on an ISO day."""
    d = dt.date.fromisoformat(day)
    return dt.datetime(d.year, d.month, d.day, hour, tzinfo=TZ)


@pytest.fixture(autouse=True)
def rules(db):
    specs = {
        "motion-handling-plan": (1, LimitUnit.MONTHS, "议案交办之日"),
        "motion-yearly-report": (12, LimitUnit.MONTHS, "议案交办之日（督办年）"),
        "motion-session-report": (-30, LimitUnit.CALENDAR_DAYS, "下一次人民代表大会会议开幕之日"),
    }
    for code, (amount, limit_unit, anchor) in specs.items():
        DeadlineRule.objects.get_or_create(
            code=code,
            defaults={
                "name": code,
                "amount": amount,
                "limit_unit": limit_unit,
                "anchor": anchor,
                "source": "海淀区人民代表大会关于议案的规定",
            },
        )
    for level, minimum in (("district", 10), ("town", 5)):
        CosignatureRule.objects.get_or_create(level=level, defaults={"minimum_signers": minimum})


@pytest.fixture
def session(session_meeting):
    """The first session (2022-01-05): motions until 2022-01-07 12:00."""
    session_meeting.ends_on = dt.date(2022, 1, 8)
    session_meeting.motion_deadline = at("2022-01-07", 12)
    session_meeting.save()
    return session_meeting


@pytest.fixture
def next_session(term):
    """The second session (January 2023): the yearly report is owed 30 days before it."""
    return MeetingFactory(
        term=term,
        kind=MeetingKind.CONGRESS_SESSION,
        number=2,
        starts_on=dt.date(2023, 1, 8),
        ends_on=dt.date(2023, 1, 11),
        motion_deadline=at("2023-01-10", 12),
    )


@pytest.fixture
def cosigners(make_deputy):
    """Nine more district deputies of the term: with the lead, exactly the minimum of ten."""
    return [make_deputy(f"cosigner{i}", f"联名代表{i}") for i in range(1, 10)]


@pytest.fixture
def supervisor_elsewhere(db):
    office = OfficeFactory(name="城市建设和环境保护委员会", office_role="special_committee")
    return staff_user("urban", office)


def draft(deputy, session, *, now=None, **fields):
    values = {
        "title": "关于加快科学城北区道路交通基础设施建设的议案",
        "reasons": "科学城北区路网密度低，断头路多，早晚高峰拥堵。",
        "grounds": "北区规划道路实施率不足五成。",
        "measures": "打通断头路，建设公交专用道，完善慢行系统。",
    }
    values.update(fields)
    return services.create_draft(
        actor=deputy, session=session, now=now or at("2022-01-05"), **values
    )


def signed_draft(deputy, session, cosigners, *, now=None, **fields):
    motion = draft(deputy, session, now=now, **fields)
    services.invite_cosigners(
        motion, [u.deputy for u in cosigners], actor=deputy, now=now or at("2022-01-05", 11)
    )
    for user in cosigners:
        services.answer_invitation(motion, actor=user, accept=True, now=now or at("2022-01-05", 12))
    motion.refresh_from_db()
    return motion


@pytest.fixture
def submitted(deputy, session, cosigners):
    motion = signed_draft(deputy, session, cosigners)
    return services.submit_motion(motion, actor=deputy, now=at("2022-01-06"))


@pytest.fixture
def registered(submitted, staff):
    return services.register_motion(submitted, actor=staff, now=at("2022-01-08"))


@pytest.fixture
def assigned(registered, staff, unit, other_unit, committee_office):
    """Assigned on 2022-02-15: 区教委 leads, 区体育局 helps, 教科文卫委 supervises."""
    return services.assign_motion(
        registered,
        actor=staff,
        lead_unit=unit,
        co_units=[other_unit],
        supervising_office=committee_office,
        now=at("2022-02-15"),
    )
