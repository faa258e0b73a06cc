"""The review committee's decisions (register, convert into a suggestion, refuse) and the units'
answers to an assignment (accept, return, reassignment by staff)."""

from __future__ import annotations

import datetime as dt

import pytest

from congress import deadlines
from congress.errors import InvalidInput, PermissionRefused
from congress.models import Notification, ObligationState
from motions import services
from motions.models import Assignment, AssignmentState, MotionState
from tests.motions.conftest import at

pytestmark = pytest.mark.django_db


def test_registration_numbers_follow_each_other_in_a_session(
    deputy, other_deputy, session, cosigners, staff
):
    from tests.motions.conftest import signed_draft

    first = signed_draft(deputy, session, cosigners)
    services.submit_motion(first, actor=deputy, now=at("2022-01-06"))
    second = signed_draft(other_deputy, session, cosigners[:8] + [deputy], title="第二件议案")
    services.submit_motion(second, actor=other_deputy, now=at("2022-01-06"))
    services.register_motion(first, actor=staff, now=at("2022-01-08"))
    services.register_motion(second, actor=staff, now=at("2022-01-08"))
    assert (first.number, second.number) == (1, 2)
    with pytest.raises(services.MotionError):
        services.register_motion(first, actor=staff)  # already registered


def test_only_review_staff_decide(submitted, deputy, committee_staff, liaison):
    for user in (deputy, committee_staff, liaison):
        with pytest.raises(PermissionRefused):
            services.register_motion(submitted, actor=user)
    submitted.refresh_from_db()
    assert submitted.state == MotionState.SUBMITTED


def test_refusal_needs_reasons_and_tells_every_signer(submitted, staff, deputy, cosigners):
    with pytest.raises(InvalidInput):
        services.refuse_registration(submitted, actor=staff, reasons="")
    services.refuse_registration(
        submitted, actor=staff, reasons="不属于区人民代表大会职权范围", now=at("2022-01-08")
    )
    assert submitted.state == MotionState.NOT_REGISTERED
    told = set(
        Notification.objects.filter(kind="motions.decision").values_list("recipient", flat=True)
    )
    assert told == {deputy.pk, *(u.pk for u in cosigners)}
    assert Notification.objects.filter(recipient=deputy, body__contains="职权范围").exists()


def test_conversion_hands_the_motion_to_the_suggestions_flow(submitted, staff, deputy, cosigners):
    handover = services.suggestion_handover()
    assert handover is not None, "the suggestions app provides create_suggestion_from"
    services.convert_to_suggestion(
        submitted, actor=staff, reasons="内容具体，宜作为代表建议办理", now=at("2022-01-08")
    )
    assert submitted.state == MotionState.CONVERTED
    from motions.suggestions.models import Suggestion

    suggestion = Suggestion.objects.get(pk=submitted.converted_suggestion_id)
    assert suggestion.title == submitted.title
    assert "科学城北区路网密度低" in suggestion.content
    proposers = list(services.proposers_of(submitted))
    assert proposers[0] == deputy.deputy and len(proposers) == 10
    assert suggestion.source == submitted  # it keeps the link back to the motion and its history
    # Calling it again (a retried request) does not make a second suggestion.
    assert (
        handover(
            source=submitted,
            title="x",
            content="y",
            proposers=proposers,
            term=submitted.term,
            actor=staff,
        ).pk
        == suggestion.pk
    )
    assert Notification.objects.filter(kind="motions.decision", recipient=deputy).exists()


def test_conversion_without_the_suggestions_app_still_converts(submitted, staff, monkeypatch):
    monkeypatch.setattr(services, "suggestion_handover", lambda: None)
    services.convert_to_suggestion(
        submitted, actor=staff, reasons="宜作为建议", now=at("2022-01-08")
    )
    assert submitted.state == MotionState.CONVERTED
    assert submitted.converted_suggestion_id is None


def test_conversion_is_rolled_back_when_the_handover_refuses(submitted, staff, monkeypatch):
    def refuse(**kwargs):
        raise InvalidInput("empty_content", "refused")

    monkeypatch.setattr(services, "suggestion_handover", lambda: refuse)
    with pytest.raises(InvalidInput):
        services.convert_to_suggestion(submitted, actor=staff, reasons="宜作为建议")
    submitted.refresh_from_db()
    assert submitted.state == MotionState.SUBMITTED


def test_assignment_needs_handling_units_and_an_office(registered, staff, unit, committee_office):
    with pytest.raises(InvalidInput):
        services.assign_motion(
            registered, actor=staff, lead_unit=committee_office, supervising_office=committee_office
        )
    with pytest.raises(InvalidInput):
        services.assign_motion(registered, actor=staff, lead_unit=unit, supervising_office=unit)
    registered.refresh_from_db()
    assert registered.state == MotionState.REGISTERED


def test_a_unit_returns_the_assignment_and_staff_reassign(
    assigned, staff, liaison, other_liaison, unit, other_unit, committee_office
):
    lead = Assignment.objects.get(motion=assigned, role="lead")
    # Only the unit's own liaison answers, and a return needs reasons.
    with pytest.raises(PermissionRefused):
        services.answer_assignment(lead, actor=other_liaison, accept=False, reasons="x")
    with pytest.raises(InvalidInput):
        services.answer_assignment(lead, actor=liaison, accept=False, reasons=" ")
    services.answer_assignment(
        lead,
        actor=liaison,
        accept=False,
        reasons="道路建设不属于教育部门职责",
        now=at("2022-02-17"),
    )
    assigned.refresh_from_db()
    assert assigned.lead_unit is None
    assert assigned.state == MotionState.SUPERVISION
    # The returned unit owes nothing any more; staff are told.
    owed = deadlines.obligations_for(assigned)
    assert set(owed.values_list("state", flat=True)) == {ObligationState.WAIVED}
    assert Notification.objects.filter(kind="motions.returned", recipient=staff).exists()
    # A second answer is refused.
    with pytest.raises(services.MotionError):
        services.answer_assignment(lead, actor=liaison, accept=True)

    # Staff reassign the lead to the co-unit's department... the co-unit already handles it:
    with pytest.raises(services.MotionError):
        services.add_unit(assigned, actor=staff, unit=other_unit, role="lead")
    from tests.factories import UnitFactory

    transport = UnitFactory(name="区交通委")
    services.add_unit(assigned, actor=staff, unit=transport, role="lead", now=at("2022-02-20"))
    assigned.refresh_from_db()
    assert assigned.lead_unit == transport
    open_now = {
        (ob.kind, ob.due_date)
        for ob in deadlines.obligations_for(assigned).filter(unit=transport, state="open")
    }
    # A new plan from the reassignment; the supervision year's report keeps the year's end.
    assert open_now == {
        ("motions.handling_plan", dt.date(2022, 3, 20)),
        ("motions.yearly_report", dt.date(2023, 2, 15)),
    }
    with pytest.raises(services.MotionError):
        services.add_unit(assigned, actor=staff, unit=unit, role="lead")  # a lead exists


def test_a_co_unit_accepts(assigned, other_liaison):
    co = Assignment.objects.get(motion=assigned, role="co")
    services.answer_assignment(co, actor=other_liaison, accept=True)
    co.refresh_from_db()
    assert co.state == AssignmentState.ACCEPTED
