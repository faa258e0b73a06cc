"""The REST API: the public reads registered motions and published updates without personal
data; roles write through the same services as the pages; structured errors; flat queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from congress.uploads import sample_jpeg
from motions.models import Assignment, MotionState, ProgressUpdate, UpdateState
from tests.motions.factories import MotionFactory, handled_motion

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.parametrize("rows", [1, 30])
def test_public_list_is_flat_and_has_no_personal_data(
    api, django_assert_num_queries, session, deputy, unit, other_unit, committee_office, rows
):
    for _ in range(rows):
        handled_motion(
            session,
            unit=unit,
            office=committee_office,
            co_unit=other_unit,
            lead_deputy=deputy.deputy,
        )
    MotionFactory(session=session, state=MotionState.DRAFT, title="草稿不公开")
    # count, rows (with latest update and units joined), their active assignments
    with django_assert_num_queries(3):
        response = api.get("/api/motions/")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == rows
    first = data["results"][0]
    assert first["proposer"] == "李明"
    assert {u["unit"] for u in first["units"]} == {"区教委", "区体育局"}
    assert first["latest_update"]["title"] == "代表视察第1次"
    body = response.content.decode()
    for private in ("13912345678", "liming@example.test", "草稿不公开"):
        assert private not in body


def test_public_filters_and_updates(api, session, next_session, unit, other_unit, committee_office):
    a = handled_motion(session, unit=unit, office=committee_office, title="科学城北区道路")
    handled_motion(next_session, unit=other_unit, office=committee_office, title="全民健身设施")
    assert [m["title"] for m in api.get("/api/motions/", {"q": "科学城"}).json()["results"]] == [
        a.title
    ]
    assert api.get("/api/motions/", {"year": 2023}).json()["count"] == 1
    assert api.get("/api/motions/", {"unit": other_unit.pk}).json()["count"] == 1
    assert api.get("/api/motions/", {"phase": "closed"}).json()["count"] == 0
    ProgressUpdate.objects.create(
        motion=a,
        kind="meeting",
        title="内部会议",
        text="x",
        happened_on=dt.date(2022, 9, 1),
        unit=unit,
        state=UpdateState.SUBMITTED,
    )
    updates = api.get(f"/api/motions/{a.pk}/updates/").json()["results"]
    assert [u["title"] for u in updates] == ["代表视察第1次"]
    feed = api.get("/api/motion-updates/").json()
    assert feed["count"] == 2 and "内部会议" not in str(feed)


def test_anonymous_cannot_reach_the_portal_api(api, submitted):
    assert api.get("/api/portal-motions/").status_code in (401, 403)
    assert api.post(f"/api/portal-motions/{submitted.pk}/submit/").status_code in (401, 403)


def test_a_deputy_drafts_and_another_deputy_gets_404(api, deputy, other_deputy, session):
    import time_machine

    from tests.motions.conftest import at

    api.force_authenticate(deputy)
    with time_machine.travel(at("2022-01-05"), tick=False):
        response = api.post(
            "/api/portal-motions/",
            {
                "session": session.pk,
                "title": "关于完善科学城北区公交线网的议案",
                "reasons": "r",
                "measures": "m",
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["state"] == "draft"
    api.force_authenticate(other_deputy)
    assert api.get(f"/api/portal-motions/{pk}/").status_code == 404
    assert api.patch(f"/api/portal-motions/{pk}/", {"title": "x"}, format="json").status_code == 404
    api.force_authenticate(deputy)
    with time_machine.travel(at("2022-01-06"), tick=False):
        response = api.post(f"/api/portal-motions/{pk}/submit/")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "too_few_signers"


def test_staff_review_and_assign_through_the_api(
    api, submitted, staff, liaison, unit, other_unit, committee_office
):
    api.force_authenticate(staff)
    response = api.post(
        f"/api/portal-motions/{submitted.pk}/review/", {"decision": "register"}, format="json"
    )
    assert response.status_code == 200 and response.json()["number"] == 1
    response = api.post(
        f"/api/portal-motions/{submitted.pk}/assign/",
        {
            "lead_unit": unit.pk,
            "co_units": [other_unit.pk],
            "supervising_office": committee_office.pk,
        },
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["state"] == "supervision"
    # A second assignment conflicts: 409 with a code.
    again = api.post(
        f"/api/portal-motions/{submitted.pk}/assign/",
        {"lead_unit": unit.pk, "supervising_office": committee_office.pk},
        format="json",
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "bad_transition"
    # The unit sees it and accepts; a deputy may not review.
    api.force_authenticate(liaison)
    lead = Assignment.objects.get(motion=submitted, role="lead")
    response = api.post(
        f"/api/portal-motions/{submitted.pk}/answer-assignment/",
        {"assignment": lead.pk, "accept": True},
        format="json",
    )
    assert response.status_code == 200
    lead.refresh_from_db()
    assert lead.state == "accepted"


def test_a_unit_sees_only_its_assignments_in_the_api(api, assigned, liaison, other_liaison):
    from tests.factories import UnitFactory, UserFactory, grant

    stranger = UserFactory(username="waterliaison")
    grant(stranger, "liaison", unit=UnitFactory(name="区水务局"))
    api.force_authenticate(liaison)
    assert [m["id"] for m in api.get("/api/portal-motions/").json()["results"]] == [assigned.pk]
    api.force_authenticate(stranger)
    assert api.get("/api/portal-motions/").json()["count"] == 0
    assert api.get(f"/api/portal-motions/{assigned.pk}/").status_code == 404


def test_updates_through_the_api_pass_the_upload_policy(api, assigned, liaison, committee_staff):
    api.force_authenticate(liaison)
    bad = api.post(
        f"/api/portal-motions/{assigned.pk}/post-update/",
        {
            "kind": "inspection",
            "title": "视察",
            "text": "x",
            "happened_on": "2022-05-01",
            "photos": [SimpleUploadedFile("x.jpg", b"<svg><script>alert(1)</script></svg>")],
        },
        format="multipart",
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"]["photos"]
    assert not ProgressUpdate.objects.exists()
    good = api.post(
        f"/api/portal-motions/{assigned.pk}/post-update/",
        {
            "kind": "inspection",
            "title": "视察",
            "text": "x",
            "happened_on": "2022-05-01",
            "proposed_progress": 20,
            "photos": [SimpleUploadedFile("x.jpg", sample_jpeg())],
        },
        format="multipart",
    )
    assert good.status_code == 201, good.content
    update_id = good.json()["id"]
    assert good.json()["state"] == "submitted" and len(good.json()["photos"]) == 1
    # Only the supervising office publishes.
    denied = api.post(
        f"/api/portal-motions/{assigned.pk}/publish-update/", {"update": update_id}, format="json"
    )
    assert denied.status_code == 403
    api.force_authenticate(committee_staff)
    ok = api.post(
        f"/api/portal-motions/{assigned.pk}/publish-update/",
        {"update": update_id, "approved_progress": 15},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["progress"] == 15


@pytest.mark.parametrize("rows", [1, 20])
def test_portal_api_list_is_flat(
    api, django_assert_num_queries, session, unit, committee_office, staff, rows
):
    for _ in range(rows):
        handled_motion(session, unit=unit, office=committee_office)
    api.force_authenticate(staff)
    # memberships (the actor), deputy profile, count, page (lead unit joined, latest update by
    # subquery)
    with django_assert_num_queries(4):
        response = api.get("/api/portal-motions/")
    assert response.json()["count"] == rows
