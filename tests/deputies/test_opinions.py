"""Voter opinions: states and transitions, the reply obligation (deadline engine, with time
travel through the engine's sweep), conversion into a suggestion, the pages' permissions."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from congress import deadlines
from congress.errors import DomainError, InvalidInput, PermissionRefused
from congress.models import Notification, ObligationState
from deputies import services
from deputies.models import DutyKind, DutyRecord, OpinionState, VoterOpinion

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=TZ)


def test_recording_logs_duty_and_transition(opinion, station_deputy):
    assert opinion.state == OpinionState.RECORDED
    assert set(opinion.deputies.all()) == {station_deputy}
    assert DutyRecord.objects.filter(
        deputy=station_deputy, kind=DutyKind.VOTER_OPINION, source_id=opinion.pk
    ).exists()


def test_only_the_station_deputies_record_its_opinions(station, other_station_deputy):
    with pytest.raises(PermissionRefused) as err:
        services.record_opinion(
            station, recorded_by=other_station_deputy, content="意见", category="other"
        )
    assert err.value.code == "not_station_deputy"
    assert not VoterOpinion.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"content": "  ", "category": "other"}, "empty_content"),
        ({"content": "意见", "category": "nonsense"}, "bad_category"),
        (
            {"content": "意见", "category": "other", "received_on": dt.date(2099, 1, 1)},
            "future_date",
        ),
    ],
)
def test_bad_input_is_refused_with_a_code(station, station_deputy, kwargs, code):
    with pytest.raises(InvalidInput) as err:
        services.record_opinion(station, recorded_by=station_deputy, **kwargs)
    assert err.value.code == code


def test_answer_then_close_with_feedback(opinion, deputy):
    services.answer_on_spot(opinion, answer="当场解释了政策。", actor=deputy)
    with pytest.raises(InvalidInput):
        services.close_opinion(opinion, feedback=" ", actor=deputy)
    services.close_opinion(opinion, feedback="已电话反馈。", actor=deputy, now=at("2026-11-20"))
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.CLOSED
    assert opinion.feedback_on == dt.date(2026, 11, 20)
    with pytest.raises(DomainError) as err:
        services.answer_on_spot(opinion, answer="再答复", actor=deputy)
    assert err.value.code == "bad_transition"


def test_cannot_close_while_waiting_for_the_unit(opinion, deputy, unit, reply_rule):
    services.forward_opinion(opinion, unit=unit, actor=deputy, now=at("2026-11-12"))
    with pytest.raises(DomainError) as err:
        services.close_opinion(opinion, feedback="反馈", actor=deputy)
    assert err.value.code == "bad_transition"


def test_forwarding_opens_the_reply_obligation_by_the_rule(
    opinion, deputy, unit, liaison, reply_rule, deputy_affairs_office
):
    services.forward_opinion(opinion, unit=unit, actor=deputy, now=at("2026-11-12"))
    ob = services.opinion_obligation(opinion)
    assert ob.unit == unit and ob.rule == reply_rule
    assert ob.kind == "deputies.voter_opinion_reply"
    assert ob.supervising_office == deputy_affairs_office
    # 15 working days from Thursday 2026-11-12 (no holidays in between): 2026-12-03.
    assert ob.due_date == dt.date(2026, 12, 3)
    assert Notification.objects.filter(
        recipient=liaison, kind="deputies.opinion_forwarded"
    ).exists()


def test_forwarding_refuses_a_committee_office(opinion, deputy, office, reply_rule):
    with pytest.raises(InvalidInput) as err:
        services.forward_opinion(opinion, unit=office, actor=deputy)
    assert err.value.code == "not_handling_unit"
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.RECORDED
    assert not deadlines.obligations_for(opinion).exists()


def test_unit_reply_submits_the_obligation_then_close(opinion, deputy, unit, liaison, reply_rule):
    services.forward_opinion(opinion, unit=unit, actor=deputy, now=at("2026-11-12"))
    services.record_unit_reply(opinion, reply="已列入计划。", actor=liaison, now=at("2026-11-20"))
    ob = services.opinion_obligation(opinion)
    assert ob.state == ObligationState.SUBMITTED
    assert ob.documents.get().text == "已列入计划。"
    services.close_opinion(opinion, feedback="已告知选民。", actor=deputy)
    assert VoterOpinion.objects.get().state == OpinionState.CLOSED


def test_reply_submitted_on_the_engine_page_moves_the_opinion(
    opinion, deputy, unit, liaison, reply_rule, django_capture_on_commit_callbacks
):
    services.forward_opinion(opinion, unit=unit, actor=deputy, now=at("2026-11-12"))
    ob = services.opinion_obligation(opinion)
    with django_capture_on_commit_callbacks(execute=True):
        deadlines.submit_report(ob, actor=liaison, title="答复", text="正在协调停车位。")
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.REPLIED
    assert opinion.unit_reply == "正在协调停车位。"


def test_the_sweep_marks_an_unanswered_forward_overdue(opinion, deputy, unit, liaison, reply_rule):
    sweep_module = pytest.importorskip("congress.sweep")
    with time_machine.travel(at("2026-11-12"), tick=False):
        services.forward_opinion(opinion, unit=unit, actor=deputy)
    ob = services.opinion_obligation(opinion)
    with time_machine.travel(at("2026-12-02"), tick=False):
        sweep_module.sweep()
    ob.refresh_from_db()
    assert ob.state == ObligationState.OPEN  # due 12-03: not yet overdue
    with time_machine.travel(at("2026-12-04"), tick=False):
        sweep_module.sweep()
    ob.refresh_from_db()
    assert ob.state == ObligationState.OVERDUE
    # The late reply is still accepted and moves the opinion on.
    services.record_unit_reply(opinion, reply="迟到的答复", actor=liaison, now=at("2026-12-05"))
    ob.refresh_from_db()
    assert ob.state == ObligationState.SUBMITTED
    assert VoterOpinion.objects.get().state == OpinionState.REPLIED


def test_report_to_committee_notifies_deputy_affairs(opinion, deputy, deputy_affairs_staff, staff):
    services.report_to_committee(opinion, note="涉及多个部门。", actor=deputy)
    assert Notification.objects.filter(
        recipient=deputy_affairs_staff, kind="deputies.opinion_reported"
    ).exists()
    assert not Notification.objects.filter(
        recipient=staff, kind="deputies.opinion_reported"
    ).exists()


def test_convert_to_suggestion_uses_the_suggestions_service(opinion, deputy, station_deputy, term):
    pytest.importorskip("motions.suggestions.services")
    suggestion = services.convert_to_suggestion(
        opinion, title="关于解决停车难的建议", proposers=[station_deputy], term=term, actor=deputy
    )
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.SUGGESTION
    assert opinion.suggestion_id == suggestion.pk
    # Converting again is refused by the state machine.
    with pytest.raises(DomainError):
        services.convert_to_suggestion(
            opinion, title="再次", proposers=[station_deputy], term=term, actor=deputy
        )


def test_convert_needs_a_proposer(opinion, deputy, term):
    with pytest.raises(InvalidInput) as err:
        services.convert_to_suggestion(opinion, title="建议", proposers=[], term=term, actor=deputy)
    assert err.value.code == "no_proposer"
    assert VoterOpinion.objects.get().state == OpinionState.RECORDED


# --- Pages -----------------------------------------------------------------------------------


def test_deputy_records_an_opinion_through_the_page(client, deputy, station, station_deputy):
    client.force_login(deputy)
    url = reverse("deputies:opinion_create")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "station": station.pk,
            "received_on": "2026-11-20",
            "category": "health",
            "content": "希望增加养老助餐点。",
            "voter_name": "",
            "voter_contact": "",
        },
    )
    opinion = VoterOpinion.objects.get()
    assert response.status_code == 302 and response["Location"] == opinion.get_absolute_url()
    assert opinion.recorded_by == station_deputy


def test_bad_form_keeps_what_was_typed(client, deputy, station, station_deputy):
    client.force_login(deputy)
    response = client.post(
        reverse("deputies:opinion_create"),
        {"station": station.pk, "received_on": "", "category": "health", "content": "保留的文字"},
    )
    assert response.status_code == 200
    assert "保留的文字" in response.content.decode()
    assert not VoterOpinion.objects.exists()


def test_a_deputy_cannot_record_for_another_station(client, deputy, station_deputy, other_station):
    client.force_login(deputy)
    client.post(
        reverse("deputies:opinion_create"),
        {"station": other_station.pk, "received_on": "2026-11-20", "category": "health",
         "content": "意见"},
    )  # fmt: skip
    assert not VoterOpinion.objects.exists()


def test_deputy_without_station_and_others_are_refused(client, other_deputy, liaison):
    for user in (other_deputy, liaison):
        client.force_login(user)
        assert client.get(reverse("deputies:opinion_create")).status_code == 403


def test_forward_through_the_page_then_the_liaison_replies(
    client, opinion, deputy, unit, liaison, other_liaison, reply_rule
):
    client.force_login(deputy)
    url = reverse("deputies:opinion_action", args=[opinion.pk, "forward"])
    assert client.post(url, {"unit": unit.pk}).status_code == 302
    assert VoterOpinion.objects.get().state == OpinionState.FORWARDED
    reply = reverse("deputies:opinion_action", args=[opinion.pk, "reply"])
    # The station deputy may not write the unit's reply; another unit cannot even see it.
    assert client.post(reply, {"reply": "冒充"}).status_code == 403
    client.force_login(other_liaison)
    assert client.post(reply, {"reply": "别的单位"}).status_code == 404
    client.force_login(liaison)
    assert client.post(reply, {"reply": ""}).status_code == 400
    assert client.post(reply, {"reply": "已处理"}).status_code == 302
    assert VoterOpinion.objects.get().unit_reply == "已处理"


def test_other_station_deputy_cannot_act(client, opinion, other_deputy, other_station_deputy):
    client.force_login(other_deputy)
    url = reverse("deputies:opinion_action", args=[opinion.pk, "answer"])
    assert client.post(url, {"answer": "x"}).status_code == 404
    assert VoterOpinion.objects.get().state == OpinionState.RECORDED


def test_api_actions_follow_the_same_rules(
    client, opinion, deputy, other_deputy, other_station_deputy
):
    client.force_login(other_deputy)
    assert (
        client.post(f"/api/voter-opinions/{opinion.pk}/answer/", {"text": "x"}).status_code == 404
    )
    client.force_login(deputy)
    r = client.post(f"/api/voter-opinions/{opinion.pk}/close/", {"text": "反馈"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "bad_transition"
    r = client.post(f"/api/voter-opinions/{opinion.pk}/answer/", {"text": ""})
    assert r.status_code == 400
    r = client.post(f"/api/voter-opinions/{opinion.pk}/answer/", {"text": "当场答复"})
    assert r.status_code == 200 and r.json()["state"] == "answered"


def test_api_create_by_station_deputy_only(client, station, station_deputy, deputy, liaison):
    payload = {
        "station": station.pk,
        "category": "urban",
        "content": "路面破损",
        "received_on": "2026-11-20",
    }
    client.force_login(liaison)
    assert client.post("/api/voter-opinions/", payload).status_code == 403
    client.force_login(deputy)
    r = client.post("/api/voter-opinions/", payload)
    assert r.status_code == 201 and r.json()["state"] == "recorded"
