"""Station directory, calendar page and the iCal feed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from deputies import services
from deputies.models import ReceptionDay

pytestmark = pytest.mark.django_db


def test_ical_feed_parses_and_lists_the_reception_days(client, station, station_deputy):
    today = dt.date.today()
    for offset in (3, 10):
        services.schedule_reception_day(
            station,
            date=today + dt.timedelta(days=offset),
            starts_at=dt.time(14, 30),
            ends_at=dt.time(17),
            deputies=[station_deputy],
        )
    cancelled = services.schedule_reception_day(
        station, date=today + dt.timedelta(days=5), starts_at=dt.time(9), ends_at=dt.time(11),
        deputies=[],
    )  # fmt: skip
    services.cancel_reception_day(cancelled, actor=None)
    response = client.get(reverse("deputies:station_ical", args=[station.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 2
    first = events[0]
    assert first.decoded("dtstart").date() == today + dt.timedelta(days=3)
    assert first.decoded("dtstart").hour == 14
    assert "李明" in str(first.get("description"))
    assert station.address == str(first.get("location"))
    assert "13912345678" not in response.content.decode()


def test_inactive_station_has_no_feed(client, station):
    station.is_active = False
    station.save()
    assert client.get(reverse("deputies:station_ical", args=[station.pk])).status_code == 404
    assert client.get(reverse("deputies:station", args=[station.pk])).status_code == 404


def test_schedule_refuses_bad_times_and_double_booking(station):
    from congress.errors import InvalidInput

    day = dt.date(2026, 12, 9)
    with pytest.raises(InvalidInput):
        services.schedule_reception_day(
            station, date=day, starts_at=dt.time(15), ends_at=dt.time(14), deputies=[]
        )
    services.schedule_reception_day(
        station, date=day, starts_at=dt.time(9), ends_at=dt.time(11), deputies=[]
    )
    with pytest.raises(InvalidInput) as err:
        services.schedule_reception_day(
            station, date=day, starts_at=dt.time(9), ends_at=dt.time(10), deputies=[]
        )
    assert err.value.code == "slot_taken"
    assert ReceptionDay.objects.count() == 1


def test_station_directory_filters(client, station, other_station):
    body = client.get(
        reverse("deputies:station_list"), {"street": station.street_id}
    ).content.decode()
    assert station.name in body and other_station.name not in body
    body = client.get(reverse("deputies:station_list"), {"q": "中关村"}).content.decode()
    assert other_station.name in body and station.name not in body


def test_station_page_shows_public_phone_and_deputies(client, station, station_deputy):
    body = client.get(reverse("deputies:station", args=[station.pk])).content.decode()
    assert "010-62000001" in body and "李明" in body
    assert "13912345678" not in body
