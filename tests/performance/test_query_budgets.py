"""Query budgets of the pages and API lists that had no 1-vs-20-rows test of their own (the apps'
tests cover the others, see docs/performance.md): the same count for 1 and for 20 rows, ≤ 10."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from congress.models import DeadlineRule, LimitUnit, Regulation, RegulationKind
from experts.models import ExpertiseField
from tests.motions.factories import handled_motion

BUDGET = 10


def regulations(n, start, ctx):
    Regulation.objects.bulk_create(
        [
            Regulation(
                title=f"海淀区人大常委会议事规则（第{i}号）",
                kind=RegulationKind.RULES,
                meeting=ctx["session"],
                effective_on=dt.date(2023, 1, 1),
            )
            for i in range(start, start + n)
        ]
    )


def updates(n, start, ctx):
    # n published updates (each with a photo row and a video row would need files; the
    # prefetches run whether or not there are photos, so the count is the same)
    handled_motion(ctx["session"], unit=ctx["unit"], office=ctx["office"], published=n)


def fields(n, start, ctx):
    ExpertiseField.objects.bulk_create(
        [ExpertiseField(name=f"领域{i}", sort_order=i) for i in range(start, start + n)]
    )


def rules(n, start, ctx):
    DeadlineRule.objects.bulk_create(
        [
            DeadlineRule(
                code=f"budget-rule-{i}",
                name=f"期限{i}",
                amount=1,
                limit_unit=LimitUnit.MONTHS,
                anchor="交办之日",
                source="规定",
            )
            for i in range(start, start + n)
        ]
    )


# url, row maker, who asks, the queries (named)
CASES = {
    "regulations page": ("/regulations/", regulations, None, 1),  # regulations with meeting
    "motion-updates API": ("/api/motion-updates/", updates, None, 4),  # count, page, photos, videos
    "expertise-fields API": ("/api/expertise-fields/", fields, None, 2),  # count, page
    # session, user, memberships (IsCommitteeStaff), count, page
    "deadline-rules API": ("/api/deadline-rules/", rules, "committee_staff", 5),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_list_costs_the_same_for_1_and_20_rows(
    case, request, session, unit, committee_office, django_assert_num_queries
):
    url, make, actor, expected = CASES[case]
    ctx = {"session": session, "unit": unit, "office": committee_office}
    client = Client()
    if actor:
        client.force_login(request.getfixturevalue(actor))
    assert expected <= BUDGET
    seen = []
    for start, rows in ((0, 1), (1, 19)):  # 1 row, then 20 rows
        make(rows, start, ctx)
        with django_assert_num_queries(expected):
            response = client.get(url)
        assert response.status_code == 200
        seen.append(response.content)
    assert seen[0] != seen[1]  # the second answer did show the new rows
