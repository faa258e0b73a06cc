"""The scale data generator (bench/generate.py) at a tiny scale: counts, validity, pages, determinism.

The benchmark figures themselves are never asserted here (docs/performance.md has them).
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.db.models import Count

from bench.generate import Plan, generate
from congress.models import Congress, Obligation, Term
from deputies.models import Deputy, Mandate, Station, VoterOpinion
from evaluations.models import Campaign, Item, Tally, Vote
from motions.models import Assignment as MotionAssignment
from motions.models import Motion, MotionPhase, ProgressUpdate
from motions.suggestions.models import Assignment, Proposer, Reply, Suggestion

TODAY = dt.date(2026, 11, 26)
SCALE = 0.001

pytestmark = pytest.mark.django_db


def _run(**kwargs):
    out = io.StringIO()
    counts = generate("district", SCALE, seed=9, today=TODAY, out=out, **kwargs)
    return counts, out.getvalue()


@pytest.fixture(scope="module")
def scale_data(django_db_setup, django_db_blocker):
    """Generated once for the module (it takes a while), removed by a flush afterwards (which
    restores the rows migrations create, see tests/conftest.py)."""
    with django_db_blocker.unblock():
        result = _run()
    yield result
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def test_counts_match_the_plan_and_the_report(scale_data):
    plan = Plan.build("district", SCALE)
    counts, output = scale_data

    # What the generator says it wrote is what is in the database.
    for model in (Motion, ProgressUpdate, Suggestion, VoterOpinion, Obligation, Deputy, Item):
        assert counts[model._meta.label] == model.objects.count() > 0
    # Ten terms of one default congress, the 17th current.
    assert Congress.objects.get().is_default
    assert list(Term.objects.order_by("number").values_list("number", flat=True)) == list(
        range(8, 18)
    )
    assert Term.objects.get(is_current=True).number == 17
    # Yearly volumes: 50 years, minus the part of this year after TODAY.
    assert Motion.objects.count() == 50 * plan.motions_per_year
    assert Suggestion.objects.count() == 50 * plan.suggestions_per_year
    assert 49 * plan.opinions_per_year < VoterOpinion.objects.count() <= 50 * plan.opinions_per_year
    assert Deputy.objects.count() == Mandate.objects.count() == 10 * plan.deputies_per_term
    assert Station.objects.count() == 3 * plan.streets
    # Every motion in handling has its handling years; closed ones have all three.
    closed = Motion.objects.filter(state="closed")
    assert closed.count() == 47 * plan.motions_per_year  # sessions up to January 2023
    assert MotionPhase.objects.filter(motion__state="closed").count() == 3 * closed.count()
    assert set(Motion.objects.filter(year__in=[2024, 2025, 2026]).values_list("year", "state")) == {
        (2024, "follow_up_2"),
        (2025, "follow_up_1"),
        (2026, "supervision"),
    }
    # Monthly progress updates over the handling years.
    per_motion = (
        ProgressUpdate.objects.filter(motion__state="closed")
        .values("motion")
        .annotate(n=Count("id"))
    )
    assert {row["n"] for row in per_motion} == {36}
    # Every replying assignment owes its reply through an obligation; replies only when replied.
    assert not Assignment.objects.exclude(role="joint").filter(obligation__isnull=True).exists()
    assert (
        Reply.objects.count()
        == Assignment.objects.exclude(role="joint").filter(state__in=["replied", "done"]).count()
    )
    assert not Suggestion.objects.annotate(n=Count("proposers")).filter(n=0).exists()
    assert Proposer.objects.filter(is_lead=True).count() == Suggestion.objects.count()
    # Forwarded opinions owe a reply; the others do not.
    assert (
        Obligation.objects.filter(kind="deputies.voter_opinion_reply").count()
        == VoterOpinion.objects.filter(forwarded_to__isnull=False).count()
        > 0
    )
    # Live deadlines exist: some open or overdue, most accepted.
    states = dict(Obligation.objects.values_list("state").annotate(n=Count("id")))
    assert states["accepted"] > states.get("open", 0) > 0
    # Ten evaluation years; closed votes' tallies add up to the ballots cast.
    assert Campaign.objects.count() == 10
    for vote in Vote.objects.filter(state="closed"):
        assert sum(t.count for t in Tally.objects.filter(vote=vote)) == vote.ballots_cast
    # Progress and a Markdown table with rows/s.
    assert "rows/s" in output and "第17届" in output
    assert re.search(r"^\| \*\*total\*\* \| \*\*[\d,]+\*\*", output, re.M)


def test_generated_rows_are_valid_models(scale_data):
    models = [
        Motion,
        MotionAssignment,
        MotionPhase,
        ProgressUpdate,
        Suggestion,
        Assignment,
        Reply,
        Proposer,
        VoterOpinion,
        Obligation,
        Deputy,
        Mandate,
        Station,
        Item,
        Vote,
        Campaign,
    ]
    for model in models:
        for obj in (model.objects.order_by("pk").first(), model.objects.order_by("pk").last()):
            obj.full_clean()  # choices, lengths, foreign keys, unique constraints


def test_public_pages_and_api_lists_render_with_the_data(scale_data, client):
    motion = Motion.objects.filter(state="supervision").order_by("number").first()
    update = ProgressUpdate.objects.filter(motion=motion, state="published").first()
    mobiles = list(Deputy.objects.values_list("mobile", flat=True)[:200])
    contacts = list(
        VoterOpinion.objects.exclude(voter_contact="").values_list("voter_contact", flat=True)[:200]
    )
    pages = {
        "/": None,
        "/motions/": motion.title,
        motion.get_absolute_url(): update.title,
        "/evaluations/": Item.objects.filter(campaign__year=2025).first().title,
        "/deputies/stations/": Station.objects.order_by("sort_order").first().name,
        "/deputies/": None,
        "/api/motions/": motion.title,
        "/api/suggestions/": None,
        "/api/evaluation-results/": None,
        "/api/deputy-stations/": None,
    }
    for url, expected in pages.items():
        response = client.get(url, HTTP_ACCEPT="application/json" if "/api/" in url else "*/*")
        assert response.status_code == 200, url
        body = response.content.decode()
        if expected:
            assert expected in body, url
        leaked = [m for m in mobiles + contacts if m in body]
        assert not leaked, (url, leaked[:3])


def test_refuses_a_database_that_already_has_data(scale_data):
    with pytest.raises(SystemExit, match="freshly migrated"):
        _run()
