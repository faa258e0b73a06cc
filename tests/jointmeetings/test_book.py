"""The public book: signed-off entries only, per year, printable, PDF and DOCX; flat queries."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from congress.jointmeetings import services
from congress.jointmeetings.models import JointMeetingState
from congress.uploads import sample_jpeg
from tests.factories import StreetFactory, WorkCommitteeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(make_meeting, staff, recorder, work_committee):
    """Signed-off entries in 2022 and 2023 (one with a photo), an open one, a planned one."""
    first = make_meeting(
        number=1,
        date=dt.date(2022, 3, 29),
        topic="审议工作制度",
        state=JointMeetingState.RECORDING,
        information="通过了工作制度",
    )
    services.add_photo(first, actor=recorder, file=io.BytesIO(sample_jpeg()), caption="合影")
    services.sign_off(first, actor=staff)
    second = make_meeting(
        number=2,
        date=dt.date(2023, 5, 20),
        topic="调研老旧小区",
        state=JointMeetingState.RECORDING,
        information="实地察看",
    )
    services.sign_off(second, actor=staff)
    make_meeting(
        number=3,
        date=dt.date(2023, 7, 20),
        topic="尚未签发的记录",
        state=JointMeetingState.RECORDING,
        information="草稿",
    )
    make_meeting(number=4, date=dt.date(2030, 1, 1), topic="计划中的会议")
    return first, second


def test_book_shows_only_signed_off_entries_per_year(client, book):
    r = client.get(reverse("jointmeetings:book"))
    assert r.status_code == 200
    assert "调研老旧小区" in r.text  # the latest year by default
    assert "尚未签发的记录" not in r.text and "计划中的会议" not in r.text
    r = client.get(reverse("jointmeetings:book"), {"year": 2022})
    assert "审议工作制度" in r.text and "合影" in r.text
    assert client.get(reverse("jointmeetings:entry", args=[3])).status_code == 404


def test_print_pdf_and_docx(client, book):
    r = client.get(reverse("jointmeetings:book_print"))
    assert r.status_code == 200
    assert "审议工作制度" in r.text and "调研老旧小区" in r.text and "草稿" not in r.text
    assert "jointmeetings/css/book.css" in r.text  # the print stylesheet
    pdf = client.get(reverse("jointmeetings:book_pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert b"STSong-Light" in pdf.content
    docx = client.get(reverse("jointmeetings:book_docx"))
    assert docx.status_code == 200
    import docx as python_docx

    text = "\n".join(p.text for p in python_docx.Document(io.BytesIO(docx.content)).paragraphs)
    assert "审议工作制度" in text and "草稿" not in text


def test_public_api_lists_signed_off_entries_only(client, book, recorder):
    data = client.get("/api/joint-meetings/").json()
    assert [e["number"] for e in data["results"]] == [1, 2]
    assert client.get(f"/api/joint-meetings/{book[0].pk + 2}/").status_code == 404
    client.force_login(recorder)  # recorders see the open entries too
    data = client.get("/api/joint-meetings/").json()
    assert [e["number"] for e in data["results"]] == [1, 2, 3, 4]


def _signed(make_meeting, staff, n, lead):
    m = make_meeting(
        number=n,
        date=dt.date(2024, 1, 1) + dt.timedelta(days=n),
        lead=lead,
        state=JointMeetingState.RECORDING,
        information=f"纪要{n}",
    )
    services.sign_off(m, actor=staff)
    return m


def test_book_query_count_is_flat(
    client, make_meeting, staff, work_committee, recorder, django_assert_num_queries
):
    leads = [work_committee] + [
        WorkCommitteeFactory(street=StreetFactory(name=f"街道{i}"), rotation_order=10 + i)
        for i in range(3)
    ]
    m = _signed(make_meeting, staff, 1, leads[0])
    url = reverse("jointmeetings:book") + "?year=2024"
    # 1 the years, 2 the entries with their lead streets, 3 their photos.
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200
    for n in range(2, 21):
        _signed(make_meeting, staff, n, leads[n % 4])
    services.correct_entry(m, actor=staff, reason="更正", information="更正后")
    with django_assert_num_queries(3):
        r = client.get(url)
    assert r.text.count('class="card jm-entry"') == 20


def test_portal_list_query_count_is_flat(
    client, make_meeting, recorder, work_committee, django_assert_num_queries
):
    make_meeting(number=1)
    client.force_login(recorder)
    url = reverse("jointmeetings:portal_list")
    client.get(url)
    # session, user, memberships (actor), count, page of entries with leads, open entries
    # (mine), unread notifications (header).
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200
    for n in range(2, 21):
        make_meeting(number=n)
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200


def test_api_sign_off_is_staff_only(client, open_meeting, recorder, staff):
    url = f"/api/joint-meetings/{open_meeting.pk}/sign-off/"
    client.force_login(recorder)
    assert client.post(url).status_code == 403
    client.force_login(staff)
    r = client.post(url)
    assert r.status_code == 200 and r.json()["state"] == "signed_off" and r.json()["version"] == 1
    r = client.post(url)
    assert r.status_code == 409 and r.json()["error"]["code"] == "bad_transition"
    # Locked now: the recorder's API edit is refused.
    client.force_login(recorder)
    r = client.post(
        f"/api/joint-meetings/{open_meeting.pk}/entry/",
        {"notice": "x"},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "locked"
