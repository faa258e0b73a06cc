"""The scale data generator is deterministic: the same seed gives the same rows."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.db import transaction

from bench.generate import Generator, Plan, Writer
from congress.models import Obligation
from deputies.models import Deputy, VoterOpinion
from motions.models import Motion, ProgressUpdate
from motions.suggestions.models import Suggestion

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def _generate_and_fingerprint(seed: int) -> str:
    """One small term (the current one) generated inside a transaction that is rolled back."""
    plan = Plan.build("district", 0.001)
    plan.terms_per_district = 1
    plan.evaluation_years = 2
    h = hashlib.sha256()
    try:
        with transaction.atomic():
            Generator(
                plan, seed=seed, today=dt.date(2026, 11, 26), writer=Writer(io.StringIO())
            ).run()
            for qs in (
                Motion.objects.order_by("year", "number").values_list("title", "state"),
                ProgressUpdate.objects.order_by(
                    "motion__year", "motion__number", "happened_on"
                ).values_list("title", "happened_on", "state"),
                Suggestion.objects.order_by("number").values_list("title", "state"),
                VoterOpinion.objects.order_by(
                    "received_on", "station__name", "content"
                ).values_list("content", "state", "voter_contact"),
                Obligation.objects.order_by("kind", "due_date", "title", "unit__name").values_list(
                    "kind", "state", "due_date", "unit__name"
                ),
                Deputy.objects.order_by("number").values_list("number", "name", "mobile"),
            ):
                rows = list(qs)
                assert rows
                h.update(repr(rows).encode())
            raise Rollback
    except Rollback:
        pass
    return h.hexdigest()


def test_same_seed_gives_the_same_rows_and_another_seed_other_rows():
    first = _generate_and_fingerprint(9)
    assert not Motion.objects.exists()  # rolled back
    assert _generate_and_fingerprint(9) == first
    assert _generate_and_fingerprint(10) != first
