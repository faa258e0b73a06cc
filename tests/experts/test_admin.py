"""Admin: the taxonomy is staff-editable; renewing goes through the service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from experts.models import ExpertiseField

pytestmark = pytest.mark.django_db


def test_staff_edit_the_taxonomy(client, staff):
    client.force_login(staff)
    r = client.post(
        reverse("admin:experts_expertisefield_add"), {"name": "数字政府", "sort_order": 200}
    )
    assert r.status_code == 302
    assert ExpertiseField.objects.filter(name="数字政府").exists()


def test_renew_action_adds_a_term(client, staff, make_expert):
    e = make_expert("续聘专家", appointment_ends_on=dt.date(2025, 4, 30))
    client.force_login(staff)
    r = client.post(
        reverse("admin:experts_expert_changelist"),
        {"action": "renew_three_years", "_selected_action": [e.pk]},
    )
    assert r.status_code == 302
    e.refresh_from_db()
    assert e.appointment_ends_on == dt.date(2028, 4, 30)
    assert list(e.terms.values_list("starts_on", "is_renewal")) == [
        (dt.date(2022, 5, 1), False),
        (dt.date(2025, 5, 1), True),
    ]


def test_admin_pages_open(client, superuser, consultation, expert):
    client.force_login(superuser)
    for name in ["experts_expert", "experts_consultation", "experts_expertisefield"]:
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:experts_expert_change", args=[expert.expert.pk])).status_code
        == 200
    )
