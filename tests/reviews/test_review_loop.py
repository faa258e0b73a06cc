"""Time travel through a whole review loop: report before the meeting, review, letter, plan and
status reports with their deadlines (reminders, overdue, escalation), members' rating, publication."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from congress import deadlines
from congress.errors import DomainError
from congress.models import DeadlineNotice, Notification, ObligationState
from congress.sweep import sweep
from evaluations.reviews import services
from evaluations.reviews.models import (
    KIND_PLAN_REPORT,
    KIND_REPORT,
    KIND_STATUS_REPORT,
    Rating,
    TopicState,
)
from tests.reviews.conftest import at

pytestmark = pytest.mark.django_db


def obligation(topic, kind):
    return services.obligation(topic, kind)


def test_the_whole_loop_through_time(
    client,
    topic,
    court_liaison,
    judicial_staff,
    staff,
    standing_meeting,
    members,
    deputy,
    time_machine,
    django_capture_on_commit_callbacks,
):
    # 1 March 2024: staff ask the court for its report, due five days before the meeting.
    time_machine.move_to(at("2024-03-01"), tick=False)
    report = services.request_report(topic, actor=judicial_staff, due_date=dt.date(2024, 4, 20))
    assert topic.state == TopicState.REPORT_DUE
    assert (report.unit, report.kind, report.supervising_office) == (
        topic.agency,
        KIND_REPORT,
        topic.committee,
    )
    # Meeting without the report: refused.
    with pytest.raises(DomainError) as err:
        services.record_review(topic, actor=judicial_staff, meeting=standing_meeting)
    assert err.value.code == "report_missing"
    assert sweep(at("2024-04-06")).reminders == 1  # 14 days before 20 April
    # The court submits through its portal page.
    time_machine.move_to(at("2024-04-15"), tick=False)
    client.force_login(court_liaison)
    owed = client.get(reverse("portal:obligations"))
    assert topic.title in owed.text
    response = client.post(
        reverse("portal:obligation_submit", args=[report.pk]),
        {"title": topic.title, "text": "一、基本情况……"},
    )
    assert response.status_code == 302
    # 25 April: the standing committee meeting reviews it.
    time_machine.move_to(at("2024-04-25", 15), tick=False)
    services.record_review(
        topic, actor=judicial_staff, meeting=standing_meeting, deliberation="组成人员认为……"
    )
    report.refresh_from_db()
    assert report.state == ObligationState.ACCEPTED and topic.state == TopicState.REVIEWED
    # Staff draft and issue the review opinion letter on 10 May.
    services.save_letter(
        topic,
        actor=judicial_staff,
        number="海人常审〔2024〕5号",
        title="关于行政审判工作情况的审议意见",
        addressee="区人民法院",
        body="一、进一步提升行政审判质效。\n二、加强行政争议实质性化解。",
        copy_to="区人民政府",
    )
    services.issue_letter(topic, actor=judicial_staff, issued_on=dt.date(2024, 5, 10))
    assert topic.state == TopicState.OPINION_ISSUED
    plan_report = obligation(topic, KIND_PLAN_REPORT)
    status_report = obligation(topic, KIND_STATUS_REPORT)
    assert plan_report.due_date == dt.date(2024, 8, 10)  # 3 months from the letter
    assert status_report.due_date == dt.date(2024, 11, 10)  # 6 months
    assert plan_report.rule.code == "review-plan-report"
    assert Notification.objects.filter(
        recipient=court_liaison, kind="reviews.letter_issued"
    ).exists()
    # The plan report: reminders at 14, 3 and 1 days, submitted on time, accepted.
    reminded = []
    day = dt.date(2024, 7, 20)
    while day <= dt.date(2024, 8, 10):
        if sweep(at(day.isoformat())).reminders:
            reminded.append(day)
        day += dt.timedelta(days=1)
    assert reminded == [dt.date(2024, 7, 27), dt.date(2024, 8, 7), dt.date(2024, 8, 9)]
    deadlines.submit_report(
        plan_report, actor=court_liaison, title="研究处理方案", text="……", now=at("2024-08-09")
    )
    deadlines.accept_report(plan_report, actor=judicial_staff, now=at("2024-08-12"))
    # The status report comes late: overdue on 11 November, escalated to the committee a week on.
    assert sweep(at("2024-11-11")).overdue == 1
    status_report.refresh_from_db()
    assert status_report.state == ObligationState.OVERDUE
    result = sweep(at("2024-11-17"))
    assert result.escalations == 1
    escalation = Notification.objects.get(kind="deadline.escalation")
    assert escalation.recipient == judicial_staff  # the supervising committee, not the office
    assert not Notification.objects.filter(recipient=staff, kind="deadline.escalation").exists()
    deadlines.submit_report(
        status_report, actor=court_liaison, title="处理情况报告", text="……", now=at("2024-11-20")
    )
    # Acceptance opens the members' rating (the plan asks for it), through the signal on commit.
    with django_capture_on_commit_callbacks(execute=True):
        deadlines.accept_report(status_report, actor=judicial_staff, now=at("2024-11-25"))
    topic.refresh_from_db()
    assert topic.state == TopicState.RATING
    # Members rate, once each; an ordinary deputy may not.
    time_machine.move_to(at("2024-12-02"), tick=False)
    client.force_login(members[0])
    response = client.post(reverse("reviews:rate", args=[topic.pk]), {"value": "satisfied"})
    assert response.status_code == 302
    again = client.post(reverse("reviews:rate", args=[topic.pk]), {"value": "unsatisfied"})
    assert again.status_code == 409
    services.rate(topic, actor=members[1], value="basically")
    services.rate(topic, actor=members[2], value="unsatisfied")
    with pytest.raises(DomainError) as err:
        services.rate(topic, actor=deputy, value="satisfied")
    assert err.value.code == "not_member"
    assert Rating.objects.filter(topic=topic).count() == 3
    # Not public until published.
    client.logout()
    assert topic.title not in client.get(reverse("reviews:public_list")).text
    assert client.get(reverse("reviews:public_detail", args=[topic.pk])).status_code == 404
    services.close_rating(topic, actor=judicial_staff)
    with pytest.raises(DomainError):
        services.rate(topic, actor=members[0], value="satisfied")
    services.publish(topic, actor=judicial_staff, summary="区人民法院已按审议意见完成整改。")
    page = client.get(reverse("reviews:public_detail", args=[topic.pk]))
    assert page.status_code == 200
    assert "区人民法院已按审议意见完成整改" in page.text
    assert "海人常审〔2024〕5号" in page.text
    assert page.context["rating"]["satisfaction"] == 67
    assert topic.title in client.get(reverse("reviews:public_list")).text
    # The notices of the whole loop were each sent once.
    keys = list(DeadlineNotice.objects.values_list("obligation_id", "kind", "key"))
    assert len(keys) == len(set(keys))


def test_transitions_are_enforced(topic, judicial_staff, standing_meeting, time_machine):
    time_machine.move_to(at("2024-03-01"), tick=False)
    with pytest.raises(DomainError) as err:
        services.issue_letter(topic, actor=judicial_staff)
    assert err.value.code == "no_letter"
    with pytest.raises(DomainError) as err:
        services.publish(topic, actor=judicial_staff, summary="x")
    assert err.value.code == "not_concluded"
    with pytest.raises(DomainError) as err:
        services.request_report(topic, actor=judicial_staff, due_date=dt.date(2024, 2, 1))
    assert err.value.code == "date_past"
    services.request_report(topic, actor=judicial_staff, due_date=dt.date(2024, 4, 20))
    with pytest.raises(DomainError) as err:
        services.request_report(topic, actor=judicial_staff, due_date=dt.date(2024, 4, 20))
    assert err.value.code == "bad_transition"


def test_without_rating_the_accepted_status_report_concludes(
    topic,
    court_liaison,
    judicial_staff,
    standing_meeting,
    time_machine,
    django_capture_on_commit_callbacks,
):
    topic.rating_required = False
    topic.save()
    time_machine.move_to(at("2024-03-01"), tick=False)
    report = services.request_report(topic, actor=judicial_staff, due_date=dt.date(2024, 4, 20))
    deadlines.submit_report(report, actor=court_liaison, title="报告", text="……")
    services.record_review(topic, actor=judicial_staff, meeting=standing_meeting)
    services.save_letter(
        topic,
        actor=judicial_staff,
        number="海人常审〔2024〕6号",
        title="审议意见",
        addressee="区人民法院",
        body="意见。",
    )
    services.issue_letter(topic, actor=judicial_staff)
    status_report = obligation(topic, KIND_STATUS_REPORT)
    deadlines.submit_report(status_report, actor=court_liaison, title="处理情况", text="……")
    with django_capture_on_commit_callbacks(execute=True):
        deadlines.accept_report(status_report, actor=judicial_staff)
    topic.refresh_from_db()
    assert topic.state == TopicState.CONCLUDED
