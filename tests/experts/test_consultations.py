"""Consultations: the office's obligation, invitations, declarations, opinions, summary."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from congress.deadlines import obligations_for
from congress.errors import DomainError, InvalidInput, PermissionRefused
from congress.models import ObligationState
from experts import services
from experts.models import ConsultationState, InvitationState

pytestmark = pytest.mark.django_db


def at(*args):
    return timezone.make_aware(dt.datetime(*args))


def test_request_opens_the_offices_obligation(consultation, office):
    ob = obligations_for(consultation).get()
    assert ob.unit == office
    assert ob.kind == "experts.consultation"
    assert ob.rule.code == "consultation-opinion"
    assert ob.due_date == dt.date(2030, 6, 30)
    assert ob.state == ObligationState.OPEN


def test_deadlines_default_to_the_rule(staff, office, law):
    from congress.deadlines import compute_due_date
    from congress.models import DeadlineRule

    c = services.request_consultation(
        actor=staff,
        office=office,
        title="t",
        subject_kind="major_decision",
        question="q",
        fields=[law],
        now=at(2030, 6, 3, 9),
    )
    rule = DeadlineRule.objects.get(code="consultation-opinion")
    expected = compute_due_date(dt.date(2030, 6, 3), rule)
    assert expected > dt.date(2030, 6, 3)
    assert c.opinion_due == c.due_date == expected
    assert obligations_for(c).get().due_date == expected


def test_request_refuses_bad_input(staff, office, committee_office, law, recorder):
    base = dict(
        title="t",
        subject_kind="motion",
        question="q",
        fields=[law],
        opinion_due=dt.date(2030, 6, 10),
        now=at(2030, 6, 1),
    )
    with pytest.raises(InvalidInput) as exc:
        services.request_consultation(actor=staff, office=office, **{**base, "fields": []})
    assert exc.value.code == "no_fields"
    with pytest.raises(InvalidInput) as exc:
        services.request_consultation(
            actor=staff, office=office, **{**base, "opinion_due": dt.date(2030, 5, 1)}
        )
    assert exc.value.code == "opinion_due_past"
    with pytest.raises(InvalidInput) as exc:
        services.request_consultation(actor=staff, office=committee_office, **base)
    assert exc.value.code == "not_your_office"
    with pytest.raises(PermissionRefused):
        services.request_consultation(actor=recorder, office=office, **base)


def test_declare_then_submit_opinion(consultation, expert, staff):
    inv = consultation.invitations.get(expert=expert.expert)
    with pytest.raises(DomainError) as exc:
        services.submit_opinion(inv, actor=expert, opinion="意见")
    assert exc.value.code == "bad_transition"  # no declaration yet
    services.declare_conflict(inv, actor=expert, has_conflict=False)
    services.submit_opinion(
        inv, actor=expert, opinion="建议增加公众参与条款。", now=at(2030, 6, 8, 12)
    )
    inv.refresh_from_db()
    assert inv.state == InvitationState.SUBMITTED and inv.on_time is True
    with pytest.raises(DomainError):
        services.submit_opinion(inv, actor=expert, opinion="again")


def test_conflict_recuses_and_needs_details(consultation, other_expert):
    inv = consultation.invitations.get(expert=other_expert.expert)
    with pytest.raises(InvalidInput) as exc:
        services.declare_conflict(inv, actor=other_expert, has_conflict=True, details="")
    assert exc.value.code == "details_required"
    services.declare_conflict(
        inv, actor=other_expert, has_conflict=True, details="所在单位为起草单位"
    )
    inv.refresh_from_db()
    assert inv.state == InvitationState.RECUSED
    with pytest.raises(DomainError):
        services.submit_opinion(inv, actor=other_expert, opinion="x")


def test_expert_cannot_act_on_another_experts_invitation(consultation, expert, other_expert):
    inv = consultation.invitations.get(expert=other_expert.expert)
    with pytest.raises(PermissionRefused):
        services.declare_conflict(inv, actor=expert, has_conflict=False)


def test_summary_closes_and_meets_the_obligation(consultation, expert, staff):
    inv = consultation.invitations.get(expert=expert.expert)
    services.declare_conflict(inv, actor=expert, has_conflict=False)
    services.submit_opinion(inv, actor=expert, opinion="意见")
    with pytest.raises(InvalidInput):
        services.summarise(consultation, actor=staff, summary=" ")
    services.summarise(consultation, actor=staff, summary="专家一致认为……")
    consultation.refresh_from_db()
    assert consultation.state == ConsultationState.SUMMARISED
    assert obligations_for(consultation).get().state == ObligationState.ACCEPTED
    # The invitation that never answered is withdrawn; the record keeps the opinion.
    states = dict(consultation.invitations.values_list("expert__user__username", "state"))
    assert states == {"expert": "submitted", "otherexpert": "withdrawn"}


def test_cancel_waives_the_obligation(consultation, staff):
    services.cancel(consultation, actor=staff, reason="议题撤回")
    assert obligations_for(consultation).get().state == ObligationState.WAIVED


def test_invite_refuses_non_appointed_and_skips_duplicates(
    consultation, staff, make_expert, expert
):
    gone = make_expert("离任专家", status="expired")
    with pytest.raises(DomainError) as exc:
        services.invite(consultation, [gone], actor=staff)
    assert exc.value.code == "not_appointed"
    assert services.invite(consultation, [expert.expert], actor=staff) == []


def test_expert_pages_flow(client, consultation, expert):
    inv = consultation.invitations.get(expert=expert.expert)
    client.force_login(expert)
    page = client.get(reverse("experts:invitation", args=[inv.pk]))
    assert page.status_code == 200 and "请提出修改意见" in page.text
    r = client.post(
        reverse("experts:invitation_declare", args=[inv.pk]),
        {"has_conflict": "yes", "conflict_details": ""},
    )
    assert r.status_code == 400  # details required; nothing recorded
    inv.refresh_from_db()
    assert inv.state == InvitationState.INVITED
    r = client.post(reverse("experts:invitation_declare", args=[inv.pk]), {"has_conflict": "no"})
    assert r.status_code == 302
    r = client.post(
        reverse("experts:invitation_opinion", args=[inv.pk]), {"opinion": "我的书面意见"}
    )
    assert r.status_code == 302
    inv.refresh_from_db()
    assert inv.state == InvitationState.SUBMITTED and inv.opinion == "我的书面意见"


def test_staff_pages_create_and_summarise(client, staff, office, law, make_expert):
    make_expert("张律师", fields=[law])
    client.force_login(staff)
    r = client.post(
        reverse("experts:consultation_new"),
        {
            "title": "预算审查咨询",
            "subject_kind": "major_decision",
            "question": "q",
            "fields": [law.pk],
            "office": office.pk,
            "opinion_due": "2030-01-01",
        },
    )
    assert r.status_code == 302
    c = office.expert_consultations.get()
    page = client.get(reverse("experts:consultation", args=[c.pk]))
    assert page.status_code == 200 and "张律师" in page.text  # suggested
    # Bad input keeps what was typed.
    r = client.post(
        reverse("experts:consultation_new"),
        {
            "title": "保留的标题",
            "subject_kind": "motion",
            "question": "q",
            "office": office.pk,
            "opinion_due": "2030-01-01",
        },
    )
    assert r.status_code == 400 and "保留的标题" in r.text


def test_consultation_about_an_object_of_another_app(staff, office, law):
    from congress.models import Regulation

    draft = Regulation.objects.create(
        title="街道人大工委工作规范（草案）", kind="rules", is_published=False
    )
    c = services.request_consultation(
        actor=staff,
        office=office,
        title="规范草案论证",
        subject_kind="regulation_draft",
        question="q",
        fields=[law],
        subject=draft,
        opinion_due=dt.date(2030, 6, 10),
        now=at(2030, 6, 1, 9),
    )
    c.refresh_from_db()
    assert c.subject == draft


def test_dashboard_panel_shows_the_experts_invitations(client, consultation, expert, deputy):
    inv = consultation.invitations.get(expert=expert.expert)
    client.force_login(expert)
    assert (
        reverse("experts:invitation", args=[inv.pk]) in client.get(reverse("portal:dashboard")).text
    )
    client.force_login(deputy)
    assert "/portal/experts/invitations/" not in client.get(reverse("portal:dashboard")).text
