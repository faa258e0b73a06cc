"""Fixtures for department evaluations: deadline rules, a campaign with an item of 区教委 (the
`unit` fixture, so `liaison` acts for it), committee-member voters and an open ballot."""

from __future__ import annotations

import pytest

from congress.models import DeadlineRule, LimitUnit
from deputies.models import Mandate
from evaluations import services
from tests.evaluations.factories import CampaignFactory, ItemFactory


@pytest.fixture
def rules(db):
    specs = {
        "evaluation-self-report": 1,
        "evaluation-rectification-plan": 1,
        "evaluation-rectification-report": 3,
    }
    for code, months in specs.items():
        DeadlineRule.objects.get_or_create(
            code=code,
            defaults={
                "name": code,
                "amount": months,
                "limit_unit": LimitUnit.MONTHS,
                "anchor": "opinion issued",
                "source": "评议工作办法",
            },
        )


@pytest.fixture
def campaign(term, office):
    return CampaignFactory(term=term, year=2022, lead_office=office)


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
