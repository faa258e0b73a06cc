"""REST API: public results read-only, ballots cast through an action, staff control."""

from __future__ import annotations

import pytest

from evaluations import services
from evaluations.models import Participation, VoteState
from tests.evaluations.test_public import _published_items


@pytest.mark.parametrize("n", [1, 20])
def test_public_results_cost_the_same_for_1_and_20_items(
    n, campaign, client, django_assert_num_queries
):
    _published_items(campaign, n)
    # count (1), the page of items with campaign, unit and vote in one JOIN (1).
    with django_assert_num_queries(2):
        data = client.get("/api/evaluation-results/?year=2022").json()
    assert data["count"] == n
    assert data["results"][0]["results"]["satisfaction_rate"] == "90.00"


def test_public_results_hide_unpublished_results_and_campaigns(open_vote, voter, staff, client):
    services.cast_ballot(open_vote, voter=voter.deputy, choice="satisfied")
    services.close_vote(open_vote, actor=staff)
    row = client.get("/api/evaluation-results/").json()["results"][0]
    assert row["results"] is None  # closed but not published
    services.publish_results(open_vote.item, actor=staff)
    row = client.get("/api/evaluation-results/").json()["results"][0]
    assert row["results"]["ballots_cast"] == 1
    campaign = open_vote.item.campaign
    campaign.is_published = False
    campaign.save()
    assert client.get("/api/evaluation-results/").json()["count"] == 0


def test_public_results_are_read_only(item, client, staff):
    client.force_login(staff)
    assert client.post("/api/evaluation-results/", {}).status_code == 405


def test_ballots_need_a_login(open_vote, client):
    assert client.get("/api/evaluation-ballots/").status_code in (401, 403)
    response = client.post(f"/api/evaluation-ballots/{open_vote.pk}/cast/", {"choice": "satisfied"})
    assert response.status_code in (401, 403)
    assert not Participation.objects.exists()


def test_a_liaison_sees_no_ballot_and_cannot_cast(open_vote, liaison, client):
    client.force_login(liaison)
    assert client.get("/api/evaluation-ballots/").json()["count"] == 0
    response = client.post(
        f"/api/evaluation-ballots/{open_vote.pk}/cast/",
        {"choice": "satisfied"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not Participation.objects.exists()


def test_a_second_ballot_through_the_api_is_a_structured_conflict(open_vote, voter, client):
    client.force_login(voter)
    url = f"/api/evaluation-ballots/{open_vote.pk}/cast/"
    assert (
        client.post(url, {"choice": "satisfied"}, content_type="application/json").status_code
        == 201
    )
    again = client.post(url, {"choice": "satisfied"}, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_voted"


def test_a_bad_choice_is_a_structured_400(open_vote, voter, client):
    client.force_login(voter)
    response = client.post(
        f"/api/evaluation-ballots/{open_vote.pk}/cast/",
        {"choice": "very"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "choice" in response.json()["error"]["fields"]


def test_staff_open_and_close_through_the_api(researched_item, staff, deputy_affairs_staff, client):
    vote = services.prepare_vote(researched_item, actor=staff)
    client.force_login(deputy_affairs_staff)  # may read, not control
    assert client.post(f"/api/evaluation-ballots/{vote.pk}/open/").status_code == 403
    client.force_login(staff)
    opened = client.post(f"/api/evaluation-ballots/{vote.pk}/open/")
    assert opened.status_code == 200 and opened.json()["state"] == "open"
    closed = client.post(f"/api/evaluation-ballots/{vote.pk}/close/")
    assert closed.json()["state"] == "closed"
    again = client.post(f"/api/evaluation-ballots/{vote.pk}/close/")
    assert again.status_code == 409
    vote.refresh_from_db()
    assert vote.state == VoteState.CLOSED


def test_deputies_cannot_control_or_list_participants(open_vote, voter, client):
    client.force_login(voter)
    assert client.post(f"/api/evaluation-ballots/{open_vote.pk}/close/").status_code == 403
    assert client.get(f"/api/evaluation-ballots/{open_vote.pk}/participants/").status_code == 403
