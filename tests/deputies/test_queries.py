"""Query counts of the directory, dashboard and portal pages do not grow with rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from deputies import services
from deputies.models import Deputy, Mandate, ReceptionDay, Station, StationKind

pytestmark = pytest.mark.django_db
PORTAL_HOME = 12
OPINION_LIST = 8


def add_deputies(term, station, n):
    for i in range(n):
        d = Deputy.objects.create(name=f"代表{i:02d}", gender="F", mobile="13800000000")
        Mandate.objects.create(
            deputy=d, term=term, level="district", station=station, started_on=term.starts_on
        )


def add_stations(street, n):
    for i in range(n):
        Station.objects.create(
            name=f"联络站{i:02d}", kind=StationKind.STATION, street=street, address="地址"
        )


def test_deputy_directory_is_flat(client, django_assert_num_queries, term, station):
    add_deputies(term, station, 1)
    # count, deputies page, their mandates (prefetch with term, congress, group, station)
    # + the group and station filter choices (2)
    with django_assert_num_queries(5):
        assert client.get(reverse("deputies:deputy_list")).status_code == 200
    add_deputies(term, station, 19)
    with django_assert_num_queries(5):
        response = client.get(reverse("deputies:deputy_list"))
    assert len(response.context["page"].object_list) == 20


def test_deputy_profile_is_flat(client, django_assert_num_queries, deputy, station_deputy):
    url = reverse("deputies:deputy", args=[station_deputy.pk])
    services.add_manual_duty(
        station_deputy, kind="other", title="a", date=dt.date(2025, 1, 1), actor=deputy
    )
    services.set_duty_published(
        [r.pk for r in station_deputy.duty_records.all()], deputy=station_deputy, published=True
    )
    # deputy, mandates prefetch, duty count, duty page
    with django_assert_num_queries(4):
        client.get(url)
    for i in range(19):
        services.add_manual_duty(
            station_deputy, kind="other", title=f"b{i}", date=dt.date(2025, 1, 2), actor=deputy
        )
    services.set_duty_published(
        [r.pk for r in station_deputy.duty_records.all()], deputy=station_deputy, published=True
    )
    with django_assert_num_queries(4):
        client.get(url)


def test_station_directory_is_flat(client, django_assert_num_queries, street, station):
    ReceptionDay.objects.create(
        station=station,
        date=dt.date.today() + dt.timedelta(days=3),
        starts_at=dt.time(9),
        ends_at=dt.time(10),
    )
    # count, stations page (street joined, deputy counts), next reception days (+ deputies
    # prefetch), the street filter choices
    with django_assert_num_queries(5):
        client.get(reverse("deputies:station_list"))
    add_stations(street, 19)
    for s in Station.objects.exclude(pk=station.pk):
        ReceptionDay.objects.create(
            station=s,
            date=dt.date.today() + dt.timedelta(days=3),
            starts_at=dt.time(9),
            ends_at=dt.time(10),
        )
    with django_assert_num_queries(5):
        response = client.get(reverse("deputies:station_list"))
    assert len(response.context["page"].object_list) == 20


def test_reception_calendar_is_flat(client, django_assert_num_queries, station, station_deputy):
    def add(n, start):
        for i in range(n):
            services.schedule_reception_day(
                station,
                date=dt.date.today() + dt.timedelta(days=start + i),
                starts_at=dt.time(9),
                ends_at=dt.time(10),
                deputies=[station_deputy],
            )

    add(1, 1)
    # count, days page (station, street), deputies prefetch, street filter choices
    with django_assert_num_queries(4):
        client.get(reverse("deputies:reception_calendar"))
    add(19, 2)
    with django_assert_num_queries(4):
        client.get(reverse("deputies:reception_calendar"))


def test_dashboard_panel_costs_two_queries(rf, deputy, station_deputy, station):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from deputies.panels import dashboard_panel

    for i in range(5):
        services.schedule_reception_day(
            station,
            date=dt.date.today() + dt.timedelta(days=i + 1),
            starts_at=dt.time(9),
            ends_at=dt.time(10),
            deputies=[station_deputy],
        )
        services.record_opinion(
            station, recorded_by=station_deputy, content=f"意见{i}", category="other"
        )
    request = rf.get("/")
    request.user = deputy
    with CaptureQueriesContext(connection) as ctx:
        panel = dashboard_panel(request)
    # the deputy with both counts (subqueries), the next duty days
    assert len(ctx.captured_queries) == 2
    assert panel["open_opinions"] == 5 and len(panel["days"]) == 3 and panel["trainings"] == 0


def test_dashboard_panel_hidden_for_non_deputies(rf, liaison):
    from deputies.panels import dashboard_panel

    request = rf.get("/")
    request.user = liaison
    assert dashboard_panel(request) is None


def test_portal_dashboard_shows_the_panel(client, deputy, station_deputy):
    client.force_login(deputy)
    body = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("deputies:portal_home") in body


def test_portal_home_and_opinion_list_are_flat(
    client, django_assert_num_queries, deputy, station_deputy, station
):
    client.force_login(deputy)

    def add(n):
        for i in range(n):
            services.record_opinion(
                station, recorded_by=station_deputy, content=f"意见{i}", category="other"
            )
            services.schedule_reception_day(
                station,
                date=dt.date.today() + dt.timedelta(days=ReceptionDay.objects.count() + 1),
                starts_at=dt.time(9),
                ends_at=dt.time(10),
                deputies=[station_deputy],
            )

    add(1)
    client.get(reverse("deputies:portal_home"))  # warm the content-type cache
    for _ in range(2):
        # session, user, deputy profile, mandates, next duty days, my stations, open opinions,
        # trainings, recent duty, days to confirm, unread notifications and memberships (nav)
        with django_assert_num_queries(PORTAL_HOME):
            client.get(reverse("deputies:portal_home"))
        # session, user, deputy profile, my stations, memberships (actor), count, page,
        # unread notifications
        with django_assert_num_queries(OPINION_LIST):
            client.get(reverse("deputies:opinion_list"))
        add(19)


def test_public_api_list_is_flat(client, django_assert_num_queries, term, station):
    add_deputies(term, station, 1)
    # count, page, mandates prefetch
    with django_assert_num_queries(3):
        client.get("/api/deputies/")
    add_deputies(term, station, 19)
    with django_assert_num_queries(3):
        assert client.get("/api/deputies/").json()["count"] == 20
