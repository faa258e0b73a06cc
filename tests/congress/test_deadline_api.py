"""The obligations and rules API: scoping by role, actions, structured errors."""

from __future__ import annotations

import datetime as dt

import pytest

from congress import deadlines
from congress.models import ExtensionRequest, ObligationState
from tests.congress.test_deadline_fixtures import *  # noqa: F403
from tests.congress.test_deadline_fixtures import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(at("2026-03-10"), tick=False)


def test_a_liaison_lists_only_its_units_obligations(client, make_obligation, liaison, other_unit):
    mine = make_obligation("2026-03-31", title="教委")
    theirs = make_obligation("2026-03-31", of_unit=other_unit, title="体育局")
    client.force_login(liaison)
    body = client.get("/api/obligations/").json()
    assert [o["id"] for o in body["results"]] == [mine.pk]
    assert body["results"][0]["unit"] == {"id": mine.unit_id, "name": "区教委"}
    assert client.get(f"/api/obligations/{theirs.pk}/").status_code == 404
    response = client.post(
        f"/api/obligations/{theirs.pk}/submit/",
        {"title": "x", "text": "y"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_anonymous_and_roleless_users_see_nothing(client, make_obligation, deputy):
    make_obligation("2026-03-31")
    assert client.get("/api/obligations/").status_code == 403
    client.force_login(deputy)
    assert client.get("/api/obligations/").json()["count"] == 0


def test_staff_list_and_filter(
    client, make_obligation, staff, other_unit, django_assert_num_queries
):
    make_obligation("2026-03-31")
    make_obligation("2026-04-30", of_unit=other_unit)
    client.force_login(staff)
    body = client.get("/api/obligations/", {"unit": other_unit.pk}).json()
    assert body["count"] == 1 and body["results"][0]["unit"]["name"] == "区体育局"
    body = client.get("/api/obligations/", {"due_before": "2026-04-01"}).json()
    assert body["count"] == 1

    def load():
        # session, user, memberships, count, page (with the pending-extension subquery)
        with django_assert_num_queries(5):
            assert client.get("/api/obligations/").status_code == 200

    load()
    for i in range(18):
        make_obligation(f"2026-05-{i + 1:02d}")
    load()


def test_liaison_submits_and_requests_an_extension(client, make_obligation, liaison, staff):
    ob = make_obligation("2026-03-31")
    client.force_login(liaison)
    response = client.post(
        f"/api/obligations/{ob.pk}/request-extension/",
        {"requested_due_date": "2026-04-30", "reason": "调研未完成"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["has_pending_extension"] is True
    response = client.post(
        f"/api/obligations/{ob.pk}/request-extension/",
        {"requested_due_date": "2026-05-30", "reason": "再次"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "extension_pending"
    response = client.post(f"/api/obligations/{ob.pk}/submit/", {"title": "方案", "text": "正文"})
    assert response.status_code == 200
    assert response.json()["state"] == "submitted"
    assert response.json()["documents"][0]["title"] == "方案"


def test_staff_actions_and_liaison_refusal(
    client, make_obligation, liaison, staff, chairpersons_meeting
):
    ob = make_obligation("2026-03-31")
    request = deadlines.request_extension(
        ob, actor=liaison, reason="理由", requested_due_date=dt.date(2026, 4, 30)
    )
    client.force_login(liaison)
    assert (
        client.post(
            f"/api/obligations/{ob.pk}/urge/", {}, content_type="application/json"
        ).status_code
        == 404
    )
    client.force_login(staff)
    response = client.post(
        f"/api/obligations/{ob.pk}/decide-extension/",
        {
            "request": request.pk,
            "approve": True,
            "meeting": chairpersons_meeting.pk,
            "note": "同意",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["due_date"] == "2026-04-30"
    assert ExtensionRequest.objects.get().state == "approved"
    assert (
        client.post(
            f"/api/obligations/{ob.pk}/urge/", {"note": "催"}, content_type="application/json"
        ).status_code
        == 201
    )
    response = client.post(f"/api/obligations/{ob.pk}/accept/", {}, content_type="application/json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "not_submitted"
    deadlines.submit_report(ob, actor=liaison, title="r", text="t")
    response = client.post(
        f"/api/obligations/{ob.pk}/return/", {"reason": ""}, content_type="application/json"
    )
    assert response.status_code == 400
    response = client.post(
        f"/api/obligations/{ob.pk}/return/",
        {"reason": "补充", "new_due_date": "2026-05-15"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["state"] == ObligationState.RETURNED
    assert response.json()["due_date"] == "2026-05-15"


def test_rules_are_readable_by_staff_only(client, staff, liaison, rule):
    client.force_login(liaison)
    assert client.get("/api/deadline-rules/").status_code == 403
    client.force_login(staff)
    body = client.get("/api/deadline-rules/review-plan-report/").json()
    assert body["amount"] == 3 and body["limit_unit"] == "months" and body["source"]
