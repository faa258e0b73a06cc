"""Ballot secrecy: no page, admin page, API response or table links a voter to a choice."""

from __future__ import annotations

import pytest
from django.urls import reverse

from evaluations import services
from evaluations.models import Participation, Tally, Vote
from tests.evaluations.conftest import make_member

# Words that would reveal a choice next to a voter (English values and Chinese labels).
CHOICE_WORDS = ["unsatisfied", "basically", "不满意", "基本满意"]


@pytest.fixture
def cast_vote(open_vote, voter, make_deputy):
    """李明 (voter) votes unsatisfied; 赵强 votes satisfied."""
    other = make_member(make_deputy("zhao", "赵强"))
    services.cast_ballot(open_vote, voter=voter.deputy, choice="unsatisfied")
    services.cast_ballot(open_vote, voter=other.deputy, choice="satisfied")
    return open_vote


def test_the_choice_tables_have_no_voter_and_no_time_and_no_sequence():
    tally_fields = {f.name for f in Tally._meta.get_fields()}
    assert tally_fields == {"id", "vote", "group", "option", "count", "score_sum"}
    assert Tally._meta.pk.get_internal_type() == "UUIDField"
    participation_fields = {f.name for f in Participation._meta.get_fields()}
    assert participation_fields == {"id", "vote", "voter"}
    # No history on ballot tables (simple-history would add a historical model).
    assert not hasattr(Tally, "history") and not hasattr(Participation, "history")
    historical_vote = Vote.history.model
    assert "satisfied" not in {f.name for f in historical_vote._meta.fields}


def test_participation_admin_shows_who_voted_but_not_what(cast_vote, client, staff):
    client.force_login(staff)
    url = reverse("admin:evaluations_participation_changelist")
    page = client.get(url).content.decode()
    assert "李明" in page and "赵强" in page
    for word in CHOICE_WORDS:
        assert word not in page
    p = Participation.objects.get(voter__name="李明")
    detail = client.get(reverse("admin:evaluations_participation_change", args=[p.pk]))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "李明" in body
    for word in CHOICE_WORDS:
        assert word not in body


def test_tally_admin_hides_open_ballots_and_names_no_voter(cast_vote, client, staff):
    client.force_login(staff)
    url = reverse("admin:evaluations_tally_changelist")
    tally = Tally.objects.get(vote=cast_vote, group="committee", option="unsatisfied")
    open_page = client.get(url).content.decode()
    assert str(tally.pk) not in open_page
    detail = client.get(reverse("admin:evaluations_tally_change", args=[tally.pk]))
    assert detail.status_code == 302  # not visible while the ballot is open
    services.close_vote(cast_vote, actor=staff)
    closed_page = client.get(url).content.decode()
    assert "李明" not in closed_page and "赵强" not in closed_page
    detail = client.get(reverse("admin:evaluations_tally_change", args=[tally.pk]))
    assert detail.status_code == 200
    assert "李明" not in detail.content.decode()


def test_vote_admin_shows_no_counts_while_open(cast_vote, client, staff):
    client.force_login(staff)
    page = client.get(reverse("admin:evaluations_vote_change", args=[cast_vote.pk]))
    assert page.status_code == 200
    # The vote row carries no counters while open: they are written once, at close.
    shown = page.context["adminform"].form.instance
    assert (shown.ballots_cast, shown.satisfied, shown.unsatisfied) == (0, 0, 0)
    history = client.get(reverse("admin:evaluations_vote_history", args=[cast_vote.pk]))
    assert history.status_code == 200
    assert "李明" not in history.content.decode()


def test_api_never_returns_a_choice_with_a_voter(cast_vote, client, voter, staff):
    client.force_login(voter)
    listing = client.get("/api/evaluation-ballots/").json()
    row = listing["results"][0]
    assert row["has_voted"] is True
    assert row["results"] is None  # still open: no counts at all
    text = str(listing)
    for word in CHOICE_WORDS:
        assert word not in text
    client.force_login(staff)
    participants = client.get(f"/api/evaluation-ballots/{cast_vote.pk}/participants/").json()
    assert participants == [{"voter": "李明"}, {"voter": "赵强"}]
    services.close_vote(cast_vote, actor=staff)
    closed = client.get(f"/api/evaluation-ballots/{cast_vote.pk}/").json()
    assert closed["results"]["unsatisfied"] == 1
    assert "voter" not in str(closed) and "李明" not in str(closed)


def test_casting_through_the_api_answers_only_recorded(open_vote, client, voter):
    client.force_login(voter)
    response = client.post(
        f"/api/evaluation-ballots/{open_vote.pk}/cast/",
        {"choice": "unsatisfied"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json() == {"recorded": True}


def test_the_ballot_page_shows_that_i_voted_not_what(cast_vote, client, voter):
    client.force_login(voter)
    page = client.get(reverse("evaluations:portal_ballots"))
    body = page.content.decode()
    assert page.context["ballots"][0][0].has_voted is True
    assert "您已测评" in body  # "You have voted"
    assert "checked" not in body  # no pre-selected choice
    assert "<form" not in body.split("您已测评")[1].split("</section>")[0]
