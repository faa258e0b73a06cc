"""Admin: staff see everything; changes go through the portal's services."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_admin_pages_open_and_do_not_edit(client, superuser, signed_meeting, open_meeting):
    client.force_login(superuser)
    assert client.get(reverse("admin:jointmeetings_jointmeeting_changelist")).status_code == 200
    url = reverse("admin:jointmeetings_jointmeeting_change", args=[open_meeting.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"information": "后台改写"})
    open_meeting.refresh_from_db()
    assert open_meeting.information == "会议纪要"  # read-only in the admin
    assert client.get(reverse("admin:jointmeetings_jointmeeting_add")).status_code == 403
