"""Portal pages and permissions per role: ballots, items, coverage, the admin's voting control."""

from __future__ import annotations

import pytest
from django.urls import reverse

from evaluations import services
from evaluations.models import Participation, VoteState
from tests.evaluations.conftest import make_member


def test_my_open_ballots_are_listed_and_cast_from_the_portal(open_vote, voter, client):
    client.force_login(voter)
    page = client.get(reverse("evaluations:portal_ballots"))
    assert [v.pk for v, _form in page.context["ballots"]] == [open_vote.pk]
    response = client.post(
        reverse("evaluations:portal_cast", args=[open_vote.pk]),
        {f"v{open_vote.pk}-choice": "satisfied"},
    )
    assert response.status_code == 302
    assert Participation.objects.filter(voter=voter.deputy).count() == 1
    again = client.post(
        reverse("evaluations:portal_cast", args=[open_vote.pk]),
        {f"v{open_vote.pk}-choice": "satisfied"},
    )
    assert again.status_code == 302
    assert Participation.objects.count() == 1


def test_a_ballot_without_a_choice_is_refused(open_vote, voter, client):
    client.force_login(voter)
    response = client.post(reverse("evaluations:portal_cast", args=[open_vote.pk]), {})
    assert response.status_code == 400
    assert not Participation.objects.exists()


def test_an_ineligible_deputy_sees_no_ballot_and_cannot_cast(open_vote, other_deputy, client):
    client.force_login(other_deputy)
    page = client.get(reverse("evaluations:portal_ballots"))
    assert page.context["ballots"] == []
    response = client.post(
        reverse("evaluations:portal_cast", args=[open_vote.pk]),
        {f"v{open_vote.pk}-choice": "satisfied"},
    )
    assert response.status_code == 404
    assert not Participation.objects.exists()


@pytest.mark.parametrize("n", [1, 5])
def test_ballots_page_costs_the_same_for_1_and_5_ballots(
    n, campaign, rules, staff, voter, client, django_assert_num_queries
):
    from tests.evaluations.factories import ItemFactory

    for _i in range(n):
        item = ItemFactory(campaign=campaign)
        services.request_self_report(item, actor=staff)
        services.start_research(item, actor=staff)
        services.open_vote(services.prepare_vote(item, actor=staff), actor=staff)
    client.force_login(voter)
    # session (1), user (1), the deputy profile (1), open ballots with has_voted (1),
    # unread notifications badge (1), memberships for the nav's actor (1).
    with django_assert_num_queries(6):
        page = client.get(reverse("evaluations:portal_ballots"))
    assert len(page.context["ballots"]) == n


def test_dashboard_panel_shows_ballots_waiting(open_vote, voter, client):
    client.force_login(voter)
    body = client.get(reverse("portal:dashboard")).content.decode()
    assert str(open_vote.item.title) in body
    services.cast_ballot(open_vote, voter=voter.deputy, choice="satisfied")
    body = client.get(reverse("portal:dashboard")).content.decode()
    assert str(open_vote.item.title) not in body


def test_item_page_per_role(
    researched_item, client, liaison, other_liaison, staff, deputy, other_deputy
):
    url = reverse("evaluations:portal_item", args=[researched_item.pk])
    for user, status in [(liaison, 200), (staff, 200), (other_liaison, 404), (other_deputy, 404)]:
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_a_deputy_inspecting_an_item_sees_it_and_gives_an_opinion(
    researched_item, staff, deputy, client
):
    import datetime as dt

    services.record_inspection(
        researched_item,
        actor=staff,
        title="调研",
        date=dt.date(2022, 6, 1),
        deputies=[deputy.deputy],
    )
    client.force_login(deputy)
    items = client.get(reverse("evaluations:portal_items")).context["inspecting"]
    assert [i.pk for i in items] == [researched_item.pk]
    url = reverse("evaluations:portal_item", args=[researched_item.pk])
    response = client.post(url, {"text": "建议加快建设。"})
    assert response.status_code == 302
    assert researched_item.opinions.get().deputy == deputy.deputy
    too_long = client.post(url, {"text": "长" * 2001})
    assert too_long.status_code == 400
    assert researched_item.opinions.count() == 1


def test_only_staff_see_gathered_opinions(researched_item, staff, liaison, client):
    services.add_opinion(researched_item, source="public", text="意见", contact="13900001111")
    url = reverse("evaluations:portal_item", args=[researched_item.pk])
    client.force_login(liaison)
    assert "13900001111" not in client.get(url).content.decode()
    client.force_login(staff)
    assert "13900001111" in client.get(url).content.decode()


def test_coverage_dashboard_is_for_staff(item, staff, deputy, liaison, client):
    url = reverse("evaluations:portal_coverage")
    client.force_login(staff)
    assert client.get(url).status_code == 200
    for user in (deputy, liaison):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_staff_coverage_shows_unpublished_campaigns_the_public_page_leaves_out(item, staff, client):
    from evaluations.models import CoverageRecord

    item.campaign.is_published = False
    item.campaign.save()
    CoverageRecord.objects.create(unit=item.unit, term_number=16, year=2019, topic="教育工作")
    public = client.get(reverse("evaluations:public_coverage"))
    client.force_login(staff)
    portal = client.get(reverse("evaluations:portal_coverage"))
    assert [t.name for t in portal.templates][0] == "evaluations/portal_coverage.html"
    assert [t.name for t in public.templates][0] == "evaluations/coverage.html"
    assert (portal.context["staff_view"], public.context["staff_view"]) == (True, False)
    assert (
        portal.context["term_number"] == public.context["term_number"] == item.campaign.term.number
    )

    def entries(response):
        return {r.unit.name: r.entries for r in response.context["rows"]}[item.unit.name]

    assert entries(portal) == [(2022, "学位供给")] and portal.context["covered"] == 1
    assert entries(public) == [] and public.context["covered"] == 0
    # An earlier term asked for by number: its coverage records, on both pages.
    old = client.get(reverse("evaluations:portal_coverage") + "?term=16")
    assert old.context["term_number"] == 16 and entries(old) == [(2019, "教育工作")]
    assert (
        client.get(reverse("evaluations:portal_coverage") + "?term=99").context["term_number"]
        == item.campaign.term.number
    )


