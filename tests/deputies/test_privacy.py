"""Voters' contacts and deputies' mobiles never appear in public pages, feeds or API responses;
another station's deputies cannot read them; every view of a voter's data is logged."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deputies import services
from deputies.models import OpinionAccessLog
from tests.deputies.conftest import DEPUTY_MOBILE, VOTER_MOBILE, VOTER_NAME

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(opinion, reception_day, station, station_deputy, other_station_deputy):
    d = station_deputy
    d.address = "北京市海淀区私宅路9号"
    d.save()
    record = services.log_duty(d, kind="other", title="公开的履职活动", date=opinion.received_on)
    record.is_published = True
    record.save()
    return opinion


def _public_urls(world, station, station_deputy):
    return [
        reverse("deputies:deputy_list"),
        reverse("deputies:deputy_list") + "?q=李",
        reverse("deputies:deputy", args=[station_deputy.pk]),
        reverse("deputies:station_list"),
        reverse("deputies:station", args=[station.pk]),
        reverse("deputies:station_ical", args=[station.pk]),
        reverse("deputies:reception_calendar"),
        "/api/deputies/",
        f"/api/deputies/{station_deputy.pk}/",
        f"/api/deputies/{station_deputy.pk}/duty/",
        "/api/deputy-stations/",
        f"/api/deputy-stations/{station.pk}/",
        "/api/reception-days/?start=2026-01-01",
    ]


def test_public_pages_feeds_and_api_never_show_personal_data(
    client, world, station, station_deputy
):
    for url in _public_urls(world, station, station_deputy):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in (DEPUTY_MOBILE, "liming@example.test", "私宅路", VOTER_MOBILE, VOTER_NAME):
            assert secret not in body, (url, secret)
    # The pages are not empty: the deputy's public name and station are there.
    assert (
        "李明" in client.get(reverse("deputies:deputy", args=[station_deputy.pk])).content.decode()
    )


def test_logged_in_non_staff_get_public_fields_only(client, world, liaison, station_deputy):
    client.force_login(liaison)
    body = client.get(f"/api/deputies/{station_deputy.pk}/").content.decode()
    assert DEPUTY_MOBILE not in body and "李明" in body


def test_registry_staff_api_shows_contacts(client, world, deputy_affairs_staff, station_deputy):
    client.force_login(deputy_affairs_staff)
    data = client.get(f"/api/deputies/{station_deputy.pk}/").json()
    assert data["mobile"] == DEPUTY_MOBILE
    assert data["email"] == "liming@example.test"


def test_public_serializer_has_no_private_field(client, world, station_deputy):
    data = client.get(f"/api/deputies/{station_deputy.pk}/").json()
    assert not {"mobile", "email", "address", "number", "birth_year"} & set(data)
    assert data["name"] == "李明"


def test_station_deputy_sees_voter_contact_and_the_view_is_logged(client, world, deputy):
    client.force_login(deputy)
    url = reverse("deputies:opinion", args=[world.pk])
    body = client.get(url).content.decode()
    assert VOTER_MOBILE in body and VOTER_NAME in body
    log = OpinionAccessLog.objects.get()
    assert (log.user, log.opinion, log.channel) == (deputy, world, "page")
    assert "voter_contact" in log.fields
    client.get(url)
    assert OpinionAccessLog.objects.count() == 2


def test_other_station_deputy_cannot_open_the_opinion(client, world, other_deputy):
    client.force_login(other_deputy)
    assert client.get(reverse("deputies:opinion", args=[world.pk])).status_code == 404
    assert client.get(f"/api/voter-opinions/{world.pk}/").status_code == 404
    listing = client.get("/api/voter-opinions/").json()
    assert listing["count"] == 0
    assert VOTER_MOBILE not in client.get(reverse("deputies:opinion_list")).content.decode()
    assert not OpinionAccessLog.objects.exists()


def test_staff_without_contact_permission_sees_opinion_without_contact(client, world, staff):
    client.force_login(staff)  # 办公室: may read opinions, not voters' contacts
    body = client.get(reverse("deputies:opinion", args=[world.pk])).content.decode()
    assert world.content in body
    assert VOTER_MOBILE not in body and VOTER_NAME not in body
    data = client.get(f"/api/voter-opinions/{world.pk}/").json()
    assert data["voter_contact"] is None and data["voter_name"] is None
    admin_body = client.get(
        reverse("admin:deputies_voteropinion_change", args=[world.pk])
    ).content.decode()
    assert VOTER_MOBILE not in admin_body
    assert not OpinionAccessLog.objects.exists()


def test_deputy_affairs_staff_see_contact_everywhere_and_each_view_is_logged(
    client, world, deputy_affairs_staff
):
    client.force_login(deputy_affairs_staff)
    data = client.get(f"/api/voter-opinions/{world.pk}/").json()
    assert data["voter_contact"] == VOTER_MOBILE
    admin = client.get(reverse("admin:deputies_voteropinion_change", args=[world.pk]))
    assert VOTER_MOBILE in admin.content.decode()
    assert list(OpinionAccessLog.objects.order_by("id").values_list("channel", flat=True)) == [
        "api",
        "admin",
    ]


def test_opinion_list_api_never_carries_voter_data(client, world, deputy):
    client.force_login(deputy)
    body = client.get("/api/voter-opinions/").content.decode()
    assert world.content in body
    assert VOTER_MOBILE not in body and VOTER_NAME not in body
    assert not OpinionAccessLog.objects.exists()


def test_unit_liaison_sees_forwarded_opinion_without_voter_contact(
    client, world, liaison, unit, deputy, reply_rule
):
    services.forward_opinion(world, unit=unit, actor=deputy)
    client.force_login(liaison)
    body = client.get(reverse("deputies:opinion", args=[world.pk])).content.decode()
    assert world.content in body and VOTER_MOBILE not in body
    assert client.get(f"/api/voter-opinions/{world.pk}/").json()["voter_contact"] is None


def test_anonymous_cannot_reach_opinions(client, world):
    assert client.get(f"/api/voter-opinions/{world.pk}/").status_code in (401, 403)
    response = client.get(reverse("deputies:opinion", args=[world.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_other_staff_api_gets_public_fields_only(
    client, world, staff, committee_staff, station_deputy
):
    for user in (staff, committee_staff):
        client.force_login(user)
        data = client.get(f"/api/deputies/{station_deputy.pk}/").json()
        assert "mobile" not in data and DEPUTY_MOBILE not in str(data)


def test_home_panel_shows_the_week_without_contacts(rf, world, station, station_deputy):
    import datetime as dt

    from django.template.loader import render_to_string

    from deputies.panels import home_panel

    services.schedule_reception_day(
        station,
        date=dt.date.today() + dt.timedelta(days=2),
        starts_at=dt.time(9),
        ends_at=dt.time(11),
        deputies=[station_deputy],
    )
    panel = home_panel(rf.get("/"))
    html = render_to_string("deputies/_home_panel.html", {"panel": panel})
    assert station.name in html
    assert DEPUTY_MOBILE not in html and VOTER_MOBILE not in html
