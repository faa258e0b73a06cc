"""The demo registry: the numbers the lead's story needs, idempotent, no personal data leaks."""

from __future__ import annotations

import re

import pytest

from congress.demo_support import DemoContext
from congress.models import Congress, Term
from deputies import demo
from deputies.models import Deputy, DeputyGroup, Mandate, Station, StationKind

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Deputy.objects.count(),
        Mandate.objects.count(),
        DeputyGroup.objects.count(),
        Station.objects.count(),
        Congress.objects.count(),
        Term.objects.count(),
    )


def test_registry_is_complete_and_idempotent(term):
    ctx = DemoContext(verbosity=0)
    demo.seed_registry(ctx)
    first = _counts()
    demo.seed_registry(DemoContext(verbosity=0))
    assert _counts() == first
    assert DeputyGroup.objects.count() == 27
    assert Station.objects.filter(kind=StationKind.HOME).count() == 22
    assert Station.objects.filter(kind=StationKind.STATION).count() == 40
    district = Mandate.objects.filter(term=term)
    assert district.count() == 430
    assert district.filter(is_committee_member=True).count() == 40
    assert Mandate.objects.filter(level="city").count() == 20
    assert Mandate.objects.filter(level="town").count() == 105
    assert Congress.objects.filter(level="town").count() == 7
    # The demo logins: 李明 at 北下关街道代表之家, another deputy elsewhere.
    li = Deputy.objects.get(user__username="deputy")
    assert li.name == "李明"
    assert li.mandates.get().station.name == "北下关街道代表之家"
    other = Deputy.objects.get(user__username="deputy2").mandates.get().station
    assert other.name != "北下关街道代表之家"
    assert ("deputy", "deputy") in ctx.logins
    # Stations publish office landlines, never mobiles.
    for phone in Station.objects.values_list("phone", flat=True):
        assert re.fullmatch(r"010-6\d{7}", phone)
    assert all(
        re.fullmatch(r"1[3-9]\d{9}", m) for m in Deputy.objects.values_list("mobile", flat=True)
    )
