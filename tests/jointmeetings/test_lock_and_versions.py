"""Sign-off locks the entry; corrections become versions with a reason, shown as such."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from congress.errors import DomainError, InvalidInput, PermissionRefused
from congress.jointmeetings import services
from congress.jointmeetings.models import JointMeetingState

pytestmark = pytest.mark.django_db


def test_sign_off_locks_and_freezes_version_one(staff, open_meeting):
    services.sign_off(open_meeting, actor=staff)
    open_meeting.refresh_from_db()
    assert open_meeting.state == JointMeetingState.SIGNED_OFF
    assert open_meeting.version == 1
    v1 = open_meeting.versions.get()
    assert (v1.number, v1.information, v1.reason) == (1, "会议纪要", "")


def test_only_staff_sign_off(recorder, open_meeting):
    with pytest.raises(PermissionRefused):
        services.sign_off(open_meeting, actor=recorder)
    open_meeting.refresh_from_db()
    assert open_meeting.state == JointMeetingState.RECORDING


def test_sign_off_needs_information(staff, make_meeting):
    m = make_meeting(number=5, state=JointMeetingState.RECORDING)
    with pytest.raises(InvalidInput) as exc:
        services.sign_off(m, actor=staff)
    assert exc.value.code == "no_information"


def test_planned_entry_cannot_be_signed_off(staff, make_meeting):
    m = make_meeting(number=5, information="x")
    with pytest.raises(DomainError) as exc:
        services.sign_off(m, actor=staff)
    assert exc.value.code == "bad_transition"


def test_locked_entry_refuses_edits(client, recorder, signed_meeting):
    with pytest.raises(DomainError) as exc:
        services.update_entry(signed_meeting, actor=recorder, information="改写")
    assert exc.value.code == "locked"
    client.force_login(recorder)
    url = reverse("jointmeetings:portal_edit", args=[signed_meeting.pk])
    assert client.get(url).status_code == 409
    response = client.post(url, {"information": "改写", "notice": "", "agenda": ""})
    assert response.status_code == 409
    assert "锁定" in response.text or "locked" in response.text
    signed_meeting.refresh_from_db()
    assert signed_meeting.information == "原始纪要"


def test_locked_entry_refuses_photos(recorder, signed_meeting):
    from django.core.files.base import ContentFile

    from congress.uploads import sample_jpeg

    with pytest.raises(DomainError) as exc:
        services.add_photo(signed_meeting, actor=recorder, file=ContentFile(sample_jpeg(), "a.jpg"))
    assert exc.value.code == "locked"
    assert signed_meeting.photos.count() == 0


def test_correction_creates_a_version_with_reason(staff, signed_meeting):
    moment = timezone.make_aware(dt.datetime(2024, 5, 6, 10, 0))
    with time_machine.travel(moment, tick=False):
        v2 = services.correct_entry(
            signed_meeting, actor=staff, reason="更正出席人数", attendance="21个街道工委主任"
        )
    signed_meeting.refresh_from_db()
    assert v2.number == 2 and v2.reason == "更正出席人数"
    assert signed_meeting.version == 2
    assert signed_meeting.attendance == "21个街道工委主任"
    assert signed_meeting.correction_reason == "更正出席人数"
    # The earlier version keeps the text as signed off.
    v1 = signed_meeting.versions.get(number=1)
    assert v1.attendance == "" and v1.information == "原始纪要"


def test_correction_needs_reason_staff_and_a_change(staff, recorder, signed_meeting, open_meeting):
    with pytest.raises(InvalidInput) as exc:
        services.correct_entry(signed_meeting, actor=staff, reason=" ", information="新")
    assert exc.value.code == "reason_required"
    with pytest.raises(PermissionRefused):
        services.correct_entry(signed_meeting, actor=recorder, reason="r", information="新")
    with pytest.raises(InvalidInput) as exc:
        services.correct_entry(signed_meeting, actor=staff, reason="r", information="原始纪要")
    assert exc.value.code == "no_change"
    with pytest.raises(DomainError) as exc:
        services.correct_entry(open_meeting, actor=staff, reason="r", information="新")
    assert exc.value.code == "not_signed_off"
    assert signed_meeting.versions.count() == 1


def test_book_shows_correction_and_earlier_versions(client, staff, signed_meeting):
    services.correct_entry(signed_meeting, actor=staff, reason="错别字", information="更正后的纪要")
    response = client.get(reverse("jointmeetings:entry", args=[signed_meeting.number]))
    assert response.status_code == 200
    assert "更正后的纪要" in response.text
    assert "错别字" in response.text
    v1_url = reverse("jointmeetings:version", args=[signed_meeting.number, 1])
    assert v1_url in response.text
    old = client.get(v1_url)
    assert old.status_code == 200 and "原始纪要" in old.text


def test_correction_page_is_staff_only(client, recorder, staff, signed_meeting):
    url = reverse("jointmeetings:portal_correct", args=[signed_meeting.pk])
    client.force_login(recorder)
    assert client.post(url, {"reason": "x", "topic": "t"}).status_code == 404
    client.force_login(staff)
    response = client.post(
        url,
        {
            "reason": "补充地点",
            "topic": signed_meeting.topic,
            "place": "北下关",
            "information": "原始纪要",
        },
    )
    assert response.status_code == 302
    signed_meeting.refresh_from_db()
    assert signed_meeting.version == 2 and signed_meeting.place == "北下关"
    # A missing reason keeps what was typed and says why.
    response = client.post(url, {"reason": "", "topic": "t", "information": "typed text"})
    assert response.status_code == 400
    assert "typed text" in response.text


def test_mark_held_not_before_the_date(recorder, make_meeting):
    m = make_meeting(number=3, date=dt.date(2030, 1, 1))
    with pytest.raises(DomainError) as exc:
        services.mark_held(m, actor=recorder)
    assert exc.value.code == "not_yet"
    with time_machine.travel(timezone.make_aware(dt.datetime(2030, 1, 1, 18)), tick=False):
        services.mark_held(m, actor=recorder)
    m.refresh_from_db()
    assert m.state == JointMeetingState.RECORDING


def test_other_recorder_cannot_mark_held(other_recorder, make_meeting):
    m = make_meeting(number=3, date=dt.date(2022, 1, 1))
    with pytest.raises(PermissionRefused):
        services.mark_held(m, actor=other_recorder)


def test_entry_page_shows_the_history_in_words(client, staff, signed_meeting):
    client.force_login(staff)
    page = client.get(reverse("jointmeetings:portal_entry", args=[signed_meeting.pk]))
    assert page.status_code == 200
    assert "已签发" in page.text
    assert "signed_off" not in page.text  # the history shows labels, not codes