def test_admin_voting_control_per_role(open_vote, staff, deputy_affairs_staff, client):
    url = reverse("admin:evaluations_vote_changelist")
    data = {"action": "close_voting", "_selected_action": [open_vote.pk]}
    client.force_login(deputy_affairs_staff)  # may view ballots, not control them
    assert client.get(url).status_code == 200
    client.post(url, data)
    open_vote.refresh_from_db()
    assert open_vote.state == VoteState.OPEN
    client.force_login(staff)
    client.post(url, data)
    open_vote.refresh_from_db()
    assert open_vote.state == VoteState.CLOSED


def test_admin_item_actions_call_the_services(item, rules, staff, client):
    url = reverse("admin:evaluations_item_changelist")
    client.force_login(staff)
    client.post(url, {"action": "request_self_report", "_selected_action": [item.pk]})
    item.refresh_from_db()
    assert item.state == "self_report"
    # Out of order: refused with a message, state unchanged.
    response = client.post(
        url, {"action": "issue_opinion", "_selected_action": [item.pk]}, follow=True
    )
    item.refresh_from_db()
    assert item.state == "self_report"
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_deputies_and_liaisons_have_no_admin_access(deputy, liaison, client):
    for user in (deputy, liaison):
        client.force_login(user)
        response = client.get(reverse("admin:evaluations_vote_changelist"))
        assert response.status_code == 302


def test_a_committee_member_deputy_is_eligible_in_the_api_listing(open_vote, other_deputy, client):
    client.force_login(other_deputy)
    assert client.get("/api/evaluation-ballots/").json()["count"] == 0
    make_member(other_deputy)
    assert client.get("/api/evaluation-ballots/").json()["count"] == 1


def test_a_weighted_score_ballot_from_the_portal(researched_item, staff, voter, client):
    from evaluations.models import Method, Tally

    campaign = researched_item.campaign
    campaign.method = Method.SCORE
    campaign.save()
    vote = services.open_vote(services.prepare_vote(researched_item, actor=staff), actor=staff)
    client.force_login(voter)
    url = reverse("evaluations:portal_cast", args=[vote.pk])
    bad = client.post(url, {f"v{vote.pk}-score": "120"})
    assert bad.status_code == 400
    assert 'value="120"' in bad.content.decode()  # what was typed is kept
    assert client.post(url, {f"v{vote.pk}-score": "85"}).status_code == 302
    tally = Tally.objects.get(vote=vote, group="committee", option="score")
    assert (tally.count, tally.score_sum) == (1, 85)


@pytest.mark.parametrize("n", [1, 20])
def test_portal_item_page_costs_the_same_for_1_and_20_visits_and_opinions(
    n, researched_item, staff, make_deputy, client, django_assert_num_queries
):
    import datetime as dt

    deputies = [make_deputy(f"d{i}", f"代表{i}").deputy for i in range(3)]
    for i in range(n):
        services.record_inspection(
            researched_item,
            actor=staff,
            title=f"调研{i}",
            date=dt.date(2022, 6, 1),
            deputies=deputies,
        )
        services.add_opinion(researched_item, source="deputy", text=f"意见{i}", deputy=deputies[0])
    client.force_login(staff)
    # session, user, memberships (actor), item (permission-scoped), deputy profile check,
    # obligations (content type cached), vote, inspections, their deputies (prefetch), opinions
    # with deputy, unread badge.
    with django_assert_num_queries(11):
        page = client.get(reverse("evaluations:portal_item", args=[researched_item.pk]))
    assert len(page.context["inspections"]) == n
    assert len(page.context["opinions"]) == n


def test_admin_inspection_inline_logs_duty(researched_item, staff, deputy, client):
    from deputies.models import DutyRecord

    client.force_login(staff)
    url = reverse("admin:evaluations_item_change", args=[researched_item.pk])
    data = {
        "campaign": researched_item.campaign_id,
        "unit": researched_item.unit_id,
        "title": researched_item.title,
        "description": "",
        "expert_consultation": "",
        "opinion": "",
        "follow_up": "",
        "sort_order": 0,
        "inspections-TOTAL_FORMS": 1,
        "inspections-INITIAL_FORMS": 0,
        "inspections-MIN_NUM_FORMS": 0,
        "inspections-MAX_NUM_FORMS": 1000,
        "inspections-0-title": "实地视察",
        "inspections-0-date": "2022-06-10",
        "inspections-0-place": "",
        "inspections-0-notes": "",
        "inspections-0-deputies": [deputy.deputy.pk],
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert DutyRecord.objects.filter(deputy=deputy.deputy, kind="inspection").count() == 1
