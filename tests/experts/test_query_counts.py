"""The public expert list costs the same for 1 and 20 experts."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_public_list_query_count_is_flat(
    client, make_expert, law, finance, django_assert_num_queries
):
    make_expert("专家0", fields=[law])
    url = reverse("experts:public_list")
    # 1 fields with counts, 2 count for the paginator, 3 the page of experts, 4 their fields.
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200
    for i in range(1, 20):
        make_expert(f"专家{i}", fields=[law, finance] if i % 2 else [finance])
    with django_assert_num_queries(4):
        r = client.get(url)
    assert r.text.count("专家1") >= 1 and r.text.count("<tr>") == 21  # header + 20 rows


def test_public_api_query_count_is_flat(client, make_expert, law, django_assert_num_queries):
    make_expert("专家0", fields=[law])
    # 1 count, 2 the page, 3 their fields.
    with django_assert_num_queries(3):
        client.get("/api/experts/")
    for i in range(1, 20):
        make_expert(f"专家{i}", fields=[law])
    with django_assert_num_queries(3):
        assert len(client.get("/api/experts/").json()["results"]) == 20


def test_invitations_page_query_count_is_flat(
    client, consultation, expert, staff, office, law, django_assert_num_queries
):
    from experts import services

    client.force_login(expert)
    url = reverse("experts:portal_list")
    client.get(url)
    # session, user, memberships (actor), expert profile, invitations with consultations,
    # unread notifications (header).
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200
    for i in range(19):
        c = services.request_consultation(
            actor=staff,
            office=office,
            title=f"咨询{i}",
            subject_kind="motion",
            question="q",
            fields=[law],
            opinion_due=consultation.opinion_due,
            now=consultation.created_at,
        )
        services.invite(c, [expert.expert], actor=staff, now=consultation.created_at)
    with django_assert_num_queries(6):
        assert client.get(url).text.count("/portal/experts/invitations/") >= 20
