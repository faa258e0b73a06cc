"""Only the lead street's recorder writes an open entry; everybody else is refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from congress.errors import PermissionRefused
from congress.jointmeetings import services

pytestmark = pytest.mark.django_db

FORM = {
    "place": "北下关街道工委会议室",
    "attendance": "22个街道工委主任",
    "notice": "定于3月29日召开联席会",
    "agenda": "一、审议工作制度",
    "information": "会议审议通过了工作制度。",
}


def test_lead_recorder_writes_the_entry(client, recorder, open_meeting, work_committee):
    client.force_login(recorder)
    url = reverse("jointmeetings:portal_edit", args=[open_meeting.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {**FORM, "attending": [work_committee.pk]})
    assert response.status_code == 302
    open_meeting.refresh_from_db()
    assert open_meeting.notice == FORM["notice"]
    assert open_meeting.information == FORM["information"]
    assert list(open_meeting.attending.all()) == [work_committee]


def test_other_streets_recorder_gets_404(client, other_recorder, open_meeting):
    client.force_login(other_recorder)
    url = reverse("jointmeetings:portal_edit", args=[open_meeting.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, FORM).status_code == 404
    open_meeting.refresh_from_db()
    assert open_meeting.notice == ""


def test_other_streets_recorder_reads_but_cannot_edit(client, other_recorder, open_meeting):
    client.force_login(other_recorder)
    response = client.get(reverse("jointmeetings:portal_entry", args=[open_meeting.pk]))
    assert response.status_code == 200
    assert reverse("jointmeetings:portal_edit", args=[open_meeting.pk]) not in response.text


def test_deputy_and_anonymous_are_refused(client, deputy, open_meeting):
    url = reverse("jointmeetings:portal_edit", args=[open_meeting.pk])
    response = client.post(url, FORM)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(deputy)
    assert client.post(url, FORM).status_code == 404
    assert (
        client.get(reverse("jointmeetings:portal_entry", args=[open_meeting.pk])).status_code == 403
    )
    assert client.get(reverse("jointmeetings:portal_list")).status_code == 403
    open_meeting.refresh_from_db()
    assert open_meeting.notice == ""


def test_staff_oversee_but_do_not_write_the_entry(client, staff, open_meeting):
    client.force_login(staff)
    assert (
        client.get(reverse("jointmeetings:portal_entry", args=[open_meeting.pk])).status_code == 200
    )
    assert (
        client.post(reverse("jointmeetings:portal_edit", args=[open_meeting.pk]), FORM).status_code
        == 404
    )
    with pytest.raises(PermissionRefused):
        services.update_entry(open_meeting, actor=staff, notice="x")


def test_service_refuses_other_recorder(other_recorder, open_meeting):
    with pytest.raises(PermissionRefused) as exc:
        services.update_entry(open_meeting, actor=other_recorder, notice="x")
    assert exc.value.code == "not_lead_recorder"


def test_api_entry_action_scoped_to_lead_recorder(client, recorder, other_recorder, open_meeting):
    url = f"/api/joint-meetings/{open_meeting.pk}/entry/"
    client.force_login(other_recorder)
    response = client.post(url, {"notice": "别人的通知"}, content_type="application/json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    client.force_login(recorder)
    response = client.post(url, {"notice": "我们的通知"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["notice"] == "我们的通知"


def test_dashboard_panel_lists_the_recorders_open_entries(
    client, recorder, other_recorder, open_meeting
):
    client.force_login(recorder)
    page = client.get(reverse("portal:dashboard"))
    assert reverse("jointmeetings:portal_edit", args=[open_meeting.pk]) in page.text
    client.force_login(other_recorder)
    page = client.get(reverse("portal:dashboard"))
    assert reverse("jointmeetings:portal_edit", args=[open_meeting.pk]) not in page.text


def test_photo_url_size_is_checked(client, open_meeting):
    assert client.get("/joint-meetings/photos/1/other/").status_code == 404


def test_staff_dashboard_lists_entries_waiting_for_sign_off(client, staff, recorder, open_meeting):
    url = reverse("jointmeetings:portal_entry", args=[open_meeting.pk])
    client.force_login(staff)
    assert url in client.get(reverse("portal:dashboard")).text
    client.force_login(recorder)  # recorders get their own panel, not the sign-off one
    assert "jm-signoff-title" not in client.get(reverse("portal:dashboard")).text
