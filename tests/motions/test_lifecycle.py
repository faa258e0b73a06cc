"""The whole life of a motion, travelling in time across three handling years."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from congress import deadlines
from congress.models import Notification, ObligationState, Transition
from deputies.models import DutyRecord
from motions import services
from motions.models import (
    Assignment,
    AssignmentState,
    MotionPhase,
    MotionState,
    SessionReport,
    UpdateKind,
)
from tests.motions.conftest import at

pytestmark = pytest.mark.django_db


def kinds(motion):
    return {
        (ob.kind, ob.unit.name, ob.state, ob.due_date)
        for ob in deadlines.obligations_for(motion).select_related("unit")
    }


def test_a_motion_lives_through_three_handling_years(
    deputy,
    session,
    next_session,
    cosigners,
    staff,
    liaison,
    other_liaison,
    committee_staff,
    unit,
    other_unit,
    committee_office,
):
    # Drafted and co-signed during the first session, before its deadline.
    with time_machine.travel(at("2022-01-05"), tick=False):
        from tests.motions.conftest import signed_draft

        motion = signed_draft(deputy, session, cosigners)
        assert motion.state == MotionState.DRAFT
        assert motion.signer_count == 10
        services.submit_motion(motion, actor=deputy)
    assert motion.state == MotionState.SUBMITTED
    # Every signer's duty record shows the motion.
    assert DutyRecord.objects.filter(kind="motion").count() == 10

    with time_machine.travel(at("2022-01-08"), tick=False):
        services.register_motion(motion, actor=staff)
    assert (motion.state, motion.number, motion.label) == (MotionState.REGISTERED, 1, "2022年第1号")
    # The lead deputy and every co-signer hear of the decision.
    assert Notification.objects.filter(kind="motions.decision").count() == 10

    with time_machine.travel(at("2022-02-15"), tick=False):
        services.assign_motion(
            motion,
            actor=staff,
            lead_unit=unit,
            co_units=[other_unit],
            supervising_office=committee_office,
        )
    assert motion.state == MotionState.SUPERVISION
    assert motion.assigned_on == dt.date(2022, 2, 15)
    assert motion.phase_ends_on == dt.date(2023, 2, 14)
    assert kinds(motion) == {
        ("motions.handling_plan", "区教委", ObligationState.OPEN, dt.date(2022, 3, 15)),
        ("motions.yearly_report", "区教委", ObligationState.OPEN, dt.date(2023, 2, 15)),
    }
    # The report to the next session (2023-01-08) is owed 30 days before it.
    report = SessionReport.objects.get(session=next_session)
    session_ob = services.session_report_obligation(report)
    assert (session_ob.unit, session_ob.due_date) == (committee_office, dt.date(2022, 12, 9))

    # Both units accept; the lead unit's plan is submitted and accepted through the engine.
    for user, role in ((liaison, "lead"), (other_liaison, "co")):
        a = Assignment.objects.get(motion=motion, role=role)
        services.answer_assignment(a, actor=user, accept=True, now=at("2022-02-16"))
        assert Assignment.objects.get(pk=a.pk).state == AssignmentState.ACCEPTED
    plan = deadlines.obligations_for(motion).get(kind="motions.handling_plan")
    deadlines.submit_report(plan, actor=liaison, title="办理方案", text="分三年打通六条断头路。")
    deadlines.accept_report(plan, actor=committee_staff)

    # The unit posts an update; staff publish it with the approved progress.
    update = services.post_update(
        motion,
        actor=liaison,
        kind=UpdateKind.INSPECTION,
        title="代表视察永丰路",
        text="二十名代表实地视察。",
        happened_on=dt.date(2022, 5, 10),
        proposed_progress=20,
        now=at("2022-05-11"),
    )
    services.publish_update(
        update, actor=committee_staff, approved_progress=15, now=at("2022-05-12")
    )
    motion.refresh_from_db()
    assert motion.progress == 15

    # A year later the daily task starts follow-up year 1; the new year's report is owed.
    assert services.advance_due_phases(now=at("2023-02-14")) == 0
    assert services.advance_due_phases(now=at("2023-02-15")) == 1
    assert services.advance_due_phases(now=at("2023-02-15")) == 0  # idempotent
    motion.refresh_from_db()
    assert motion.state == MotionState.FOLLOW_UP_1
    assert motion.phase_ends_on == dt.date(2024, 2, 14)
    assert ("motions.yearly_report", "区教委", ObligationState.OPEN, dt.date(2024, 2, 15)) in kinds(
        motion
    )

    # The task missed a whole year (a long outage): it catches up to follow-up year 2.
    assert services.advance_due_phases(now=at("2024-03-01")) == 1
    motion.refresh_from_db()
    assert motion.state == MotionState.FOLLOW_UP_2
    phases = list(
        MotionPhase.objects.filter(motion=motion).values_list("state", "starts_on", "ended_on")
    )
    assert phases == [
        ("supervision", dt.date(2022, 2, 15), dt.date(2023, 2, 14)),
        ("follow_up_1", dt.date(2023, 2, 15), dt.date(2024, 2, 14)),
        ("follow_up_2", dt.date(2024, 2, 15), None),
    ]

    # After the third year the motion is closed and nothing more is owed.
    assert services.advance_due_phases(now=at("2025-02-15")) == 1
    motion.refresh_from_db()
    assert motion.state == MotionState.CLOSED
    assert motion.closed_on == dt.date(2025, 2, 14)
    assert not deadlines.obligations_for(motion).filter(state__in=["open", "overdue", "returned"])
    states = list(
        Transition.objects.filter(subject_id=motion.pk, subject_type__model="motion").values_list(
            "to_state", flat=True
        )
    )
    assert states == [
        "draft",
        "submitted",
        "registered",
        "supervision",
        "follow_up_1",
        "follow_up_2",
        "closed",
    ]


def test_staff_close_early_and_extend(assigned, committee_staff):
    services.extend_phase(
        assigned,
        actor=committee_staff,
        ends_on=dt.date(2023, 6, 30),
        reason="道路工程受拆迁影响顺延",
        now=at("2023-01-10"),
    )
    assert assigned.phase_ends_on == dt.date(2023, 6, 30)
    assert services.advance_due_phases(now=at("2023-03-01")) == 0
    services.close_motion(
        assigned, actor=committee_staff, reason="主要问题已解决", now=at("2023-03-01")
    )
    assert assigned.state == MotionState.CLOSED
    assert assigned.closed_on == dt.date(2023, 3, 1)
    pending = deadlines.obligations_for(assigned).filter(state__in=["open", "overdue", "returned"])
    assert not pending.exists()


def test_extension_must_move_the_end_later_and_give_reasons(assigned, committee_staff):
    from congress.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        services.extend_phase(
            assigned, actor=committee_staff, ends_on=dt.date(2023, 1, 1), reason="x"
        )
    assert exc.value.code == "not_later"
    with pytest.raises(InvalidInput) as exc:
        services.extend_phase(
            assigned, actor=committee_staff, ends_on=dt.date(2023, 6, 1), reason=" "
        )
    assert exc.value.code == "reasons_required"
