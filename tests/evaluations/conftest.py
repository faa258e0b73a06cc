"""Fixtures for department evaluations: deadline rules, a campaign with an item of 区教委 (the
`unit` fixture, so `liaison` acts for it), committee-member voters and an open ballot."""

from __future__ import annotations

import datetime as dt

import pytest

from congress.models import DeadlineRule, LimitUnit
from deputies.models import Mandate
from evaluations import services
from evaluations.models import Phase, PhaseKind
from tests.evaluations.factories import CampaignFactory, ItemFactory


@pytest.fixture
def rules(db):
    """The rules as the deadline engine's data migration defines them."""
    specs = {
        "evaluation-self-report": (-30, LimitUnit.CALENDAR_DAYS, "评议会议召开之日"),
        "evaluation-rectification-plan": (1, LimitUnit.MONTHS, "评议意见送达之日"),
        "evaluation-rectification-report": (6, LimitUnit.MONTHS, "评议意见送达之日"),
    }
    for code, (amount, limit_unit, anchor) in specs.items():
        DeadlineRule.objects.get_or_create(
            code=code,
            defaults={
                "name": code,
                "amount": amount,
                "limit_unit": limit_unit,
                "anchor": anchor,
                "source": "评议政府部门工作实施方案",
            },
        )


@pytest.fixture
def campaign(term, office):
    campaign = CampaignFactory(term=term, year=2022, lead_office=office)
    Phase.objects.create(campaign=campaign, kind=PhaseKind.MEETING, starts_on=dt.date(2022, 8, 25))
    return campaign


@pytest.fixture
def item(campaign, unit):
    return ItemFactory(campaign=campaign, unit=unit, title="学位供给")


def make_member(user, *, committee=True):
    Mandate.objects.filter(deputy=user.deputy).update(is_committee_member=committee)
    return user


@pytest.fixture
def voter(deputy):
    """`deputy` as a standing committee member: eligible for every ballot of the term."""
    return make_member(deputy)


@pytest.fixture
def researched_item(item, rules, staff):
    services.request_self_report(item, actor=staff)
    services.start_research(item, actor=staff)
    item.refresh_from_db()
    return item


@pytest.fixture
def open_vote(researched_item, staff, voter):
    vote = services.prepare_vote(researched_item, actor=staff)
    return services.open_vote(vote, actor=staff)
