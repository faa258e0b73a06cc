"""Drafting and co-signing: the minimum number of signers, the term, the session's deadline."""

from __future__ import annotations

import pytest

from congress.errors import InvalidInput, PermissionRefused
from congress.models import MeetingKind, Notification, Term
from deputies.models import Deputy, Mandate
from motions import services
from motions.models import CosignatureRule, CosignerState, MotionState
from tests.factories import MeetingFactory, UserFactory
from tests.motions.conftest import at, draft, signed_draft

pytestmark = pytest.mark.django_db


def test_too_few_signers_cannot_submit(deputy, session, cosigners):
    motion = signed_draft(deputy, session, cosigners[:8])  # the lead and 8: nine
    with pytest.raises(InvalidInput) as exc:
        services.submit_motion(motion, actor=deputy, now=at("2022-01-06"))
    assert exc.value.code == "too_few_signers"
    assert "10" in str(exc.value.message) and "9" in str(exc.value.message)
    motion.refresh_from_db()
    assert motion.state == MotionState.DRAFT
    # The ninth co-signer confirms: now it can go.
    services.invite_cosigners(motion, [cosigners[8].deputy], actor=deputy, now=at("2022-01-06"))
    services.answer_invitation(motion, actor=cosigners[8], accept=True, now=at("2022-01-06"))
    services.submit_motion(motion, actor=deputy, now=at("2022-01-06", 11))
    assert motion.state == MotionState.SUBMITTED


def test_invited_but_unconfirmed_and_declined_signers_do_not_count(deputy, session, cosigners):
    motion = draft(deputy, session)
    services.invite_cosigners(
        motion, [u.deputy for u in cosigners], actor=deputy, now=at("2022-01-05")
    )
    for user in cosigners[:7]:
        services.answer_invitation(motion, actor=user, accept=True, now=at("2022-01-05"))
    services.answer_invitation(motion, actor=cosigners[7], accept=False, now=at("2022-01-05"))
    motion.refresh_from_db()
    assert motion.signer_count == 8
    with pytest.raises(InvalidInput):
        services.submit_motion(motion, actor=deputy, now=at("2022-01-06"))


def test_the_minimum_is_a_rule_staff_can_change(deputy, session, cosigners):
    CosignatureRule.objects.filter(level="district").update(minimum_signers=5)
    motion = signed_draft(deputy, session, cosigners[:4])
    services.submit_motion(motion, actor=deputy, now=at("2022-01-06"))
    assert motion.state == MotionState.SUBMITTED


def test_co_signers_must_serve_in_the_same_term(deputy, session, congress):
    old_term = Term.objects.create(congress=congress, number=16, starts_on="2016-11-15")
    outsider_user = UserFactory(username="former", display_name="往届代表")
    outsider = Deputy.objects.create(user=outsider_user, name="往届代表", gender="F")
    Mandate.objects.create(
        deputy=outsider, term=old_term, level="district", started_on="2016-11-15"
    )
    stranger = Deputy.objects.create(name="非代表", gender="M")
    motion = draft(deputy, session)
    with pytest.raises(InvalidInput) as exc:
        services.invite_cosigners(motion, [outsider, stranger], actor=deputy, now=at("2022-01-05"))
    assert exc.value.code == "not_serving"
    assert "往届代表" in str(exc.value.message) and "非代表" in str(exc.value.message)
    assert not motion.cosigners.exists()


def test_a_resigned_deputy_cannot_co_sign(deputy, other_deputy, session):
    Mandate.objects.filter(deputy=other_deputy.deputy).update(status="resigned")
    motion = draft(deputy, session)
    with pytest.raises(InvalidInput):
        services.invite_cosigners(motion, [other_deputy.deputy], actor=deputy, now=at("2022-01-05"))


