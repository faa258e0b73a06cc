"""The lead street rotates in the agreed order; staff override with a logged reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from congress.errors import InvalidInput, PermissionRefused
from congress.jointmeetings import queries, services
from congress.jointmeetings.models import LeadChange
from congress.models import Notification
from tests.factories import StreetFactory, WorkCommitteeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def third_committee(db):
    return WorkCommitteeFactory(street=StreetFactory(name="学院路"), rotation_order=3)


def test_rotation_proposes_next_in_order_and_wraps(
    staff, work_committee, other_work_committee, third_committee
):
    assert queries.propose_next_lead() == work_committee  # no meeting yet: the first
    leads = []
    for i in range(4):
        m = services.schedule_meeting(
            actor=staff,
            date=dt.date(2022, 3, 29) + dt.timedelta(days=60 * i),
            form="discussion",
            topic=f"主题{i}",
        )
        leads.append(m.lead)
        assert m.proposed_lead == m.lead and m.lead_override_reason == ""
    assert leads == [work_committee, other_work_committee, third_committee, work_committee]
    assert [m.number for m in queries.portal_entries(staff)] == [4, 3, 2, 1]


def test_override_needs_a_reason_and_is_logged(
    staff, recorder, work_committee, other_work_committee
):
    with pytest.raises(InvalidInput) as exc:
        services.schedule_meeting(
            actor=staff,
            date=dt.date(2022, 3, 29),
            form="research",
            topic="t",
            lead=other_work_committee,
        )
    assert exc.value.code == "reason_required"
    m = services.schedule_meeting(
        actor=staff,
        date=dt.date(2022, 3, 29),
        form="research",
        topic="t",
        lead=other_work_committee,
        override_reason="北下关街道承接区级活动",
    )
    assert m.lead == other_work_committee and m.proposed_lead == work_committee
    change = LeadChange.objects.get(meeting=m)
    assert (change.proposed, change.chosen, change.actor) == (
        work_committee,
        other_work_committee,
        staff,
    )
    # The rotation continues from the actual lead.
    assert queries.propose_next_lead() == work_committee


def test_change_lead_later_is_logged_and_notifies(
    staff, recorder, other_recorder, work_committee, other_work_committee
):
    m = services.schedule_meeting(
        actor=staff, date=dt.date(2022, 3, 29), form="research", topic="t"
    )
    assert Notification.objects.filter(recipient=recorder, kind="jointmeetings.lead").count() == 1
    with pytest.raises(InvalidInput):
        services.change_lead(m, actor=staff, lead=other_work_committee, reason="")
    services.change_lead(m, actor=staff, lead=other_work_committee, reason="调整")
    m.refresh_from_db()
    assert m.lead == other_work_committee
    assert LeadChange.objects.filter(meeting=m, reason="调整").count() == 1
    assert (
        Notification.objects.filter(recipient=other_recorder, kind="jointmeetings.lead").count()
        == 1
    )


def test_only_staff_schedule(recorder, work_committee):
    with pytest.raises(PermissionRefused):
        services.schedule_meeting(
            actor=recorder, date=dt.date(2022, 3, 29), form="research", topic="t"
        )


def test_schedule_page_proposes_and_keeps_input_on_error(
    client, staff, work_committee, other_work_committee, recorder
):
    client.force_login(staff)
    url = reverse("jointmeetings:portal_schedule")
    response = client.get(url)
    assert response.status_code == 200 and "北下关" in response.text
    data = {
        "date": "2022-03-29",
        "form": "discussion",
        "topic": "审议工作制度",
        "lead": other_work_committee.pk,
        "override_reason": "",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "审议工作制度" in response.text
    data["override_reason"] = "原因"
    assert client.post(url, data).status_code == 302
    client.force_login(recorder)
    assert client.get(url).status_code == 403
