"""seed_demo: deterministic, idempotent, tells the seed's story, and publishes no personal data."""

import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

NOW = "2026-11-26T10:00:00+08:00"
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
PUBLIC_URL_NAMES = [
    "public:home",
    "public:regulations",
    "motions:public_list",
    "suggestions:public_stats",
    "reviews:public_list",
    "evaluations:public_results",
    "deputies:station_list",
    "deputies:deputy_list",
    "jointmeetings:book",
    "experts:public_list",
]


def _counts() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label not in {"sessions", "admin", "django_celery_beat"}
    }


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    # Everything happens inside one transaction that is rolled back at the end of the module,
    # so the rows that migrations created (rules, calendar) stay as they were for other tests.
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", now=NOW, verbosity=0)
            first = _counts()
            call_command("seed_demo", now=NOW, verbosity=0)
            second = _counts()
            yield first, second
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.mark.slow
def test_seed_demo_is_idempotent(seeded):
    first, second = seeded
    changed = {k: (first[k], second[k]) for k in first if first[k] != second[k]}
    assert not changed, f"a second run changed counts: {changed}"


@pytest.mark.slow
@pytest.mark.django_db
def test_seed_demo_tells_the_story_of_the_17th_term(seeded):
    from congress.models import Meeting, Regulation, Street, Term, Unit, WorkCommittee
    from deputies.models import Mandate
    from experts.models import Expert

    term = Term.objects.get(is_current=True, congress__is_default=True)
    assert term.number == 17 and term.starts_on.year == 2022
    assert Street.objects.filter(kind="street").count() == 22
    assert WorkCommittee.objects.count() == 22
    assert WorkCommittee.objects.filter(is_pilot=True).count() == 4
    assert Unit.objects.filter(kind="department").count() == 31
    assert (
        Unit.objects.filter(
            kind__in=["government", "supervisory", "court", "procuratorate"]
        ).count()
        == 4
    )
    assert Meeting.objects.filter(
        term=term, kind="standing", number=3, starts_on__year=2022, starts_on__month=4
    ).exists()
    assert Regulation.objects.filter(title__contains="关于议案的规定", is_revision=True).exists()
    assert Expert.objects.count() == 63
    district = Mandate.objects.filter(term=term, level="district").count()
    assert 400 <= district <= 460
    assert (
        Mandate.objects.filter(level="city").exists()
        and Mandate.objects.filter(level="town").exists()
    )


@pytest.mark.slow
@pytest.mark.django_db
def test_no_public_page_shows_a_mobile_number(seeded, client):
    checked = 0
    for name in PUBLIC_URL_NAMES:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # the app has not landed this page yet
        response = client.get(url)
        assert response.status_code == 200, url
        found = MOBILE.findall(response.content.decode())
        assert not found, f"{url} shows {found[:3]}"
        checked += 1
    assert checked >= 2
