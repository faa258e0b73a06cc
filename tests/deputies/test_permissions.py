"""Permissions per role for every page and API action of the deputies app (allowed AND refused)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from deputies import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(
    opinion,
    reception_day,
    station_deputy,
    other_deputy,
    liaison,
    staff,
    deputy_affairs_staff,
    committee_staff,
    expert,
):
    return opinion


def who(request, name):
    return None if name == "anonymous" else request.getfixturevalue(name)


PAGES = [
    # (url name, args, {actor: expected status})
    (
        "deputies:portal_home",
        [],
        {
            "anonymous": 302,
            "deputy": 200,
            "other_deputy": 200,
            "liaison": 403,
            "staff": 302,
            "committee_staff": 403,
            "expert": 403,
        },
    ),
    (
        "deputies:opinion_list",
        [],
        {
            "anonymous": 302,
            "deputy": 200,
            "other_deputy": 200,
            "liaison": 200,
            "staff": 200,
            "committee_staff": 403,
            "expert": 403,
        },
    ),
    (
        "deputies:opinion_create",
        [],
        {"anonymous": 302, "deputy": 200, "other_deputy": 403, "staff": 403, "liaison": 403},
    ),
    ("deputies:duty_record", [], {"anonymous": 302, "deputy": 200, "staff": 403, "liaison": 403}),
    ("deputies:duty_add", [], {"anonymous": 302, "deputy": 200, "staff": 403, "expert": 403}),
    ("deputies:duty_summary", [2025], {"anonymous": 302, "deputy": 200, "liaison": 403}),
    ("deputies:training_list", [], {"anonymous": 302, "deputy": 200, "staff": 403}),
    (
        "deputies:roster_import",
        [],
        {
            "anonymous": 302,
            "deputy_affairs_staff": 200,
            "staff": 403,
            "committee_staff": 403,
            "deputy": 403,
        },
    ),
    (
        "deputies:roster_export",
        [],
        {
            "anonymous": 302,
            "deputy_affairs_staff": 200,
            "staff": 403,
            "committee_staff": 403,
            "deputy": 403,
        },
    ),
    (
        "deputies:statistics",
        [],
        {
            "anonymous": 302,
            "deputy_affairs_staff": 200,
            "staff": 200,
            "committee_staff": 403,
            "deputy": 403,
            "liaison": 403,
        },
    ),
    ("deputies:deputy_list", [], {"anonymous": 200, "deputy": 200}),
    ("deputies:station_list", [], {"anonymous": 200, "liaison": 200}),
    ("deputies:reception_calendar", [], {"anonymous": 200}),
]
CASES = [
    (name, args, actor, status) for name, args, table in PAGES for actor, status in table.items()
]


@pytest.mark.parametrize(("name", "args", "actor", "status"), CASES)
def test_page_access(client, request, world, name, args, actor, status):
    user = who(request, actor)
    if user is not None:
        client.force_login(user)
    assert client.get(reverse(name, args=args)).status_code == status


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("anonymous", 302),
        ("deputy", 200),
        ("other_deputy", 404),
        ("liaison", 404),
        ("staff", 200),
        ("deputy_affairs_staff", 200),
        ("committee_staff", 404),
        ("expert", 404),
    ],
)
def test_opinion_detail_access(client, request, world, actor, status):
    user = who(request, actor)
    if user is not None:
        client.force_login(user)
    assert client.get(reverse("deputies:opinion", args=[world.pk])).status_code == status


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("deputy", 302),
        ("deputy_affairs_staff", 302),
        ("staff", 403),
        ("liaison", 404),
        ("other_deputy", 404),
    ],
)
def test_answer_action_access(client, request, world, actor, status):
    client.force_login(who(request, actor))
    response = client.post(
        reverse("deputies:opinion_action", args=[world.pk, "answer"]), {"answer": "当场答复"}
    )
    assert response.status_code == status


def test_unknown_action_is_404(client, world, deputy):
    client.force_login(deputy)
    assert (
        client.post(reverse("deputies:opinion_action", args=[world.pk, "delete"])).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("deputy", 302),
        ("deputy_affairs_staff", 302),
        ("staff", 404),
        ("other_deputy", 404),
        ("liaison", 404),
    ],
)
def test_reception_confirm_access(client, request, world, reception_day, actor, status):
    client.force_login(who(request, actor))
    response = client.post(reverse("deputies:reception_confirm", args=[reception_day.pk]))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("actor", "count"),
    [
        ("deputy", 1),
        ("other_deputy", 0),
        ("liaison", 0),
        ("staff", 1),
        ("deputy_affairs_staff", 1),
        ("committee_staff", 0),
        ("expert", 0),
    ],
)
def test_voter_opinion_api_scope(client, request, world, actor, count):
    client.force_login(who(request, actor))
    assert client.get("/api/voter-opinions/").json()["count"] == count


def test_voter_opinion_api_refuses_anonymous(client, world):
    assert client.get("/api/voter-opinions/").status_code in (401, 403)
    assert client.get("/api/duty-records/").status_code in (401, 403)


@pytest.mark.parametrize(
    ("actor", "status"),
    [("deputy", 200), ("deputy_affairs_staff", 200), ("staff", 403), ("liaison", 404)],
)
def test_voter_opinion_api_report_action(client, request, world, actor, status):
    client.force_login(who(request, actor))
    response = client.post(f"/api/voter-opinions/{world.pk}/report/", {"text": "报告常委会"})
    assert response.status_code == status


def test_forward_api_then_only_that_unit_replies(
    client, world, deputy, liaison, other_liaison, reply_rule, unit
):
    client.force_login(deputy)
    assert (
        client.post(f"/api/voter-opinions/{world.pk}/forward/", {"unit": unit.pk}).status_code
        == 200
    )
    assert client.post(f"/api/voter-opinions/{world.pk}/reply/", {"text": "x"}).status_code == 403
    client.force_login(other_liaison)
    assert client.post(f"/api/voter-opinions/{world.pk}/reply/", {"text": "x"}).status_code == 404
    client.force_login(liaison)
    r = client.post(f"/api/voter-opinions/{world.pk}/reply/", {"text": "已处理"})
    assert r.status_code == 200 and r.json()["state"] == "replied"


@pytest.mark.parametrize(
    ("actor", "count"), [("deputy", 1), ("other_deputy", 0), ("staff", 1), ("liaison", 0)]
)
def test_duty_record_api_scope(client, request, world, station_deputy, deputy, actor, count):
    services.add_manual_duty(
        station_deputy, kind="other", title="x", date=dt.date(2025, 1, 1), actor=deputy
    )
    client.force_login(who(request, actor))
    # `world` logged one entry already (the opinion recorded); count only the manual one
    assert client.get("/api/duty-records/?kind=other").json()["count"] == count


def test_duty_record_api_create_needs_a_deputy(client, world, staff):
    client.force_login(staff)
    r = client.post("/api/duty-records/", {"kind": "other", "title": "x", "date": "2025-01-01"})
    assert r.status_code == 403


def test_public_api_is_read_only(client, world, station_deputy):
    assert client.post("/api/deputies/", {"name": "x"}).status_code in (403, 405)
    assert client.delete(f"/api/deputies/{station_deputy.pk}/").status_code in (403, 405)


def test_admin_registry_per_role(client, world, staff, deputy_affairs_staff, deputy):
    url = reverse("admin:deputies_deputy_changelist")
    client.force_login(deputy)
    assert client.get(url).status_code == 302  # not staff: to the admin login
    client.force_login(staff)
    assert client.get(url).status_code == 200
    change = reverse("admin:deputies_deputy_change", args=[world.recorded_by_id])
    assert "13912345678" not in client.get(change).content.decode()
    client.force_login(deputy_affairs_staff)
    assert "13912345678" in client.get(change).content.decode()


def test_only_serving_deputies_are_in_the_public_directory(client, world, station_deputy):
    from deputies.models import Mandate

    url = reverse("deputies:deputy", args=[station_deputy.pk])
    assert client.get(url).status_code == 200
    Mandate.objects.filter(deputy=station_deputy).update(status="resigned")
    assert client.get(url).status_code == 404
    assert client.get(f"/api/deputies/{station_deputy.pk}/").status_code == 404


def test_a_deputy_cannot_delete_another_deputys_entry(
    client, world, station_deputy, deputy, other_deputy
):
    from deputies.models import DutyRecord

    entry = services.add_manual_duty(
        station_deputy, kind="other", title="我的", date=dt.date(2025, 1, 1), actor=deputy
    )
    client.force_login(other_deputy)
    assert client.post(reverse("deputies:duty_delete", args=[entry.pk])).status_code == 404
    assert DutyRecord.objects.filter(pk=entry.pk).exists()


def test_opinion_history_shows_state_names(client, world, deputy):
    client.force_login(deputy)
    response = client.get(reverse("deputies:opinion", args=[world.pk]))
    assert [label for _t, label in response.context["history"]] == ["已登记"]
