"""The unit portal page "reports owed", one obligation's page and its actions, the staff dashboard
and its XLSX export: who sees what, what each action does, query counts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from congress import deadlines
from congress.models import ExtensionRequest, ObligationState
from congress.uploads import sample_pdf
from tests.congress.test_deadline_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _clock(time_machine):
    from tests.congress.test_deadline_fixtures import at

    time_machine.move_to(at(TODAY), tick=False)


def test_liaison_sees_only_its_units_obligations(client, make_obligation, liaison, other_unit):
    mine = make_obligation("2026-03-31", title="教委的报告")
    theirs = make_obligation("2026-03-31", of_unit=other_unit, title="体育局的报告")
    client.force_login(liaison)
    page = client.get(reverse("portal:obligations"))
    assert page.status_code == 200
    assert "教委的报告" in page.text and "体育局的报告" not in page.text
    assert client.get(reverse("portal:obligation", args=[mine.pk])).status_code == 200
    assert client.get(reverse("portal:obligation", args=[theirs.pk])).status_code == 404
    # Acting on another unit's obligation: 404 as well, and nothing changes.
    response = client.post(
        reverse("portal:obligation_submit", args=[theirs.pk]), {"title": "x", "text": "y"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == ObligationState.OPEN


def test_people_without_a_role_are_refused(client, make_obligation, deputy):
    ob = make_obligation("2026-03-31")
    assert client.get(reverse("portal:obligations")).status_code == 302  # anonymous → login
    client.force_login(deputy)
    assert client.get(reverse("portal:obligations")).status_code == 403
    assert client.get(reverse("portal:obligation", args=[ob.pk])).status_code == 403
    assert client.get(reverse("portal:deadlines")).status_code == 403


def test_list_query_count_is_flat(client, make_obligation, liaison, django_assert_num_queries):
    client.force_login(liaison)
    make_obligation("2026-03-31")

    def load():
        # session, user, memberships (actor), kinds for the filter, count, page of obligations
        # (with the pending-extension subquery), unread notifications in the nav.
        with django_assert_num_queries(7):
            assert client.get(reverse("portal:obligations")).status_code == 200

    load()
    for i in range(19):
        make_obligation(f"2026-04-{i + 1:02d}", title=f"报告{i}")
    load()


def test_liaison_submits_a_report_with_an_attachment(client, make_obligation, liaison, staff):
    ob = make_obligation("2026-03-31")
    client.force_login(liaison)
    upload = SimpleUploadedFile("plan.pdf", sample_pdf("plan"), content_type="application/pdf")
    response = client.post(
        reverse("portal:obligation_submit", args=[ob.pk]),
        {"title": "研究处理方案报告", "text": "", "file": upload},
    )
    assert response.status_code == 302
    ob.refresh_from_db()
    assert ob.state == ObligationState.SUBMITTED
    doc = ob.documents.get()
    assert doc.title == "研究处理方案报告" and doc.file
    download = client.get(reverse("portal:obligation_document", args=[ob.pk, doc.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # Staff can download too; another unit's liaison cannot.
    client.force_login(staff)
    assert (
        client.get(reverse("portal:obligation_document", args=[ob.pk, doc.pk])).status_code == 200
    )


def test_a_bad_upload_is_refused_and_what_was_typed_is_kept(client, make_obligation, liaison):
    ob = make_obligation("2026-03-31")
    client.force_login(liaison)
    fake = SimpleUploadedFile(
        "plan.pdf", b"<html><script>x</script></html>", content_type="application/pdf"
    )
    response = client.post(
        reverse("portal:obligation_submit", args=[ob.pk]),
        {"title": "我的标题", "text": "我写的内容", "file": fake},
    )
    assert response.status_code == 400
    assert "我写的内容" in response.text and "我的标题" in response.text
    ob.refresh_from_db()
    assert ob.state == ObligationState.OPEN and not ob.documents.exists()


def test_an_empty_report_is_refused(client, make_obligation, liaison):
    ob = make_obligation("2026-03-31")
    client.force_login(liaison)
    response = client.post(reverse("portal:obligation_submit", args=[ob.pk]), {"title": "标题"})
    assert response.status_code == 400
    ob.refresh_from_db()
    assert ob.state == ObligationState.OPEN


def test_extension_request_and_staff_decision_through_the_pages(
    client, make_obligation, liaison, staff, chairpersons_meeting
):
    ob = make_obligation("2026-03-31")
    client.force_login(liaison)
    response = client.post(
        reverse("portal:obligation_extension", args=[ob.pk]),
        {"requested_due_date": "2026-04-30", "reason": "涉及多个部门"},
    )
    assert response.status_code == 302
    request = ExtensionRequest.objects.get(obligation=ob)
    # The liaison cannot decide.
    response = client.post(
        reverse("portal:obligation_extension_decide", args=[ob.pk, request.pk]),
        {"decision": "approve"},
    )
    assert response.status_code == 404
    client.force_login(staff)
    page = client.get(reverse("portal:obligation", args=[ob.pk]))
    assert "涉及多个部门" in page.text
    response = client.post(
        reverse("portal:obligation_extension_decide", args=[ob.pk, request.pk]),
        {"decision": "approve", "new_due_date": "2026-04-20", "meeting": chairpersons_meeting.pk},
    )
    assert response.status_code == 302
    ob.refresh_from_db()
    request.refresh_from_db()
    assert ob.due_date == dt.date(2026, 4, 20) and request.meeting == chairpersons_meeting


def test_an_extension_for_an_earlier_date_is_refused_with_the_input_kept(
    client, make_obligation, liaison
):
    ob = make_obligation("2026-03-31")
    client.force_login(liaison)
    response = client.post(
        reverse("portal:obligation_extension", args=[ob.pk]),
        {"requested_due_date": "2026-03-20", "reason": "理由文本"},
    )
    assert response.status_code == 400
    assert "理由文本" in response.text
    assert not ExtensionRequest.objects.exists()


def test_staff_accept_return_and_urge(client, make_obligation, liaison, staff):
    ob = make_obligation("2026-03-31")
    client.force_login(staff)
    assert (
        client.post(reverse("portal:obligation_urge", args=[ob.pk]), {"note": "请抓紧"}).status_code
        == 302
    )
    assert ob.events.filter(kind="urged").exists()
    again = client.post(reverse("portal:obligation_urge", args=[ob.pk]), {"note": ""})
    assert again.status_code == 409
    deadlines.submit_report(ob, actor=liaison, title="报告", text="内容")
    response = client.post(
        reverse("portal:obligation_return", args=[ob.pk]), {"reason": "请补充数据"}
    )
    assert response.status_code == 302
    ob.refresh_from_db()
    assert ob.state == ObligationState.RETURNED
    deadlines.submit_report(ob, actor=liaison, title="报告（修改稿）", text="内容")
    assert client.post(reverse("portal:obligation_accept", args=[ob.pk])).status_code == 302
    ob.refresh_from_db()
    assert ob.state == ObligationState.ACCEPTED and ob.accepted_by == staff


def test_liaisons_cannot_use_staff_actions(client, make_obligation, liaison):
    ob = make_obligation("2026-03-31")
    client.force_login(liaison)
    assert client.post(reverse("portal:obligation_urge", args=[ob.pk])).status_code == 404
    assert client.post(reverse("portal:obligation_accept", args=[ob.pk])).status_code == 404
    assert not ob.events.filter(kind="urged").exists()


def test_staff_dashboard_shows_due_soon_overdue_waiting_and_rates(
    client, make_obligation, liaison, staff, other_unit, django_assert_num_queries
):
    from congress.sweep import sweep
    from tests.congress.test_deadline_fixtures import at

    soon = make_obligation("2026-03-25", title="近期到期报告")
    late = make_obligation("2026-03-01", of_unit=other_unit, title="已逾期报告")
    sweep(at(TODAY))
    deadlines.request_extension(
        soon, actor=liaison, reason="理由", requested_due_date=dt.date(2026, 5, 1)
    )
    done = make_obligation("2026-03-05", title="按时报告")
    deadlines.submit_report(done, actor=liaison, title="r", text="t", now=at("2026-03-04"))
    client.force_login(staff)
    # session, user, memberships, kinds, units (filter form), due soon, overdue by unit,
    # extension requests waiting, totals, on-time rates, heartbeat, unread count.
    with django_assert_num_queries(12):
        page = client.get(reverse("portal:deadlines"))
    assert page.status_code == 200
    text = page.text
    assert "近期到期报告" in text and "区体育局" in text
    assert page.context["totals"]["overdue"] == 1
    assert [r.obligation_id for r in page.context["waiting"]] == [soon.pk]
    rates = {r["unit__name"]: r["rate"] for r in page.context["rates"]}
    assert rates == {"区教委": 100, "区体育局": 0}
    assert late.pk not in [o.pk for o in page.context["soon"]]
    filtered = client.get(reverse("portal:deadlines"), {"unit": other_unit.pk})
    assert filtered.context["totals"]["overdue"] == 1 and filtered.context["soon"] == []


def test_xlsx_export_for_staff_only(client, make_obligation, liaison, staff):
    from openpyxl import load_workbook

    make_obligation("2026-03-25", title="导出报告")
    client.force_login(liaison)
    assert client.get(reverse("portal:deadlines_export")).status_code == 403
    client.force_login(staff)
    response = client.get(reverse("portal:deadlines_export"), {"state": "open"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    rows = list(wb.worksheets[0].values)
    assert len(rows) == 2 and rows[1][0] == "区教委" and rows[1][2] == "导出报告"
    empty = client.get(reverse("portal:deadlines_export"), {"state": "accepted"})
    assert len(list(load_workbook(io.BytesIO(empty.content)).worksheets[0].values)) == 1


def test_dashboard_panels(client, make_obligation, liaison, staff):
    make_obligation("2026-03-25", title="面板报告")
    client.force_login(liaison)
    page = client.get(reverse("portal:dashboard"))
    assert "面板报告" in page.text
    client.force_login(staff)
    page = client.get(reverse("portal:dashboard"))
    assert reverse("portal:deadlines") in page.text