def test_nothing_moves_after_the_sessions_deadline(deputy, other_deputy, session, cosigners):
    motion = signed_draft(deputy, session, cosigners)
    late = at("2022-01-07", 13)  # the deadline was 12:00
    with pytest.raises(services.MotionError) as exc:
        services.submit_motion(motion, actor=deputy, now=late)
    assert exc.value.code == "deadline_passed"
    with pytest.raises(services.MotionError):
        services.invite_cosigners(motion, [other_deputy.deputy], actor=deputy, now=late)
    services.invite_cosigners(motion, [other_deputy.deputy], actor=deputy, now=at("2022-01-07", 11))
    with pytest.raises(services.MotionError):
        services.answer_invitation(motion, actor=other_deputy, accept=True, now=late)
    with pytest.raises(services.MotionError):
        draft(deputy, session, now=late)
    motion.refresh_from_db()
    assert motion.state == MotionState.DRAFT


def test_only_serving_deputies_draft_and_only_at_a_congress_session(deputy, liaison, session, term):
    with pytest.raises(PermissionRefused):
        draft(liaison, session)
    standing = MeetingFactory(term=term, kind=MeetingKind.STANDING_COMMITTEE, number=3)
    with pytest.raises(InvalidInput) as exc:
        draft(deputy, standing)
    assert exc.value.code == "not_a_session"
    with pytest.raises(InvalidInput) as exc:
        draft(deputy, session, title="  ")
    assert exc.value.field == "title"


def test_only_the_lead_edits_invites_and_submits(deputy, other_deputy, session, cosigners):
    motion = signed_draft(deputy, session, cosigners)
    for call in (
        lambda: services.update_draft(motion, actor=other_deputy, title="改标题"),
        lambda: services.invite_cosigners(motion, [cosigners[0].deputy], actor=other_deputy),
        lambda: services.submit_motion(motion, actor=other_deputy, now=at("2022-01-06")),
        lambda: services.withdraw_motion(motion, actor=other_deputy),
    ):
        with pytest.raises(PermissionRefused):
            call()
    services.update_draft(
        motion, actor=deputy, title="新标题", reasons="案由", measures="方案", now=at("2022-01-05")
    )
    assert motion.title == "新标题"


def test_a_submitted_motion_can_no_longer_be_edited_or_signed(submitted, deputy, cosigners):
    with pytest.raises(services.MotionError):
        services.update_draft(submitted, actor=deputy, title="x")
    with pytest.raises(services.MotionError) as exc:
        services.answer_invitation(submitted, actor=cosigners[0], accept=False)
    assert exc.value.code == "not_draft"
    submitted.refresh_from_db()
    assert submitted.signer_count == 10


def test_invitations_and_answers_are_notified(deputy, other_deputy, session):
    motion = draft(deputy, session)
    services.invite_cosigners(motion, [other_deputy.deputy], actor=deputy, now=at("2022-01-05"))
    assert Notification.objects.filter(
        recipient=other_deputy, kind="motions.cosign_invitation"
    ).exists()
    row = services.answer_invitation(motion, actor=other_deputy, accept=True, now=at("2022-01-05"))
    assert row.state == CosignerState.CONFIRMED
    assert Notification.objects.filter(recipient=deputy, kind="motions.cosign_answer").exists()
    # Declining later takes the signature back.
    services.answer_invitation(motion, actor=other_deputy, accept=False, now=at("2022-01-06"))
    motion.refresh_from_db()
    assert motion.signer_count == 1


def test_staff_enter_presidium_motions_without_co_signers(staff, deputy, session):
    motion = services.create_body_motion(
        actor=staff,
        session=session,
        proposer_kind="presidium",
        proposer_name="大会主席团",
        title="关于加强生态环境保护的议案",
        now=at("2022-01-06"),
    )
    assert motion.state == MotionState.SUBMITTED
    assert motion.proposer_display == "大会主席团"
    with pytest.raises(PermissionRefused):
        services.create_body_motion(
            actor=deputy, session=session, proposer_kind="presidium", proposer_name="", title="x"
        )
    with pytest.raises(InvalidInput):
        services.create_body_motion(
            actor=staff, session=session, proposer_kind="delegation", proposer_name=" ", title="x"
        )
