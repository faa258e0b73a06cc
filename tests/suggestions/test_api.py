"""The REST API: scoping (404 for others' objects), write actions through the services with
structured errors, published-only for the public, no personal data."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from motions.suggestions.models import Assignment, Category, Reply, Suggestion
from motions.suggestions.services import set_published
from tests.suggestions import factories
from tests.suggestions.conftest import pdf_letter


@pytest.fixture
def api(client):
    def call(user, method, url, data=None, **kw):
        client.logout()
        if user is not None:
            client.force_login(user)
        fn = getattr(client, method)
        if method == "get":
            return fn(url, data or {})
        if kw.get("multipart"):
            return fn(url, data)
        return fn(url, data or {}, content_type="application/json")

    return call


def test_public_reads_only_published_without_personal_data(api, term, deputy, staff):
    s1, s2 = factories.filed(term, deputy, 2)
    set_published(s1, actor=staff, text=True)
    body = api(None, "get", "/api/suggestions/").json()
    assert [r["id"] for r in body["results"]] == [s1.pk]
    assert "assignments" not in body["results"][0]
    assert "13912345678" not in str(body) and "@example.test" not in str(body)
    assert api(None, "get", f"/api/suggestions/{s2.pk}/").status_code == 404


def test_deputy_sees_own_and_files_through_the_api(api, term, deputy, other_deputy):
    term.is_current = True
    term.save()
    category = Category.objects.create(name="教育")
    [theirs] = factories.filed(term, other_deputy)
    response = api(
        deputy,
        "post",
        "/api/suggestions/",
        {"title": "API建议", "content": "内容", "category": category.pk, "co_proposers": []},
    )
    assert response.status_code == 201, response.content
    mine = response.json()["id"]
    ids = [r["id"] for r in api(deputy, "get", "/api/suggestions/").json()["results"]]
    assert ids == [mine]
    assert api(deputy, "get", f"/api/suggestions/{theirs.pk}/").status_code == 404
    bad = api(
        deputy, "post", "/api/suggestions/", {"title": "x", "content": " ", "category": category.pk}
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] in ("invalid", "empty_content")


def test_filing_refused_for_non_deputies(api, term, liaison, staff):
    category = Category.objects.create(name="教育")
    data = {"title": "x", "content": "y", "category": category.pk}
    assert api(liaison, "post", "/api/suggestions/", data).status_code == 403
    assert api(None, "post", "/api/suggestions/", data).status_code == 403
    assert Suggestion.objects.count() == 0


def test_assign_and_merge_are_staff_only(api, term, deputy, unit, staff, liaison):
    s1, s2 = factories.filed(term, deputy, 2)
    assert (
        api(deputy, "post", f"/api/suggestions/{s1.pk}/assign/", {"lead_unit": unit.pk}).status_code
        == 403
    )
    assert (
        api(
            liaison, "post", f"/api/suggestions/{s1.pk}/assign/", {"lead_unit": unit.pk}
        ).status_code
        == 403
    )
    response = api(staff, "post", f"/api/suggestions/{s1.pk}/assign/", {"lead_unit": unit.pk})
    assert response.status_code == 200, response.content
    assert response.json()["assignments"][0]["unit"] == unit.name
    again = api(staff, "post", f"/api/suggestions/{s1.pk}/assign/", {"lead_unit": unit.pk})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "lead_exists"
    merged = api(staff, "post", f"/api/suggestions/{s2.pk}/merge/", {"into": s1.pk})
    assert merged.status_code == 200
    assert merged.json()["state"] == "merged"


def test_unit_flow_through_the_api(api, term, deputy, unit, staff, liaison, other_liaison):
    [s] = factories.filed(term, deputy)
    [a] = factories.assigned([s], unit, staff)
    url = f"/api/suggestion-assignments/{a.pk}/"
    assert api(other_liaison, "get", url).status_code == 404
    assert api(deputy, "get", url).status_code == 404
    assert [
        r["id"] for r in api(liaison, "get", "/api/suggestion-assignments/").json()["results"]
    ] == [a.pk]
    assert api(other_liaison, "get", "/api/suggestion-assignments/").json()["results"] == []
    # Reply before contact: refused, structured.
    response = api(
        liaison,
        "post",
        url + "reply/",
        {"reply_class": "A", "text": "答复", "letter": pdf_letter()},
        multipart=True,
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "contact_required"
    response = api(
        liaison,
        "post",
        url + "contact/",
        {"method": "phone", "contacted_on": timezone.localdate().isoformat(), "note": "电话"},
    )
    assert response.status_code == 201, response.content
    bad = api(
        liaison,
        "post",
        url + "reply/",
        {
            "reply_class": "A",
            "text": "答复",
            "letter": SimpleUploadedFile("x.pdf", b"not a pdf"),
        },
        multipart=True,
    )
    assert bad.status_code == 400
    assert "letter" in bad.json()["error"]["fields"]
    assert (
        api(
            other_liaison,
            "post",
            url + "reply/",
            {"reply_class": "A", "text": "答复", "letter": pdf_letter()},
            multipart=True,
        ).status_code
        == 404
    )
    response = api(
        liaison,
        "post",
        url + "reply/",
        {"reply_class": "A", "text": "答复", "letter": pdf_letter()},
        multipart=True,
    )
    assert response.status_code == 201, response.content
    reply = Reply.objects.get()
    # Rating: only the proposer.
    rate_url = f"/api/suggestions/{s.pk}/rate/"
    assert (
        api(liaison, "post", rate_url, {"reply": reply.pk, "result": "satisfied"}).status_code
        == 403
    )
    response = api(deputy, "post", rate_url, {"reply": reply.pk, "result": "satisfied"})
    assert response.status_code == 201, response.content
    a.refresh_from_db()
    assert a.state == "done"


def test_unit_returns_through_the_api(api, term, deputy, unit, staff, liaison):
    [s] = factories.filed(term, deputy)
    [a] = factories.assigned([s], unit, staff)
    url = f"/api/suggestion-assignments/{a.pk}/return/"
    assert api(liaison, "post", url, {"reason": ""}).status_code == 400
    response = api(liaison, "post", url, {"reason": "不属于本单位职责"})
    assert response.status_code == 200
    assert Assignment.objects.get(pk=a.pk).state == "returned"


def test_filters_and_stats(api, term, deputy, unit, other_unit, staff):
    s1, s2 = factories.filed(term, deputy, 2)
    factories.assigned([s1], unit, staff)
    factories.assigned([s2], other_unit, staff)
    ids = [
        r["id"] for r in api(staff, "get", "/api/suggestions/", {"unit": unit.pk}).json()["results"]
    ]
    assert ids == [s1.pk]
    assert api(staff, "get", "/api/suggestions/", {"state": "closed"}).json()["count"] == 0
    stats = api(None, "get", "/api/suggestions/stats/").json()
    assert stats["total"] == 2
    assert stats["by_state"]["assigned"] == 2
