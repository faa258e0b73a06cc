"""Unit scoring under the handling evaluation rules, on a small example computed by hand
(docs/suggestions.md gives the formula)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from motions.suggestions import services
from motions.suggestions.models import ScoringRules
from motions.suggestions.queries import unit_scores
from tests.factories import UnitFactory, UserFactory, grant
from tests.suggestions import factories


def at(*args):
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def example(term, deputy, other_deputy, unit, other_unit, staff, liaison, other_liaison):
    """区教委 (unit) has four assignments of suggestions filed in January 2024 (due 15 April):
    a1: A on time, rated satisfied (李明) + basically satisfied (王芳);
    a2: B late (20 April), rated satisfied;
    a3: D on time, rated unsatisfied → re-handled, C on time, rated basically satisfied;
    a4: no reply, overdue on 1 June.
    区体育局 (other_unit): one A reply on time, rated satisfied.
    区测试局 (third): one A reply, late, not rated yet."""
    from congress.models import Role

    third = UnitFactory(name="区测试局")
    third_liaison = UserFactory(username="third")
    grant(third_liaison, Role.LIAISON, unit=third)

    [s1] = factories.filed(term, deputy, co=[other_deputy], title="甲")
    s2, s3, s4 = factories.filed(term, deputy, 3, title="乙")
    [s5] = factories.filed(term, deputy, title="丙")
    [s6] = factories.filed(term, deputy, title="丁")
    a1, a2, a3, a4 = factories.assigned([s1, s2, s3, s4], unit, staff)
    [b1] = factories.assigned([s5], other_unit, staff)
    [c1] = factories.assigned([s6], third, staff)
    me, her = deputy.deputy, other_deputy.deputy

    r1 = factories.replied(a1, liaison, reply_class="A", when=at(2024, 3, 1, 10))
    services.rate_reply(r1, deputy=me, result="satisfied", now=at(2024, 3, 2, 10))
    services.rate_reply(r1, deputy=her, result="basic", now=at(2024, 3, 2, 11))

    r2 = factories.replied(a2, liaison, reply_class="B", when=at(2024, 4, 20, 10))
    services.rate_reply(r2, deputy=me, result="satisfied", now=at(2024, 4, 21, 10))

    r3 = factories.replied(a3, liaison, reply_class="D", when=at(2024, 3, 1, 10))
    services.rate_reply(
        r3, deputy=me, result="unsatisfied", comment="未解决", now=at(2024, 3, 5, 10)
    )
    a3.refresh_from_db()
    r3b = factories.replied(a3, liaison, reply_class="C", when=at(2024, 4, 1, 10))
    services.rate_reply(r3b, deputy=me, result="basic", now=at(2024, 4, 2, 10))

    rb = factories.replied(b1, other_liaison, reply_class="A", when=at(2024, 2, 1, 10))
    services.rate_reply(rb, deputy=me, result="satisfied", now=at(2024, 2, 2, 10))

    factories.replied(c1, third_liaison, reply_class="A", when=at(2024, 5, 1, 10))
    return {"unit": unit, "other_unit": other_unit, "third": third, "a4": a4}


def test_scores_match_the_hand_computed_example(example):
    rules, scores = unit_scores(2024, today=dt.date(2024, 6, 1))
    by_unit = {s.unit_name: s for s in scores}
    edu = by_unit["区教委"]
    assert (edu.assignments, edu.replies, edu.on_time, edu.overdue_unreplied) == (4, 4, 3, 1)
    assert (edu.final_replies, edu.resolved) == (3, 2)
    assert (edu.satisfied, edu.basic, edu.unsatisfied) == (2, 2, 0)
    # timeliness 3/5 × 30 = 18; contact 4/4 × 10 = 10; satisfaction (2 + 0.6×2)/4 × 40 = 32;
    # resolution 2/3 × 20 = 13.33; total 73.33.
    assert edu.parts["timeliness"][1] == Decimal("18.00")
    assert edu.parts["contact"][1] == Decimal("10.00")
    assert edu.parts["satisfaction"][1] == Decimal("32.00")
    assert edu.parts["resolution"][1] == Decimal("13.33")
    assert edu.score == Decimal("73.33")
    assert by_unit["区体育局"].score == Decimal("100.00")
    # 区测试局: late (0 of 30), contact 10, resolution 20, no rating yet → 30 of 60 measured = 50.
    third = by_unit["区测试局"]
    assert third.parts["satisfaction"] == (None, None)
    assert third.score == Decimal("50.00")
    assert [(s.unit_name, s.rank) for s in scores] == [
        ("区体育局", 1),
        ("区教委", 2),
        ("区测试局", 3),
    ]


def test_weights_are_data_staff_can_change(example):
    ScoringRules.objects.create(
        name="建议办理评估细则（2022年修订）",
        effective_year=2022,
        timeliness_weight=30,
        contact_weight=10,
        satisfaction_weight=50,
        resolution_weight=10,
        basic_satisfied_factor=Decimal("0.5"),
    )
    rules, scores = unit_scores(2024, today=dt.date(2024, 6, 1))
    assert rules.effective_year == 2022
    edu = next(s for s in scores if s.unit_name == "区教委")
    # 18 + 10 + (2 + 0.5×2)/4 × 50 = 37.5 + 2/3 × 10 = 6.67 → 72.17
    assert edu.score == Decimal("72.17")


def test_a_year_without_suggestions_scores_nobody(example):
    assert unit_scores(2023)[1] == []


def test_ranking_page_and_xlsx_for_staff(client, example, staff, liaison):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(staff)
    page = client.get(reverse("suggestions:staff_scores"), {"year": 2024}).content.decode()
    assert "区教委" in page and "区体育局" in page
    response = client.get(reverse("suggestions:staff_scores_xlsx"), {"year": 2024})
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert rows[0][1] == "区体育局" and rows[0][-1] == 100.0
    client.force_login(liaison)
    assert client.get(reverse("suggestions:staff_scores_xlsx"), {"year": 2024}).status_code == 403
