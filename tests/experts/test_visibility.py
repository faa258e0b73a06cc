"""An expert sees only their own invitations; the public never sees contacts."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_expert_sees_only_consultations_they_are_invited_to(
    client, consultation, expert, other_expert, staff, office, law, make_expert, deputy
):
    from experts import services

    other = services.request_consultation(
        actor=staff,
        office=office,
        title="别的咨询",
        subject_kind="motion",
        question="q",
        fields=[law],
        opinion_due=consultation.opinion_due,
        now=consultation.created_at,
    )
    services.invite(other, [other_expert.expert], actor=staff, now=consultation.created_at)
    mine = consultation.invitations.get(expert=expert.expert)
    theirs = other.invitations.get()

    client.force_login(expert)
    page = client.get(reverse("experts:portal_list"))
    assert consultation.title in page.text and "别的咨询" not in page.text
    assert client.get(reverse("experts:invitation", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("experts:consultation", args=[other.pk])).status_code == 404
    r = client.get(reverse("experts:consultation", args=[consultation.pk]))
    assert r.status_code == 302 and r["Location"] == reverse("experts:invitation", args=[mine.pk])
    assert (
        client.post(
            reverse("experts:invitation_opinion", args=[theirs.pk]), {"opinion": "x"}
        ).status_code
        == 404
    )

    api = client.get("/api/consultations/").json()
    assert [c["id"] for c in api["results"]] == [consultation.pk]
    api = client.get("/api/expert-invitations/").json()
    assert [i["id"] for i in api["results"]] == [mine.pk]
    assert client.get(f"/api/expert-invitations/{theirs.pk}/").status_code == 404
    r = client.post(
        f"/api/expert-invitations/{theirs.pk}/declare/",
        {"has_conflict": False},
        content_type="application/json",
    )
    assert r.status_code == 404

    client.force_login(deputy)
    assert client.get(reverse("experts:portal_list")).status_code == 403
    assert client.get("/api/consultations/").json()["results"] == []


def test_public_list_and_api_show_no_contacts(client, make_expert, law):
    make_expert("公开专家", fields=[law], mobile="13712345678", email="private@example.test")
    page = client.get(reverse("experts:public_list"))
    assert page.status_code == 200 and "公开专家" in page.text and "法律" in page.text
    assert "13712345678" not in page.text and "private@example.test" not in page.text
    data = client.get("/api/experts/").json()
    row = data["results"][0]
    assert set(row) == {"id", "name", "organisation", "title", "fields"}
    assert "13712345678" not in str(data)
    assert client.get("/api/expert-contacts/").status_code in (401, 403)


def test_staff_api_has_contacts(client, staff, make_expert):
    make_expert("联系专家", mobile="13712345678")
    client.force_login(staff)
    row = client.get("/api/expert-contacts/").json()["results"][0]
    assert row["mobile"] == "13712345678"


def test_public_list_filters_by_field(client, make_expert, law, finance):
    make_expert("法律专家", fields=[law])
    make_expert("财经专家", fields=[finance])
    page = client.get(reverse("experts:public_list"), {"field": finance.pk})
    assert "财经专家" in page.text and "法律专家" not in page.text
    data = client.get("/api/experts/", {"field": law.pk}).json()
    assert [r["name"] for r in data["results"]] == ["法律专家"]


def test_expired_experts_are_not_listed(client, make_expert):
    make_expert("现任专家")
    make_expert("离任专家", status="expired")
    page = client.get(reverse("experts:public_list"))
    assert "现任专家" in page.text and "离任专家" not in page.text


def test_expert_record_is_private(client, expert, other_expert, staff):
    url = reverse("experts:expert_record", args=[other_expert.expert.pk])
    client.force_login(expert)
    assert client.get(url).status_code == 404
    own = client.get(reverse("experts:expert_record", args=[expert.expert.pk]))
    assert own.status_code == 200 and "13800000000" not in own.text
    client.force_login(staff)
    assert "13800000000" in client.get(url).text
