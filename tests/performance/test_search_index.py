"""The Chinese search: pg_trgm GIN indexes on the expressions `icontains` compiles to
(PostgreSQL), plain LIKE on SQLite; both find 1-, 2- and 3+-character terms."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from motions import queries as motion_queries
from motions.models import Motion
from motions.suggestions.models import Category, Suggestion
from tests.motions.factories import handled_motion


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def suggestions(term, session_meeting):
    category = Category.objects.create(name="城市建设测试")
    titles = ["关于加装电梯的建议", "关于老旧小区改造的建议", "关于道路照明的建议"]
    return [
        Suggestion.objects.create(
            term=term, meeting=session_meeting, title=title, content="内容", category=category
        )
        for title in titles * 10
    ]


def test_terms_of_any_length_are_found(suggestions):
    for term, expected in (("梯", 10), ("电梯", 10), ("老旧小区", 10), ("照明的建", 10), ("桥", 0)):
        assert Suggestion.objects.filter(title__icontains=term).count() == expected, term


def test_the_public_motion_search_finds_two_character_words(
    client, session, unit, committee_office
):
    handled_motion(
        session, unit=unit, office=committee_office, title="关于加快科学城北区道路建设的议案"
    )
    handled_motion(
        session,
        unit=unit,
        office=committee_office,
        title="关于增加学位供给的议案",
        reasons="学位不足。",
        measures="新建学校。",
    )
    page = client.get(reverse("motions:public_list"), {"q": "道路"}).content.decode()
    assert "北区道路建设" in page and "学位供给" not in page


@pytest.mark.postgres
def test_trigram_indexes_serve_searches_of_three_characters_and_more(suggestions, session):
    if not settings.IS_POSTGRES:
        pytest.skip("pg_trgm is a PostgreSQL extension")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few rows: make the index visible
    three = plan(Suggestion.objects.filter(title__icontains="老旧小"))
    assert "suggestion_title_trgm" in three, three
    long_query = plan(Suggestion.objects.filter(content__icontains="老旧小区改造"))
    assert "suggestion_content_trgm" in long_query, long_query
    # The search's conditions (title OR reasons OR measures), without the page's ordering, which
    # on a handful of rows the planner would rather serve from the (year, number) index.
    filters = motion_queries.PublicFilters.from_query({"q": "科学城"})
    motions_plan = plan(filters.apply(Motion.objects.order_by()))
    for index in ("motion_title_trgm", "motion_reasons_trgm", "motion_measures_trgm"):
        assert index in motions_plan, motions_plan


TITLES = ["关于加装电梯的建议", "关于老旧小区改造的建议", "路灯", "5G基站 建设", "Ab路口"]


@pytest.mark.parametrize(
    "needle", ["梯", "电梯", "老旧小区", "路", "路灯", "灯", "5g", "G基", "ab", "B路", "站 ", "桥"]
)
def test_contains_q_finds_exactly_what_icontains_finds(needle, term_fixture_rows):
    from congress.search import contains_q

    needle = needle.strip()
    expected = set(
        Suggestion.objects.filter(title__icontains=needle).values_list("title", flat=True)
    )
    found = set(
        Suggestion.objects.filter(contains_q("title", needle)).values_list("title", flat=True)
    )
    assert found == expected, needle


@pytest.fixture
def term_fixture_rows(term, session_meeting):
    category = Category.objects.create(name="检索测试")
    for title in TITLES:
        Suggestion.objects.create(
            term=term, meeting=session_meeting, title=title, content="内容", category=category
        )


def test_the_suggestions_api_searches_two_character_words(client, term_fixture_rows):
    Suggestion.objects.update(is_published=True)
    body = client.get("/api/suggestions/", {"q": "电梯"}).json()
    assert [row["title"] for row in body["results"]] == ["关于加装电梯的建议"]


@pytest.mark.postgres
def test_one_and_two_character_terms_use_the_bigram_index(suggestions):
    if not settings.IS_POSTGRES:
        pytest.skip("the bigram index is PostgreSQL only")
    from congress.search import contains_q

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    for term in ("梯", "电梯"):
        found = plan(Suggestion.objects.filter(contains_q("title", term)))
        assert "suggestion_title_bigram" in found, found
