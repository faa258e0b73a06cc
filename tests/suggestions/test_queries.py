"""Query counts of the list pages and endpoints do not grow with rows (1 row and 20 rows cost
the same)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motions.suggestions.services import set_published
from tests.suggestions import factories


@pytest.fixture
def world(term, deputy, other_deputy, unit, staff, liaison):
    def build(n):
        items = factories.filed(term, deputy, n, co=[other_deputy])
        assignments = factories.assigned(items, unit, staff)
        for a in assignments[: max(1, n // 2)]:
            factories.replied(a, liaison)
        for s in items:
            set_published(s, actor=staff, text=True, replies=True)
        return items

    return build


# (who, URL name, queries): the same with 1 and with 20 suggestions.
PAGES = [
    # session, user, deputy profile, memberships (nav), unread count, replies to rate,
    # count, suggestions page, + proposers, + live assignments with units and obligations
    ("deputy", "suggestions:portal_list", 10),
    # session, user, memberships, unread count, count, assignments page (joined)
    ("liaison", "suggestions:unit_list", 6),
    # count, published suggestions, + proposers, + live assignments
    (None, "suggestions:public_list", 4),
    # years, by state, by reply class, by rating, by category, by unit, published visits
    (None, "suggestions:public_stats", 7),
    # session, user, memberships, deputy profile, count, page, + proposers, + assignments,
    # + replies, + ratings
    ("deputy", "suggestion-list", 10),
    # session, user, memberships, count, page (joined)
    ("liaison", "suggestion-assignment-list", 5),
    # count, page, + proposers, + assignments, + replies, + ratings
    (None, "suggestion-list", 6),
    # session, user, memberships, count, page, + proposers, + assignments, + replies, + ratings
    ("staff", "suggestion-list", 9),
]


@pytest.mark.parametrize(("who", "name", "queries"), PAGES)
def test_list_query_counts_do_not_grow_with_rows(
    request, client, world, django_assert_num_queries, who, name, queries
):
    if who:
        client.force_login(request.getfixturevalue(who))
    url = reverse(name)
    world(1)
    client.get(url)  # warm up: the first request after login saves the session
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    world(19)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
