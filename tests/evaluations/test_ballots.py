"""Casting ballots: once per voter, only eligible voters, only while open; results at close."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection

from congress.errors import DomainError
from deputies.models import DutyRecord
from evaluations import services
from evaluations.models import ItemState, Method, Participation, Tally, VoteState
from tests.evaluations.conftest import make_member


def test_a_voter_votes_once(open_vote, voter):
    services.cast_ballot(open_vote, voter=voter.deputy, choice="satisfied")
    with pytest.raises(DomainError) as exc:
        services.cast_ballot(open_vote, voter=voter.deputy, choice="unsatisfied")
    assert exc.value.code == "already_voted"
    assert Participation.objects.filter(vote=open_vote).count() == 1
    assert sum(t.count for t in Tally.objects.filter(vote=open_vote)) == 1


def test_a_vote_counts_in_the_duty_record_without_the_choice(open_vote, voter):
    services.cast_ballot(open_vote, voter=voter.deputy, choice="unsatisfied")
    record = DutyRecord.objects.get(deputy=voter.deputy, kind="ballot")
    assert "区教委" in record.title
    assert "不满意" not in record.title and "unsatisfied" not in record.title


def test_a_deputy_who_is_not_a_committee_member_is_refused(open_vote, other_deputy):
    with pytest.raises(DomainError) as exc:
        services.cast_ballot(open_vote, voter=other_deputy.deputy, choice="satisfied")
    assert exc.value.code == "not_eligible"
    assert exc.value.status == 403
    assert not Participation.objects.exists()


def test_an_invited_deputy_may_vote(open_vote, other_deputy):
    open_vote.invited.add(other_deputy.deputy)
    services.cast_ballot(open_vote, voter=other_deputy.deputy, choice="basically")
    tally = Tally.objects.get(vote=open_vote, group="invited", option="basically")
    assert tally.count == 1


def test_a_member_of_another_term_is_not_eligible(open_vote, other_deputy, term):
    from deputies.models import Mandate
    from tests.factories import TermFactory

    old = TermFactory(congress=term.congress, number=16, is_current=False)
    Mandate.objects.create(
        deputy=other_deputy.deputy,
        term=old,
        level="district",
        started_on=old.starts_on,
        is_committee_member=True,
    )
    with pytest.raises(DomainError) as exc:
        services.cast_ballot(open_vote, voter=other_deputy.deputy, choice="satisfied")
    assert exc.value.code == "not_eligible"


def test_a_closed_vote_refuses_ballots(open_vote, voter, staff):
    services.close_vote(open_vote, actor=staff)
    with pytest.raises(DomainError) as exc:
        services.cast_ballot(open_vote, voter=voter.deputy, choice="satisfied")
    assert exc.value.code == "not_open"
    assert not Participation.objects.exists()


def test_a_vote_not_yet_open_refuses_ballots(researched_item, voter, staff):
    vote = services.prepare_vote(researched_item, actor=staff)
    with pytest.raises(DomainError) as exc:
        services.cast_ballot(vote, voter=voter.deputy, choice="satisfied")
    assert exc.value.code == "not_open"


def test_bad_choices_are_refused(open_vote, voter):
    for bad in (None, "", "very", "score"):
        with pytest.raises(DomainError) as exc:
            services.cast_ballot(open_vote, voter=voter.deputy, choice=bad)
        assert exc.value.code == "bad_choice"
    assert not Participation.objects.exists()


def test_opening_and_closing_move_the_item(open_vote, staff):
    item = open_vote.item
    item.refresh_from_db()
    assert item.state == ItemState.VOTING
    with pytest.raises(DomainError):
        services.open_vote(open_vote, actor=staff)
    services.close_vote(open_vote, actor=staff)
    item.refresh_from_db()
    assert item.state == ItemState.VOTED
    with pytest.raises(DomainError) as exc:
        services.close_vote(open_vote, actor=staff)
    assert exc.value.code == "not_open"


def test_satisfaction_rate_on_a_hand_computed_example(open_vote, voter, make_deputy, staff):
    """7 voters: 3 satisfied, 2 basically satisfied, 2 unsatisfied; 9 eligible.
    Rate = (3 + 2) / 7 = 71.428...% → 71.43; turnout 7/9 = 77.78%."""
    choices = ["satisfied", "satisfied", "basically", "basically", "unsatisfied", "unsatisfied"]
    users = [make_member(make_deputy(f"m{i}", f"委员{i}")) for i in range(8)]
    services.cast_ballot(open_vote, voter=voter.deputy, choice="satisfied")
    for user, choice in zip(users, choices, strict=False):
        services.cast_ballot(open_vote, voter=user.deputy, choice=choice)
    vote = services.close_vote(open_vote, actor=staff)
    assert (vote.satisfied, vote.basically_satisfied, vote.unsatisfied) == (3, 2, 2)
    assert vote.ballots_cast == 7
    assert vote.eligible_count == 9
    assert vote.satisfaction_rate == Decimal("71.43")
    assert vote.turnout == Decimal("77.78")
    assert vote.state == VoteState.CLOSED


def test_results_are_locked_at_close(open_vote, voter, make_deputy, staff):
    services.cast_ballot(open_vote, voter=voter.deputy, choice="satisfied")
    vote = services.close_vote(open_vote, actor=staff)
    # Even if a counter were tampered with afterwards, the published results do not change.
    Tally.objects.filter(vote=vote, option="unsatisfied").update(count=5)
    vote.refresh_from_db()
    assert vote.satisfaction_rate == Decimal("100.00")
    assert vote.ballots_cast == 1


def test_weighted_score_on_a_hand_computed_example(researched_item, voter, make_deputy, staff):
    """Committee weight 60 %: members score 90 and 80 (mean 85), invited deputies 70
    (mean 70): 0.6 × 85 + 0.4 × 70 = 79.00."""
    campaign = researched_item.campaign
    campaign.method, campaign.committee_weight = Method.SCORE, 60
    campaign.save()
    member = make_member(make_deputy("m1", "委员甲"))
    guest = make_deputy("g1", "代表乙")
    vote = services.prepare_vote(researched_item, actor=staff, invited=[guest.deputy])
    vote = services.open_vote(vote, actor=staff)
    services.cast_ballot(vote, voter=voter.deputy, score=90)
    services.cast_ballot(vote, voter=member.deputy, score=80)
    services.cast_ballot(vote, voter=guest.deputy, score=70)
    with pytest.raises(DomainError) as exc:
        services.cast_ballot(vote, voter=guest.deputy, score=101)
    assert exc.value.code == "bad_choice"
    vote = services.close_vote(vote, actor=staff)
    assert vote.score == Decimal("79.00")
    assert vote.satisfaction_rate is None


def test_score_out_of_range_is_refused(researched_item, voter, staff):
    campaign = researched_item.campaign
    campaign.method = Method.SCORE
    campaign.save()
    vote = services.open_vote(services.prepare_vote(researched_item, actor=staff), actor=staff)
    for bad in (None, -1, 101):
        with pytest.raises(DomainError) as exc:
            services.cast_ballot(vote, voter=voter.deputy, score=bad)
        assert exc.value.code == "bad_choice"


def test_compute_results_with_no_ballots_gives_no_rate():
    result = services.compute_results(Method.SATISFACTION, [], 60)
    assert result["ballots_cast"] == 0
    assert result["satisfaction_rate"] is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_ballots_from_one_voter_count_once(
    rules, office, unit, term, staff, deputy
):
    if not settings.IS_POSTGRES:
        pytest.skip("needs PostgreSQL row locks and concurrent connections")
    from tests.evaluations.factories import CampaignFactory, ItemFactory

    make_member(deputy)
    item = ItemFactory(campaign=CampaignFactory(term=term, lead_office=office), unit=unit)
    services.request_self_report(item, actor=staff, due_date=dt.date(2022, 7, 1))
    services.start_research(item, actor=staff)
    vote = services.open_vote(services.prepare_vote(item, actor=staff), actor=staff)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def cast(choice):
        try:
            barrier.wait()
            services.cast_ballot(vote, voter=deputy.deputy, choice=choice)
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=cast, args=(c,)) for c in ("satisfied", "unsatisfied")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["already_voted", "ok"]
    assert Participation.objects.filter(vote=vote).count() == 1
    assert sum(Tally.objects.filter(vote=vote).values_list("count", flat=True)) == 1
