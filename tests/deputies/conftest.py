"""Fixtures of the deputies tests: two stations (北下关 with `deputy`, 中关村 with `other_deputy`),
a reception day, an opinion with a voter's contact, the reply rule, a handling unit."""

from __future__ import annotations

import datetime as dt

import pytest

from congress.models import DeadlineRule, LimitUnit
from deputies import services
from deputies.models import Mandate, Station, StationKind

VOTER_MOBILE = "13700001111"
VOTER_NAME = "赵选民"
DEPUTY_MOBILE = "13912345678"  # tests/conftest.py gives every fixture deputy this mobile


@pytest.fixture
def reply_rule(db):
    rule, _ = DeadlineRule.objects.get_or_create(
        code="voter-opinion-reply",
        defaults={
            "name": "选民意见答复",
            "amount": 15,
            "limit_unit": LimitUnit.WORKING_DAYS,
            "anchor": "转交之日",
            "source": "进站联系选民及意见处理办法",
        },
    )
    return rule


@pytest.fixture
def station(street):
    return Station.objects.create(
        name="北下关街道代表之家",
        kind=StationKind.HOME,
        street=street,
        address="北京市海淀区北下关某路1号",
        opening_hours="周一至周五 9:00—17:00",
        phone="010-62000001",
    )


@pytest.fixture
def other_station(other_street):
    return Station.objects.create(
        name="中关村街道代表之家",
        kind=StationKind.HOME,
        street=other_street,
        address="北京市海淀区中关村某路2号",
        phone="010-62000002",
    )


@pytest.fixture
def station_deputy(deputy, station):
    """`deputy` (李明) serves at `station`. Returns the Deputy profile."""
    Mandate.objects.filter(deputy=deputy.deputy).update(station=station)
    return deputy.deputy


@pytest.fixture
def other_station_deputy(other_deputy, other_station):
    Mandate.objects.filter(deputy=other_deputy.deputy).update(station=other_station)
    return other_deputy.deputy


@pytest.fixture
def reception_day(station, station_deputy):
    day = services.schedule_reception_day(
        station,
        date=dt.date(2026, 11, 11),
        starts_at=dt.time(14, 30),
        ends_at=dt.time(17, 0),
        deputies=[station_deputy],
        topic="听取选民意见",
    )
    return day


@pytest.fixture
def opinion(station, station_deputy, deputy):
    return services.record_opinion(
        station,
        recorded_by=station_deputy,
        content="小区停车难，晚上车辆占用消防通道。",
        category="transport",
        voter_name=VOTER_NAME,
        voter_contact=VOTER_MOBILE,
        received_on=dt.date(2026, 11, 11),
        actor=deputy,
    )
