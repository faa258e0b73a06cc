"""Public pages: results per year with the chart, item pages, coverage, the opinion form."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from evaluations import services
from evaluations.models import Opinion, Vote, VoteState
from tests.evaluations.factories import ItemFactory
from tests.factories import UnitFactory

T0 = dt.datetime(2022, 6, 1, 10, 0, tzinfo=dt.UTC)


def _published_items(campaign, n):
    """n items with closed, published ballots (results written directly: this tests the page)."""
    for i in range(n):
        item = ItemFactory(campaign=campaign, unit=UnitFactory(name=f"区测试部门{i}"))
        Vote.objects.create(
            item=item,
            method="satisfaction",
            state=VoteState.CLOSED,
            ballots_cast=10,
            satisfied=6,
            basically_satisfied=3,
            unsatisfied=1,
            satisfaction_rate="90.00",
            eligible_count=12,
        )
        item.published_at = T0
        item.save()


@pytest.mark.parametrize("n", [1, 20])
def test_results_page_costs_the_same_for_1_and_20_items(
    n, campaign, client, django_assert_num_queries
):
    _published_items(campaign, n)
    # 1: published years; 2: items of the year with unit, campaign and vote (one JOIN).
    with django_assert_num_queries(2):
        response = client.get(reverse("evaluations:public_results"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="bar"') == n
    assert 'class="bar-list"' in body and "<table" in body  # the chart and its text table
    assert "90.00%" in body
    assert body.count('<progress class="bar" max="100" value="90"') == n  # bar length = rate


def test_unpublished_results_are_not_shown(open_vote, voter, staff, client):
    services.cast_ballot(open_vote, voter=voter.deputy, choice="satisfied")
    services.close_vote(open_vote, actor=staff)
    body = client.get(reverse("evaluations:public_results")).content.decode()
    assert "100.00%" not in body
    assert 'class="bar"' not in body
    services.publish_results(open_vote.item, actor=staff)
    body = client.get(reverse("evaluations:public_results")).content.decode()
    assert "100.00%" in body


def test_unpublished_campaigns_are_hidden(campaign, item, client):
    campaign.is_published = False
    campaign.save()
    assert client.get(reverse("evaluations:public_results") + "?year=2022").status_code == 404
    assert client.get(reverse("evaluations:public_item", args=[item.pk])).status_code == 404


def test_public_item_shows_no_personal_data(researched_item, deputy, client):
    services.add_opinion(
        researched_item, source="public", text="意见", name="张三", contact="13900001111"
    )
    body = client.get(reverse("evaluations:public_item", args=[researched_item.pk])).content
    body = body.decode()
    assert "13900001111" not in body and "张三" not in body
    assert reverse("evaluations:public_opinion", args=[researched_item.pk]) in body


def test_public_coverage_lists_departments(campaign, item, client, django_assert_num_queries):
    from evaluations.models import CoverageRecord

    UnitFactory(name="区审计局")
    CoverageRecord.objects.create(unit=item.unit, term_number=16, year=2019, topic="教育工作")
    # terms (1), coverage-record terms (1), current term (1), departments (1), items (1),
    # records (1).
    with django_assert_num_queries(6):
        response = client.get(reverse("evaluations:public_coverage"))
    rows = {r.unit.name: r for r in response.context["rows"]}
    assert rows["区教委"].entries == [(2022, "学位供给")]
    assert not rows["区审计局"].covered
    old = client.get(reverse("evaluations:public_coverage") + "?term=16")
    assert {r.unit.name: r.entries for r in old.context["rows"]}["区教委"] == [(2019, "教育工作")]


# --- The public opinion form ----------------------------------------------------------------


def _get_form(client, item):
    return client.get(reverse("evaluations:public_opinion", args=[item.pk]))


def _post(client, item, **data):
    payload = {"name": "张三", "contact": "13900001111", "text": "建议增加学位。", "website": ""}
    payload.update(data)
    return client.post(reverse("evaluations:public_opinion", args=[item.pk]), payload)


def test_a_public_opinion_is_accepted(researched_item, client):
    with time_machine.travel(T0, tick=False):
        token = _get_form(client, researched_item).context["form"]["token"].value()
    with time_machine.travel(T0 + dt.timedelta(seconds=30), tick=False):
        response = _post(client, researched_item, token=token)
    assert response.status_code == 302
    opinion = Opinion.objects.get()
    assert opinion.source == "public" and opinion.contact == "13900001111"


def test_a_too_fast_submission_is_refused_and_keeps_the_input(researched_item, client):
    with time_machine.travel(T0, tick=False):
        token = _get_form(client, researched_item).context["form"]["token"].value()
    with time_machine.travel(T0 + dt.timedelta(seconds=2), tick=False):
        response = _post(client, researched_item, token=token)
    assert response.status_code == 400
    body = response.content.decode()
    assert "建议增加学位。" in body  # what was typed is kept
    assert not Opinion.objects.exists()
    # The refused form carries a new token: sending again later works.
    new_token = response.context["form"]["token"].value()
    with time_machine.travel(T0 + dt.timedelta(seconds=20), tick=False):
        assert _post(client, researched_item, token=new_token).status_code == 302
    assert Opinion.objects.count() == 1


def test_a_filled_honeypot_is_refused(researched_item, client):
    with time_machine.travel(T0, tick=False):
        token = _get_form(client, researched_item).context["form"]["token"].value()
    with time_machine.travel(T0 + dt.timedelta(seconds=30), tick=False):
        response = _post(client, researched_item, token=token, website="http://spam.example")
    assert response.status_code == 400
    assert "建议增加学位。" in response.content.decode()
    assert not Opinion.objects.exists()


def test_a_too_long_opinion_is_refused_and_keeps_the_input(researched_item, client):
    with time_machine.travel(T0, tick=False):
        token = _get_form(client, researched_item).context["form"]["token"].value()
    text = "长" * 2001
    with time_machine.travel(T0 + dt.timedelta(seconds=30), tick=False):
        response = _post(client, researched_item, token=token, text=text)
    assert response.status_code == 400
    assert response.context["form"].errors["text"]
    assert text in response.content.decode()
    assert not Opinion.objects.exists()


def test_a_forged_token_is_refused(researched_item, client):
    response = _post(client, researched_item, token="forged")
    assert response.status_code == 400
    assert not Opinion.objects.exists()


def test_the_rate_limit_refuses_a_sixth_opinion_per_hour(researched_item, client):
    with time_machine.travel(T0, tick=False):
        token = _get_form(client, researched_item).context["form"]["token"].value()
    with time_machine.travel(T0 + dt.timedelta(seconds=30), tick=False):
        codes = [_post(client, researched_item, token=token).status_code for _ in range(6)]
    assert codes == [302] * 5 + [400]
    assert Opinion.objects.count() == 5


def test_opinions_are_refused_when_not_gathering(item, client):
    response = _get_form(client, item)  # still planned
    assert response.status_code == 302
    assert not Opinion.objects.exists()


def test_home_panel_shows_the_latest_campaign(campaign, item, rf, django_assert_num_queries):
    from django.template.loader import render_to_string

    from evaluations.apps import results_panel

    request = rf.get("/")
    with django_assert_num_queries(1):  # the latest published campaign with its counts
        panel = results_panel(request)
    body = render_to_string("evaluations/_home_panel.html", {"panel": panel}, request=request)
    assert campaign.title in body
    assert reverse("evaluations:public_results") + "?year=2022" in body
    campaign.is_published = False
    campaign.save()
    assert results_panel(request) is None


def test_public_coverage_omits_unpublished_campaigns(campaign, item, staff, client):
    campaign.is_published = False
    campaign.save()
    rows = client.get(reverse("evaluations:public_coverage")).context["rows"]
    assert not {r.unit.name: r for r in rows}["区教委"].covered
    client.force_login(staff)  # the staff dashboard shows the plan already
    rows = client.get(reverse("evaluations:portal_coverage")).context["rows"]
    assert {r.unit.name: r for r in rows}["区教委"].entries == [(2022, "学位供给")]
