"""The yearly report on motions to the next congress session: its obligation (swept by the
engine like every deadline), the generated draft, editing, DOCX and PDF."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse

from congress import deadlines
from congress.models import ObligationState
from motions import services
from motions.models import SessionReport
from tests.motions.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(next_session, assigned, liaison, committee_staff):
    # The session exists before the assignment, which makes sure of the report.
    plan = deadlines.obligations_for(assigned).get(kind="motions.handling_plan")
    deadlines.submit_report(
        plan,
        actor=liaison,
        title="办理方案",
        text="三年打通六条断头路，建设两条公交专用道。",
        now=at("2022-03-10"),
    )
    deadlines.accept_report(plan, actor=committee_staff, now=at("2022-03-11"))
    services.post_update(
        assigned,
        actor=committee_staff,
        kind="inspection",
        title="代表视察永丰路",
        text="视察",
        happened_on=dt.date(2022, 6, 1),
        publish=True,
        now=at("2022-06-02"),
    )
    return SessionReport.objects.get(session=next_session)


def test_the_report_is_owed_30_days_before_the_session_and_swept(report, committee_office):
    from congress.sweep import sweep

    ob = services.session_report_obligation(report)
    assert (ob.unit, ob.kind, ob.due_date) == (
        committee_office,
        "motions.session_report",
        dt.date(2022, 12, 9),
    )
    # Only one report and one obligation per session, however often it is made sure of.
    services.ensure_session_report(report.term, now=at("2022-06-01"))
    services.ensure_session_report(report.term, now=at("2022-11-01"))
    assert SessionReport.objects.count() == 1
    assert deadlines.obligations_for(report).count() == 1
    # The engine's sweep treats it like every deadline: overdue the day after.
    sweep(at("2022-12-09"))
    ob.refresh_from_db()
    assert ob.state == ObligationState.OPEN
    sweep(at("2022-12-10"))
    ob.refresh_from_db()
    assert ob.state == ObligationState.OVERDUE


def test_the_draft_is_generated_from_the_motions_of_the_term(report, committee_staff, assigned):
    services.generate_session_report(report, actor=committee_staff, now=at("2022-11-20"))
    text = report.text
    assert "2022年第1号" in text and assigned.title in text
    assert "区教委" in text and "区体育局" in text  # lead unit and co-unit
    assert "督办年" in text  # its stage
    assert "三年打通六条断头路" in text  # the unit's handling plan
    assert "代表视察永丰路" in text  # the latest published update
    assert text.count("\n# ") >= 2  # headings


def test_staff_edit_the_draft_and_download_docx_and_pdf(client, report, committee_staff):
    services.generate_session_report(report, actor=committee_staff, now=at("2022-11-20"))
    client.force_login(committee_staff)
    url = reverse("motions:report_detail", args=[report.pk])
    response = client.post(
        url, {"title": report.title, "text": report.text + "\n常委会补充的一段话。"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert "常委会补充的一段话" in report.text and report.edited_by == committee_staff

    docx_response = client.get(reverse("motions:report_docx", args=[report.pk]))
    assert docx_response.status_code == 200
    import docx

    document = docx.Document(io.BytesIO(docx_response.content))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "常委会补充的一段话" in body and report.title in body
    assert any(p.style.name.startswith("Heading") for p in document.paragraphs)

    pdf_response = client.get(reverse("motions:report_pdf", args=[report.pk]))
    assert pdf_response.status_code == 200
    assert pdf_response["Content-Type"] == "application/pdf"
    assert pdf_response.content.startswith(b"%PDF-")
    assert b"STSong-Light" in pdf_response.content


def test_handing_the_report_in_submits_its_obligation(client, report, committee_staff):
    client.force_login(committee_staff)
    client.post(reverse("motions:report_generate", args=[report.pk]))
    client.post(reverse("motions:report_submit", args=[report.pk]))
    ob = services.session_report_obligation(report)
    assert ob.state == ObligationState.SUBMITTED
    assert ob.documents.get().text.startswith("（提请")


def test_report_pages_are_for_staff_and_edits_for_its_office(
    client, report, deputy, liaison, supervisor_elsewhere, staff
):
    url = reverse("motions:report_detail", args=[report.pk])
    for user in (deputy, liaison):
        client.force_login(user)
        assert client.get(reverse("motions:report_list")).status_code == 403
        assert client.get(url).status_code == 403
        assert client.get(reverse("motions:report_pdf", args=[report.pk])).status_code == 403
    client.force_login(supervisor_elsewhere)  # staff of another committee: reads, cannot edit
    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "x", "text": "y"}).status_code == 403
    assert client.post(reverse("motions:report_generate", args=[report.pk])).status_code == 403
    client.force_login(staff)  # the general office may edit every report
    assert client.post(url, {"title": report.title, "text": "全文"}).status_code == 302


def test_staff_prepare_the_report_to_the_next_session_from_the_list(
    client, staff, term, next_session, submitted
):
    client.force_login(staff)
    with time_machine.travel(at("2022-06-01"), tick=False):
        response = client.post(reverse("motions:report_prepare"))
    report = SessionReport.objects.get(session=next_session)
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert report.text and "待议案审查委员会审查1件" in report.text


def test_generating_the_draft_reads_a_fixed_number_of_queries(
    report, committee_staff, session, unit, other_unit, committee_office
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.motions.factories import handled_motion

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            services.generate_session_report(report, actor=committee_staff, now=at("2022-11-20"))
        return len(ctx)

    before = queries()
    for i in range(10):
        handled_motion(
            session,
            unit=unit,
            office=committee_office,
            co_unit=other_unit,
            published=3,
            number=100 + i,
        )
    assert queries() == before
    assert report.text.count("\n## ") == 11
