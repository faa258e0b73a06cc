"""The whole life of a suggestion, travelling in time: filing → assignment → contact → reply →
unsatisfied → re-handling → final rating; and the rules that guard each step."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from congress.errors import DomainError, InvalidInput, PermissionRefused
from congress.models import Obligation, ObligationState
from congress.workflow import transitions_of
from motions.suggestions import services
from motions.suggestions.models import (
    AssignmentState,
    FollowUp,
    Reply,
    SuggestionState,
)
from tests.suggestions.conftest import pdf_letter


def at(*args):
    return timezone.make_aware(dt.datetime(*args))


def test_full_cycle_with_rehandling_and_final_rating(assigned, liaison, deputy, other_deputy):
    suggestion = assigned.suggestion
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.ASSIGNED
    reply_ob = assigned.obligation
    assert reply_ob.kind == "suggestions.reply"
    assert reply_ob.due_date == dt.date(2024, 4, 15)  # 3 months from assignment

    with time_machine.travel(at(2024, 3, 1, 10), tick=False):
        services.record_contact(
            assigned,
            actor=liaison,
            method="visit",
            contacted_on=dt.date(2024, 3, 1),
            note="到学校现场查看并与李明代表沟通",
            deputy=deputy.deputy,
        )
    with time_machine.travel(at(2024, 4, 10, 10), tick=False):
        reply = services.submit_reply(
            assigned, actor=liaison, reply_class="C", text="条件成熟时解决。", letter=pdf_letter()
        )
    assert reply.on_time is True and reply.round == 1
    reply_ob.refresh_from_db()
    assert reply_ob.state == ObligationState.SUBMITTED
    assert reply_ob.documents.count() == 1
    assert reply.letter.name == reply_ob.documents.get().file.name
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.REPLIED

    with time_machine.travel(at(2024, 4, 20, 9), tick=False):
        services.rate_reply(reply, deputy=deputy.deputy, result="unsatisfied", comment="未解决")
        assigned.refresh_from_db()
        assert assigned.state == AssignmentState.REPLIED  # 王芳 has not rated yet
        services.rate_reply(reply, deputy=other_deputy.deputy, result="basic")
    assigned.refresh_from_db()
    assert assigned.state == AssignmentState.REHANDLING
    assert assigned.round == 2
    reply_ob.refresh_from_db()
    assert reply_ob.state == ObligationState.ACCEPTED
    rehandling = assigned.obligation
    assert rehandling.kind == "suggestions.rehandling"
    assert rehandling.due_date == dt.date(2024, 5, 20)  # 1 month from the rating
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.REHANDLING

    # Re-handling needs a fresh contact: the first round's does not count.
    with time_machine.travel(at(2024, 5, 25, 9), tick=False):
        with pytest.raises(DomainError) as exc:
            services.submit_reply(
                assigned, actor=liaison, reply_class="A", text="已解决", letter=pdf_letter()
            )
        assert exc.value.code == "contact_required"
        services.record_contact(
            assigned,
            actor=liaison,
            method="phone",
            contacted_on=dt.date(2024, 5, 25),
            note="电话沟通整改方案",
        )
        second = services.submit_reply(
            assigned, actor=liaison, reply_class="A", text="已增设接送区。", letter=pdf_letter()
        )
    assert second.round == 2
    assert second.on_time is False  # due 20 May, replied 25 May

    with time_machine.travel(at(2024, 6, 1, 9), tick=False):
        services.rate_reply(second, deputy=deputy.deputy, result="unsatisfied", comment="仍不满意")
        services.rate_reply(second, deputy=other_deputy.deputy, result="satisfied")
    assigned.refresh_from_db()
    suggestion.refresh_from_db()
    # The final rating closes the handling, whatever it is: there is no third round.
    assert assigned.state == AssignmentState.DONE
    assert suggestion.state == SuggestionState.CLOSED
    assert suggestion.closed_at == at(2024, 6, 1, 9)
    states = list(transitions_of(suggestion).values_list("to_state", flat=True))
    assert states == ["filed", "assigned", "replied", "rehandling", "replied", "closed"]


def test_reply_refused_before_contact_is_recorded(assigned, liaison):
    with pytest.raises(DomainError) as exc:
        services.submit_reply(
            assigned, actor=liaison, reply_class="A", text="已解决", letter=pdf_letter()
        )
    assert exc.value.code == "contact_required"
    assert Reply.objects.count() == 0
    assigned.obligation.refresh_from_db()
    assert assigned.obligation.state == ObligationState.OPEN


def test_b_reply_opens_a_follow_up_obligation(assigned, liaison):
    with time_machine.travel(at(2024, 2, 1, 10), tick=False):
        services.record_contact(
            assigned, actor=liaison, method="phone", contacted_on=dt.date(2024, 2, 1), note="沟通"
        )
        reply = services.submit_reply(
            assigned, actor=liaison, reply_class="B", text="计划年内解决。", letter=pdf_letter()
        )
    follow_up = FollowUp.objects.get(reply=reply)
    assert follow_up.obligation.kind == "suggestions.followup"
    assert follow_up.obligation.due_date == dt.date(2024, 8, 1)
    assert follow_up.obligation.unit == assigned.unit
    with time_machine.travel(at(2024, 7, 1, 10), tick=False):
        services.report_follow_up(follow_up, actor=liaison, text="接送区已于6月建成启用。")
    follow_up.refresh_from_db()
    assert follow_up.reported_at is not None
    assert follow_up.obligation.state == ObligationState.SUBMITTED
    with pytest.raises(DomainError) as exc:
        services.report_follow_up(follow_up, actor=liaison, text="再次")
    assert exc.value.code == "already_reported"


def test_other_reply_classes_open_no_follow_up(assigned, liaison):
    services.record_contact(
        assigned, actor=liaison, method="phone", contacted_on=timezone.localdate(), note="沟通"
    )
    services.submit_reply(
        assigned, actor=liaison, reply_class="A", text="已解决", letter=pdf_letter()
    )
    assert FollowUp.objects.count() == 0
    assert not Obligation.objects.filter(kind="suggestions.followup").exists()


def test_only_proposers_rate_and_only_once(assigned, liaison, deputy, make_deputy):
    services.record_contact(
        assigned, actor=liaison, method="phone", contacted_on=timezone.localdate(), note="沟通"
    )
    reply = services.submit_reply(
        assigned, actor=liaison, reply_class="A", text="已解决", letter=pdf_letter()
    )
    stranger = make_deputy("zhao", "赵强")
    with pytest.raises(PermissionRefused):
        services.rate_reply(reply, deputy=stranger.deputy, result="satisfied")
    with pytest.raises(InvalidInput) as exc:
        services.rate_reply(reply, deputy=deputy.deputy, result="unsatisfied", comment="")
    assert exc.value.code == "comment_required"
    services.rate_reply(reply, deputy=deputy.deputy, result="satisfied")
    with pytest.raises(DomainError) as exc:
        services.rate_reply(reply, deputy=deputy.deputy, result="basic")
    assert exc.value.code == "already_rated"


def test_staff_may_conclude_rating_with_the_ratings_received(assigned, liaison, deputy, staff):
    services.record_contact(
        assigned, actor=liaison, method="phone", contacted_on=timezone.localdate(), note="沟通"
    )
    reply = services.submit_reply(
        assigned, actor=liaison, reply_class="A", text="已解决", letter=pdf_letter()
    )
    with pytest.raises(DomainError) as exc:
        services.conclude_round(assigned, actor=staff)
    assert exc.value.code == "no_rating"
    services.rate_reply(reply, deputy=deputy.deputy, result="satisfied")
    services.conclude_round(assigned, actor=staff)
    assigned.refresh_from_db()
    assert assigned.state == AssignmentState.DONE
    assert assigned.suggestion.state == SuggestionState.CLOSED


def test_unit_returns_assignment_and_suggestion_goes_back_to_triage(
    assigned, liaison, staff, other_unit
):
    with pytest.raises(InvalidInput):
        services.return_assignment(assigned, actor=liaison, reason=" ")
    services.return_assignment(assigned, actor=liaison, reason="属区体育局职责")
    assigned.refresh_from_db()
    assert assigned.state == AssignmentState.RETURNED
    assert assigned.obligation.state == ObligationState.WAIVED
    suggestion = assigned.suggestion
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.FILED
    [new] = services.assign_suggestion(suggestion, lead_unit=other_unit, actor=staff)
    assert new.unit == other_unit
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.ASSIGNED


def test_staff_withdraw_an_assignment_not_yet_replied_and_the_suggestion_goes_back_to_triage(
    assigned, liaison, staff
):
    with pytest.raises(InvalidInput) as exc:
        services.withdraw_assignment(assigned, actor=staff, reason="  ")
    assert exc.value.code == "reason_required"
    services.withdraw_assignment(assigned, actor=staff, reason=" 交办有误 ")
    assigned.refresh_from_db()
    assert assigned.state == AssignmentState.WITHDRAWN
    assert assigned.return_reason == "交办有误"
    assert assigned.obligation.state == ObligationState.WAIVED
    assigned.suggestion.refresh_from_db()
    assert assigned.suggestion.state == SuggestionState.FILED
    [logged] = [t for t in transitions_of(assigned) if t.to_state == AssignmentState.WITHDRAWN]
    assert (logged.from_state, logged.reason) == (AssignmentState.HANDLING, " 交办有误 ")


def test_an_assignment_that_replied_can_be_neither_withdrawn_nor_returned(assigned, liaison, staff):
    services.record_contact(
        assigned, actor=liaison, method="phone", contacted_on=timezone.localdate(), note="沟通"
    )
    services.submit_reply(
        assigned, actor=liaison, reply_class="A", text="已解决", letter=pdf_letter()
    )
    for take_off, actor in (
        (services.withdraw_assignment, staff),
        (services.return_assignment, liaison),
    ):
        with pytest.raises(DomainError) as exc:
            take_off(assigned, actor=actor, reason="晚了")
        assert exc.value.code == "bad_transition"
    assigned.refresh_from_db()
    assert assigned.state == AssignmentState.REPLIED
    assert assigned.return_reason == ""


def test_assignment_rules(suggestion, unit, other_unit, staff, street):
    services.assign_suggestion(suggestion, lead_unit=unit, co_units=[other_unit], actor=staff)
    with pytest.raises(DomainError) as exc:
        services.assign_suggestion(suggestion, lead_unit=other_unit, actor=staff)
    assert exc.value.code == "lead_exists"
    with pytest.raises(InvalidInput) as exc:
        services.assign_suggestion(suggestion, split_units=[unit], actor=staff)
    assert exc.value.code == "already_assigned"


def test_co_units_cannot_reply_and_finish_with_the_lead(suggestion, unit, other_unit, staff):
    lead, co = services.assign_suggestion(
        suggestion, lead_unit=unit, co_units=[other_unit], actor=staff
    )
    assert co.obligation is None
    with pytest.raises(DomainError) as exc:
        services.submit_reply(co, actor=None, reply_class="A", text="x", letter=pdf_letter())
    assert exc.value.code == "not_replying_unit"


def test_merge_duplicates(suggestion, term, deputy, make_deputy, staff, unit):
    zhao = make_deputy("zhao", "赵强")
    dup = services.file_suggestion(
        deputy=zhao.deputy, title="学校周边停车", content="同类建议", term=term
    )
    services.merge_suggestions(dup, into=suggestion, actor=staff)
    dup.refresh_from_db()
    assert dup.state == SuggestionState.MERGED and dup.merged_into == suggestion
    assert suggestion.proposers.filter(deputy=zhao.deputy, is_lead=False).exists()
    services.assign_suggestion(suggestion, lead_unit=unit, actor=staff)
    with pytest.raises(DomainError):
        services.merge_suggestions(suggestion, into=dup, actor=staff)


def test_key_suggestion_needs_a_supervisor_and_supervises_obligations(assigned, staff, office):
    suggestion = assigned.suggestion
    with pytest.raises(InvalidInput):
        services.mark_key(suggestion, actor=staff)
    services.mark_key(suggestion, actor=staff, leader="常委会副主任 张华", office=office)
    assigned.obligation.refresh_from_db()
    assert assigned.obligation.supervising_office == office
    suggestion.refresh_from_db()
    assert suggestion.is_key


def test_filing_requires_a_serving_deputy_and_content(term, deputy, make_deputy):
    from deputies.models import Mandate

    with pytest.raises(InvalidInput) as exc:
        services.file_suggestion(deputy=deputy.deputy, title="题目", content=" ", term=term)
    assert exc.value.code == "empty_content"
    former = make_deputy("former", "钱前")
    Mandate.objects.filter(deputy=former.deputy).update(status="resigned")
    with pytest.raises(PermissionRefused):
        services.file_suggestion(deputy=former.deputy, title="题目", content="内容", term=term)


def test_lead_proposer_withdraws_before_assignment_only(
    suggestion, deputy, other_deputy, unit, staff
):
    with pytest.raises(PermissionRefused):
        services.withdraw_suggestion(suggestion, deputy=other_deputy.deputy)  # co-proposer
    services.withdraw_suggestion(suggestion, deputy=deputy.deputy, actor=deputy)
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.WITHDRAWN
    with pytest.raises(DomainError):
        services.assign_suggestion(suggestion, lead_unit=unit, actor=staff)


def test_withdrawal_refused_once_assigned(assigned, deputy):
    with pytest.raises(DomainError) as exc:
        services.withdraw_suggestion(assigned.suggestion, deputy=deputy.deputy)
    assert exc.value.code == "bad_transition"
