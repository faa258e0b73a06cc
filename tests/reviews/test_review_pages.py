"""Who sees what in report reviews: public results only when published, the letter's formats and
access, the staff pages and the API."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from congress import deadlines
from evaluations.reviews import services
from evaluations.reviews.models import ReviewTopic, TopicState
from tests.factories import UnitFactory
from tests.reviews.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(topic, court_liaison, judicial_staff, standing_meeting, time_machine):
    """A topic whose letter was issued on 10 May 2024."""
    time_machine.move_to(at("2024-03-01"), tick=False)
    report = services.request_report(topic, actor=judicial_staff, due_date=dt.date(2024, 4, 20))
    deadlines.submit_report(report, actor=court_liaison, title="报告", text="……")
    services.record_review(topic, actor=judicial_staff, meeting=standing_meeting)
    services.save_letter(
        topic,
        actor=judicial_staff,
        number="海人常审〔2024〕5号",
        title="关于行政审判工作情况的审议意见",
        addressee="区人民法院",
        body="一、进一步提升行政审判质效。\n二、加强行政争议实质性化解。",
    )
    services.issue_letter(topic, actor=judicial_staff, issued_on=dt.date(2024, 5, 10))
    return topic


def publish(topic, actor):
    ReviewTopic.objects.filter(pk=topic.pk).update(state=TopicState.CONCLUDED)
    topic.refresh_from_db()
    services.publish(topic, actor=actor, summary="已公开的结果")


def test_public_list_shows_only_published_results(
    client, plan, court, judicial_staff, django_assert_num_queries
):
    hidden = ReviewTopic.objects.create(plan=plan, title="未公开的议题", agency=court)
    shown = ReviewTopic.objects.create(plan=plan, title="已公开的议题", agency=court)
    publish(shown, judicial_staff)
    # published topics with rating counts (one query), unread badge not needed for anonymous.
    with django_assert_num_queries(1):
        page = client.get(reverse("reviews:public_list"))
    assert "已公开的议题" in page.text and "未公开的议题" not in page.text
    assert client.get(reverse("reviews:public_detail", args=[hidden.pk])).status_code == 404
    for i in range(10):
        t = ReviewTopic.objects.create(plan=plan, title=f"议题{i}", agency=court)
        publish(t, judicial_staff)
    with django_assert_num_queries(1):
        client.get(reverse("reviews:public_list"))


def test_letter_formats(client, issued, judicial_staff):
    from docx import Document

    client.force_login(judicial_staff)
    html = client.get(reverse("reviews:letter", args=[issued.pk]))
    assert html.status_code == 200
    assert "海人常审〔2024〕5号" in html.text and "2024年5月10日" in html.text
    assert "reviews/css/reviews.css" in html.text  # the print stylesheet
    docx = client.get(reverse("reviews:letter_docx", args=[issued.pk]))
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert (
        "审议意见书" in text and "二、加强行政争议实质性化解。" in text and "区人民法院：" in text
    )
    pdf = client.get(reverse("reviews:letter_pdf", args=[issued.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert b"STSong-Light" in pdf.content


def test_who_may_read_the_letter(client, issued, court_liaison, other_liaison, judicial_staff):
    url = reverse("reviews:letter_pdf", args=[issued.pk])
    assert client.get(url).status_code == 404  # not published yet
    client.force_login(other_liaison)
    assert client.get(url).status_code == 404
    client.force_login(court_liaison)  # the agency's own liaison
    assert client.get(url).status_code == 200
    client.logout()
    publish(issued, judicial_staff)
    assert client.get(url).status_code == 200


def test_draft_letters_are_for_staff_only(
    client, topic, court_liaison, judicial_staff, standing_meeting, time_machine
):
    time_machine.move_to(at("2024-03-01"), tick=False)
    report = services.request_report(topic, actor=judicial_staff, due_date=dt.date(2024, 4, 20))
    deadlines.submit_report(report, actor=court_liaison, title="报告", text="……")
    services.record_review(topic, actor=judicial_staff, meeting=standing_meeting)
    client.force_login(judicial_staff)
    response = client.post(
        reverse("reviews:save_letter", args=[topic.pk]),
        {
            "number": "海人常审〔2024〕7号",
            "title": "审议意见",
            "addressee": "区人民法院",
            "body": "",
        },
    )
    assert response.status_code == 400  # no text: the form keeps the rest
    assert "海人常审〔2024〕7号" in response.text
    response = client.post(
        reverse("reviews:save_letter", args=[topic.pk]),
        {
            "number": "海人常审〔2024〕7号",
            "title": "审议意见",
            "addressee": "区人民法院",
            "body": "意见。",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("reviews:letter", args=[topic.pk])).status_code == 200
    client.force_login(court_liaison)
    assert client.get(reverse("reviews:letter", args=[topic.pk])).status_code == 404


def test_staff_pages_run_the_loop(client, topic, judicial_staff, court_liaison, time_machine):
    time_machine.move_to(at("2024-03-01"), tick=False)
    client.force_login(judicial_staff)
    assert topic.title in client.get(reverse("reviews:portal_list")).text
    page = client.get(reverse("reviews:portal_detail", args=[topic.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("reviews:request_report", args=[topic.pk]), {"due_date": "2024-04-20"}
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.state == TopicState.REPORT_DUE
    # A liaison cannot run the loop.
    client.force_login(court_liaison)
    assert (
        client.post(reverse("reviews:publish", args=[topic.pk]), {"summary": "x"}).status_code
        == 404
    )
    page = client.get(reverse("reviews:portal_detail", args=[topic.pk]))  # but follows its topic
    assert page.status_code == 200


def test_api_public_read_and_staff_write(client, plan, court, judicial_staff, liaison):
    hidden = ReviewTopic.objects.create(plan=plan, title="未公开", agency=court)
    shown = ReviewTopic.objects.create(plan=plan, title="已公开", agency=court)
    publish(shown, judicial_staff)
    body = client.get("/api/reviews/").json()
    assert [t["title"] for t in body["results"]] == ["已公开"]
    assert client.get(f"/api/reviews/{hidden.pk}/").status_code == 404
    assert (
        client.post(
            "/api/reviews/", {"plan": plan.pk, "title": "新议题", "agency": court.pk}
        ).status_code
        == 403
    )
    client.force_login(liaison)
    # Writing is for staff: refused before any lookup.
    assert client.post(f"/api/reviews/{hidden.pk}/publish/", {"summary": "x"}).status_code == 403
    hidden.refresh_from_db()
    assert hidden.published_at is None
    client.force_login(judicial_staff)
    assert client.get("/api/reviews/").json()["count"] == 2
    department = UnitFactory(name="区教委")
    response = client.post(
        "/api/reviews/",
        {"plan": plan.pk, "title": "区教委的报告", "agency": department.pk},
        content_type="application/json",
    )
    assert response.status_code == 400  # only the government, commission and courts report
    response = client.post(
        "/api/reviews/",
        {"plan": plan.pk, "title": "区人民法院关于执行工作情况的报告", "agency": court.pk},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["state"] == "planned"
    new = response.json()["id"]
    response = client.post(
        f"/api/reviews/{new}/request-report/",
        {"due_date": "2020-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "date_past"


def test_members_see_what_waits_for_their_rating(client, topic, members, deputy, judicial_staff):
    ReviewTopic.objects.filter(pk=topic.pk).update(state=TopicState.RATING)
    client.force_login(members[0])
    page = client.get(reverse("portal:dashboard"))
    assert topic.title in page.text
    detail = client.get(reverse("reviews:portal_detail", args=[topic.pk]))
    assert detail.status_code == 200 and detail.context["can_rate"] is True
    services.rate(topic, actor=members[0], value="satisfied")
    assert topic.title not in client.get(reverse("portal:dashboard")).text
    # An ordinary deputy sees neither the topic nor the rating form.
    client.force_login(deputy)
    assert client.get(reverse("reviews:portal_detail", args=[topic.pk])).status_code == 404
    assert (
        client.post(reverse("reviews:rate", args=[topic.pk]), {"value": "satisfied"}).status_code
        == 404
    )


def test_home_panel_lists_published_results(client, plan, court, judicial_staff):
    shown = ReviewTopic.objects.create(plan=plan, title="首页公开的议题", agency=court)
    publish(shown, judicial_staff)
    from congress.panels import HOME_PANELS

    panel = next(p for p in HOME_PANELS if p.template == "reviews/_home_panel.html")
    assert [t.title for t in panel.context(None)["topics"]] == ["首页公开的议题"]
