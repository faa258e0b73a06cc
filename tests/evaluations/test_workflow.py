"""The item's loop: self-report → research → ballot → opinion → rectification → follow-up."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from congress import deadlines
from congress.errors import DomainError
from congress.models import ObligationState
from deputies.models import DutyRecord
from evaluations import services
from evaluations.models import ItemState, OpinionSource
from evaluations.services import KIND_PLAN, KIND_REPORT, KIND_SELF_REPORT

OPINION_DAY = dt.datetime(2022, 9, 15, 10, tzinfo=dt.UTC)


def test_self_report_is_an_obligation_of_the_department(item, rules, staff, unit, office):
    ob = services.request_self_report(
        item, actor=staff, now=dt.datetime(2022, 4, 1, 9, tzinfo=dt.UTC)
    )
    assert ob.kind == KIND_SELF_REPORT
    assert ob.unit == unit and ob.supervising_office == office
    # The rule counts 30 days back from the meeting of the schedule (2022-08-25).
    assert ob.due_date == dt.date(2022, 7, 26)
    item.refresh_from_db()
    assert item.state == ItemState.SELF_REPORT


def test_self_report_may_take_an_explicit_due_date(item, rules, staff):
    ob = services.request_self_report(item, actor=staff, due_date=dt.date(2022, 6, 30))
    assert ob.due_date == dt.date(2022, 6, 30)


def test_self_report_needs_a_meeting_date_or_a_due_date(item, rules, staff):
    item.campaign.phases.all().delete()
    with pytest.raises(DomainError) as exc:
        services.request_self_report(item, actor=staff)
    assert exc.value.code == "no_meeting_date"
    item.refresh_from_db()
    assert item.state == ItemState.PLANNED
    ob = services.request_self_report(item, actor=staff, meeting_on=dt.date(2022, 9, 1))
    assert ob.due_date == dt.date(2022, 8, 2)


def test_steps_out_of_order_are_refused(item, rules, staff):
    with pytest.raises(DomainError) as exc:
        services.start_research(item, actor=staff)
    assert exc.value.code == "bad_transition"
    vote = services.prepare_vote(item, actor=staff)
    with pytest.raises(DomainError):
        services.open_vote(vote, actor=staff)
    with pytest.raises(DomainError):
        services.issue_opinion(item, actor=staff, text="意见")


def _voted(item, staff, voter):
    vote = services.open_vote(services.prepare_vote(item, actor=staff), actor=staff)
    services.cast_ballot(vote, voter=voter.deputy, choice="satisfied")
    return services.close_vote(vote, actor=staff)


def test_opinion_opens_rectification_plan_and_report_by_rule(researched_item, staff, voter):
    _voted(researched_item, staff, voter)
    plan, report = services.issue_opinion(
        researched_item, actor=staff, text="加快学位供给。", now=OPINION_DAY
    )
    assert plan.kind == KIND_PLAN and plan.due_date == dt.date(2022, 10, 15)
    assert report.kind == KIND_REPORT and report.due_date == dt.date(2023, 3, 15)
    researched_item.refresh_from_db()
    assert researched_item.state == ItemState.RECTIFYING
    assert researched_item.opinion_issued_on == dt.date(2022, 9, 15)


def test_an_empty_opinion_is_refused(researched_item, staff, voter):
    _voted(researched_item, staff, voter)
    with pytest.raises(DomainError) as exc:
        services.issue_opinion(researched_item, actor=staff, text="  ")
    assert exc.value.code == "opinion_required"


def test_rectification_deadlines_show_as_overdue_after_the_due_date(
    researched_item, staff, voter, liaison, client
):
    _voted(researched_item, staff, voter)
    services.issue_opinion(researched_item, actor=staff, text="整改。", now=OPINION_DAY)
    client.force_login(liaison)
    url = reverse("evaluations:portal_item", args=[researched_item.pk])
    with time_machine.travel(dt.datetime(2022, 10, 14, 12, tzinfo=dt.UTC), tick=False):
        page = client.get(url)
        assert page.status_code == 200
        assert page.context["obligations"][1][1] is False  # plan due 10-15: not yet overdue
    with time_machine.travel(dt.datetime(2022, 10, 17, 12, tzinfo=dt.UTC), tick=False):
        page = client.get(url)
        overdue = {ob.kind: late for ob, late in page.context["obligations"]}
        assert overdue[KIND_PLAN] is True
        assert overdue[KIND_REPORT] is False
        assert "已逾期" in page.content.decode()  # the "overdue" tag
    with time_machine.travel(dt.datetime(2023, 3, 16, 12, tzinfo=dt.UTC), tick=False):
        page = client.get(url)
        overdue = {ob.kind: late for ob, late in page.context["obligations"]}
        assert overdue[KIND_REPORT] is True


def test_follow_up_needs_the_accepted_rectification_report(researched_item, staff, voter, liaison):
    _voted(researched_item, staff, voter)
    plan, report = services.issue_opinion(researched_item, actor=staff, text="整改。")
    with pytest.raises(DomainError) as exc:
        services.record_follow_up(researched_item, actor=staff, note="跟踪")
    assert exc.value.code == "report_not_accepted"
    deadlines.submit_report(report, actor=liaison, title="整改情况报告", text="已完成整改。")
    deadlines.accept_report(report, actor=staff)
    services.record_follow_up(researched_item, actor=staff, note="跟踪监督：已落实。")
    services.complete_item(researched_item, actor=staff)
    researched_item.refresh_from_db()
    assert researched_item.state == ItemState.COMPLETED
    assert researched_item.follow_up == "跟踪监督：已落实。"
    report.refresh_from_db()
    assert report.state == ObligationState.ACCEPTED


def test_results_are_published_only_after_the_ballot_closes(researched_item, staff, voter):
    with pytest.raises(DomainError) as exc:
        services.publish_results(researched_item, actor=staff)
    assert exc.value.code == "not_voted"
    _voted(researched_item, staff, voter)
    item = services.publish_results(researched_item, actor=staff)
    assert item.published_at is not None
    first = item.published_at
    item = services.publish_results(researched_item, actor=staff)  # twice: unchanged
    assert item.published_at == first


def test_inspections_count_in_the_deputies_duty_records(
    researched_item, staff, deputy, other_deputy
):
    inspection = services.record_inspection(
        researched_item,
        actor=staff,
        title="学位供给调研",
        date=dt.date(2022, 6, 8),
        deputies=[deputy.deputy, other_deputy.deputy],
    )
    services.log_inspection_duties(inspection)  # idempotent
    records = DutyRecord.objects.filter(kind="inspection")
    assert records.count() == 2
    assert {r.deputy_id for r in records} == {deputy.deputy.pk, other_deputy.deputy.pk}


def test_opinions_are_gathered_only_while_researching(item, rules, staff, deputy):
    with pytest.raises(DomainError) as exc:
        services.add_opinion(item, source=OpinionSource.PUBLIC, text="建议")
    assert exc.value.code == "opinions_closed"
    services.request_self_report(item, actor=staff)
    opinion = services.add_opinion(
        item, source=OpinionSource.DEPUTY, text="建议增加学位。", deputy=deputy.deputy
    )
    assert opinion.deputy == deputy.deputy
    with pytest.raises(DomainError) as exc:
        services.add_opinion(item, source=OpinionSource.PUBLIC, text="长" * 2001)
    assert exc.value.code == "opinion_too_long"


def test_transitions_are_logged(researched_item):
    from congress.workflow import transitions_of

    states = [t.to_state for t in transitions_of(researched_item).order_by("at", "id")]
    assert states == [ItemState.SELF_REPORT, ItemState.RESEARCH]
    assert timezone.now()
