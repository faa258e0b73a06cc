"""The API calls the same services and keeps the same scopes as the pages."""

from __future__ import annotations

import pytest

from experts.models import InvitationState

pytestmark = pytest.mark.django_db


def test_staff_invite_and_summarise_through_the_api(client, consultation, staff, make_expert, law):
    extra = make_expert("新专家", fields=[law])
    client.force_login(staff)
    suggested = client.get(f"/api/consultations/{consultation.pk}/suggestions/").json()
    assert [e["name"] for e in suggested] == ["新专家"]  # the others are already invited
    assert "mobile" not in suggested[0]
    r = client.post(
        f"/api/consultations/{consultation.pk}/invite/",
        {"experts": [extra.pk]},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()[0]["expert_name"] == "新专家"
    r = client.post(
        f"/api/consultations/{consultation.pk}/summarise/",
        {"summary": ""},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid"
    r = client.post(
        f"/api/consultations/{consultation.pk}/summarise/",
        {"summary": "汇总意见"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["state"] == "summarised"
    r = client.post(
        f"/api/consultations/{consultation.pk}/summarise/",
        {"summary": "再次汇总"},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "bad_transition"


def test_expert_cannot_invite_or_summarise(client, consultation, expert):
    client.force_login(expert)
    r = client.post(
        f"/api/consultations/{consultation.pk}/invite/",
        {"experts": []},
        content_type="application/json",
    )
    assert r.status_code == 403
    r = client.post(
        f"/api/consultations/{consultation.pk}/summarise/",
        {"summary": "x"},
        content_type="application/json",
    )
    assert r.status_code == 403


def test_expert_declares_and_submits_through_the_api(client, consultation, expert):
    inv = consultation.invitations.get(expert=expert.expert)
    client.force_login(expert)
    r = client.post(
        f"/api/expert-invitations/{inv.pk}/opinion/",
        {"opinion": "太早"},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "bad_transition"
    r = client.post(
        f"/api/expert-invitations/{inv.pk}/declare/",
        {"has_conflict": False},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["state"] == InvitationState.ACCEPTED
    r = client.post(
        f"/api/expert-invitations/{inv.pk}/opinion/",
        {"opinion": "书面意见"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["state"] == InvitationState.SUBMITTED


def test_anonymous_gets_no_consultations(client, consultation):
    assert client.get("/api/consultations/").status_code in (401, 403)
    assert client.get("/api/expert-invitations/").status_code in (401, 403)
