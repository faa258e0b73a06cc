"""Duty records: automatic entries (log_duty, station duty, training), manual entries,
publishing (发布个人履职情况), the yearly summary; only the deputy's own record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from congress.errors import DomainError, InvalidInput
from deputies import services
from deputies.models import DutyKind, DutyRecord, TrainingCompletion, TrainingMaterial

pytestmark = pytest.mark.django_db


def test_log_duty_is_idempotent_per_source(station_deputy, reception_day):
    a = services.log_duty(
        station_deputy,
        kind=DutyKind.STATION_DUTY,
        title="t",
        date=reception_day.date,
        source=reception_day,
    )
    b = services.log_duty(
        station_deputy,
        kind=DutyKind.STATION_DUTY,
        title="t2",
        date=reception_day.date,
        source=reception_day,
    )
    assert a.pk == b.pk and DutyRecord.objects.count() == 1
    assert not a.is_published  # automatic entries start private
    with pytest.raises(ValueError):
        services.log_duty(station_deputy, kind="bogus", title="t", date=reception_day.date)


def test_confirming_a_reception_day_logs_station_duty(reception_day, station_deputy, deputy):
    services.confirm_reception_duty(
        reception_day,
        present=[station_deputy],
        actor=deputy,
        now=dt.datetime(2026, 11, 12, tzinfo=dt.UTC),
    )
    services.confirm_reception_duty(
        reception_day,
        present=[station_deputy],
        actor=deputy,
        now=dt.datetime(2026, 11, 12, tzinfo=dt.UTC),
    )
    entry = DutyRecord.objects.get(kind=DutyKind.STATION_DUTY)
    assert entry.deputy == station_deputy and entry.date == reception_day.date
    reception_day.refresh_from_db()
    assert reception_day.held_at is not None


def test_duty_cannot_be_confirmed_before_the_day(reception_day, station_deputy, deputy):
    with pytest.raises(DomainError) as err:
        services.confirm_reception_duty(
            reception_day,
            present=[station_deputy],
            actor=deputy,
            now=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        )
    assert err.value.code == "not_yet"
    assert not DutyRecord.objects.exists()


def test_deputy_confirms_own_duty_on_the_page_others_cannot(
    client, reception_day, deputy, other_deputy, other_station_deputy
):
    url = reverse("deputies:reception_confirm", args=[reception_day.pk])
    client.force_login(other_deputy)
    assert client.post(url).status_code == 404
    client.force_login(deputy)
    assert client.post(url).status_code == 302
    assert DutyRecord.objects.filter(kind=DutyKind.STATION_DUTY, deputy=deputy.deputy).count() == 1


def test_manual_entry_rules(station_deputy, deputy):
    with pytest.raises(InvalidInput) as err:
        services.add_manual_duty(
            station_deputy, kind="inspection", title="视察", date=dt.date(2099, 1, 1), actor=deputy
        )
    assert err.value.code == "future_date"
    with pytest.raises(InvalidInput):
        services.add_manual_duty(
            station_deputy, kind="inspection", title=" ", date=dt.date(2025, 1, 1), actor=deputy
        )
    entry = services.add_manual_duty(
        station_deputy,
        kind="inspection",
        title="视察养老驿站",
        date=dt.date(2025, 1, 1),
        actor=deputy,
    )
    assert entry.is_manual


def test_automatic_entries_cannot_be_deleted_manual_ones_can(
    client, deputy, station_deputy, reception_day
):
    auto = services.log_duty(
        station_deputy,
        kind=DutyKind.STATION_DUTY,
        title="值班",
        date=reception_day.date,
        source=reception_day,
    )
    manual = services.add_manual_duty(
        station_deputy, kind="other", title="走访", date=dt.date(2025, 5, 1), actor=deputy
    )
    client.force_login(deputy)
    client.post(reverse("deputies:duty_delete", args=[auto.pk]))
    client.post(reverse("deputies:duty_delete", args=[manual.pk]))
    assert list(DutyRecord.objects.all()) == [auto]


def test_publishing_shows_entries_on_the_public_profile(
    client, deputy, station_deputy, other_deputy
):
    shown = services.add_manual_duty(
        station_deputy,
        kind="inspection",
        title="公开的视察",
        date=dt.date(2025, 3, 1),
        actor=deputy,
    )
    services.add_manual_duty(
        station_deputy,
        kind="inspection",
        title="未公开的调研",
        date=dt.date(2025, 3, 2),
        actor=deputy,
    )
    profile = reverse("deputies:deputy", args=[station_deputy.pk])
    assert "公开的视察" not in client.get(profile).content.decode()
    # Another deputy cannot publish my entries.
    client.force_login(other_deputy)
    client.post(reverse("deputies:duty_record"), {"ids": [shown.pk], "publish": "1"})
    shown.refresh_from_db()
    assert not shown.is_published
    client.force_login(deputy)
    client.post(reverse("deputies:duty_record"), {"ids": [shown.pk], "publish": "1"})
    client.logout()
    body = client.get(profile).content.decode()
    assert "公开的视察" in body and "未公开的调研" not in body
    api = client.get(f"/api/deputies/{station_deputy.pk}/duty/").json()
    assert [r["title"] for r in api["results"]] == ["公开的视察"]


def test_duty_record_api_is_own_only(client, deputy, other_deputy, station_deputy):
    mine = services.add_manual_duty(
        station_deputy, kind="other", title="我的", date=dt.date(2025, 3, 1), actor=deputy
    )
    client.force_login(other_deputy)
    assert client.get("/api/duty-records/").json()["count"] == 0
    assert client.post(f"/api/duty-records/{mine.pk}/publish/").status_code == 404
    client.force_login(deputy)
    assert client.post(f"/api/duty-records/{mine.pk}/publish/").json()["is_published"] is True
    r = client.post(
        "/api/duty-records/", {"kind": "inspection", "title": "API 视察", "date": "2099-01-01"}
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "future_date"


def test_yearly_summary_counts_by_kind(client, deputy, station_deputy):
    for day in (1, 2):
        services.add_manual_duty(
            station_deputy,
            kind="inspection",
            title=f"视察{day}",
            date=dt.date(2025, 4, day),
            actor=deputy,
        )
    services.add_manual_duty(
        station_deputy, kind="meeting", title="会议", date=dt.date(2025, 5, 1), actor=deputy
    )
    services.add_manual_duty(
        station_deputy, kind="meeting", title="去年的会议", date=dt.date(2024, 5, 1), actor=deputy
    )
    client.force_login(deputy)
    response = client.get(reverse("deputies:duty_summary", args=[2025]))
    assert response.context["total"] == 3
    assert {r["n"] for r in response.context["rows"]} == {2, 1}


def test_training_completion_enters_the_duty_record(client, deputy, station_deputy):
    material = TrainingMaterial.objects.create(title="履职培训", body="内容", is_published=True)
    hidden = TrainingMaterial.objects.create(title="草稿", body="", is_published=False)
    client.force_login(deputy)
    assert client.get(reverse("deputies:training", args=[hidden.pk])).status_code == 404
    client.post(reverse("deputies:training", args=[material.pk]))
    client.post(reverse("deputies:training", args=[material.pk]))
    assert TrainingCompletion.objects.filter(deputy=station_deputy).count() == 1
    assert DutyRecord.objects.filter(kind=DutyKind.TRAINING, deputy=station_deputy).count() == 1
    with pytest.raises(DomainError):
        services.complete_training(hidden, deputy=station_deputy)


def test_staff_statistics_for_staff_only(client, staff, deputy, station_deputy):
    services.add_manual_duty(
        station_deputy, kind="meeting", title="会议", date=dt.date(2025, 5, 1), actor=deputy
    )
    url = reverse("deputies:statistics") + "?year=2025"
    client.force_login(deputy)
    assert client.get(url).status_code == 403
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["by_kind"][0]["n"] == 1
