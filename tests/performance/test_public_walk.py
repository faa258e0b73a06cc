"""On the demo world (every app seeded): each cached public page declares every model it reads
(else a change of that model would leave the page stale), and every public page and every API
list stays within 10 queries uncached. Slow: the seed runs once for the module, in a transaction
rolled back at the end."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from congress.api_urls import router

NOW = "2026-11-26T10:00:00+08:00"
TABLE = re.compile(r'(?:FROM|JOIN)\s+"([a-z0-9_]+)"', re.IGNORECASE)
# Read by pages but never written by the portal (Django's own registry of models).
STATIC_TABLES = {"contenttypes.contenttype"}
BUDGET = 10

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", now=NOW, verbosity=0)
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def public_urls() -> list[str]:
    from congress.jointmeetings.models import JointMeeting
    from congress.models import Regulation
    from deputies.models import Deputy, Station
    from evaluations.models import Item
    from evaluations.reviews import queries as review_queries
    from motions import queries as motion_queries
    from motions.suggestions import queries as suggestion_queries

    urls = [
        reverse(name)
        for name in (
            "public:home",
            "public:regulations",
            "motions:public_list",
            "suggestions:public_stats",
            "suggestions:public_list",
            "evaluations:public_results",
            "evaluations:public_coverage",
            "reviews:public_list",
            "deputies:deputy_list",
            "deputies:station_list",
            "deputies:reception_calendar",
            "jointmeetings:book",
            "experts:public_list",
        )
    ]
    urls += [reverse("motions:public_list") + "?q=道路", reverse("motions:public_list") + "?page=2"]
    urls += [m.get_absolute_url() for m in motion_queries.public_motions()[:5]]
    urls += [
        reverse("suggestions:public_detail", args=[s.pk])
        for s in suggestion_queries.published_suggestions()[:5]
    ]
    urls += [
        reverse("evaluations:public_item", args=[i.pk])
        for i in Item.objects.filter(campaign__is_published=True)[:5]
    ]
    urls += [
        reverse("reviews:public_detail", args=[t.pk]) for t in review_queries.published_topics()[:5]
    ]
    urls += [reverse("deputies:deputy", args=[d.pk]) for d in Deputy.objects.all()[:5]]
    urls += [reverse("deputies:station", args=[s.pk]) for s in Station.objects.all()[:5]]
    urls += [
        reverse("jointmeetings:entry", args=[j.number])
        for j in JointMeeting.objects.exclude(signed_off_at=None)[:5]
    ]
    urls += [reverse("public:regulation", args=[r.pk]) for r in Regulation.objects.all()[:3]]
    return urls


def tables_read(queries) -> set[str]:
    by_table = {
        m._meta.db_table: m._meta.label_lower for m in apps.get_models(include_auto_created=True)
    }
    return {by_table.get(table, table) for q in queries for table in TABLE.findall(q["sql"])}


def test_every_cached_page_declares_every_model_it_reads(seeded):
    client = Client()
    checked = 0
    for url in public_urls():
        spec = getattr(resolve(url.split("?")[0]).func, "page_spec", None)
        assert spec is not None, f"{url} is not cached"
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        if response.status_code != 200:
            continue
        undeclared = tables_read(ctx.captured_queries) - set(spec.labels) - STATIC_TABLES
        assert not undeclared, f"{url} reads {sorted(undeclared)} without declaring them"
        checked += 1
    assert checked >= 30


def test_public_pages_stay_within_the_query_budget_on_the_demo_world(seeded):
    client = Client()
    for url in public_urls():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code in (200, 404), url
        assert len(ctx.captured_queries) <= BUDGET, (url, [q["sql"][:90] for q in ctx])


def api_list_urls() -> list[str]:
    return [reverse(f"{basename}-list") for _, _, basename in router.registry]


@pytest.mark.parametrize("login", [None, "admin", "staff", "liaison", "deputy", "expert"])
def test_every_api_list_is_paginated_and_within_the_budget(seeded, login):
    from congress.models import User

    client = Client()
    if login:
        # force_login also passes the staff's second factor (tests/conftest.py)
        client.force_login(User.objects.get(username=login))
    checked = 0
    for url in api_list_urls():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        if response.status_code in (401, 403):
            continue
        assert response.status_code == 200, (login, url, response.status_code)
        body = response.json()
        assert isinstance(body, dict) and set(body) >= {"count", "next", "results"}, (login, url)
        assert len(ctx.captured_queries) <= BUDGET, (
            login,
            url,
            [q["sql"][:90] for q in ctx.captured_queries],
        )
        checked += 1
    # the public endpoints (AllowAny) at least, for everyone
    assert checked >= 9, (login, checked)
