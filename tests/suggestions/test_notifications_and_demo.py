"""Side effects after commit (notifications), the follow-up page, and the demo seed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from congress.models import Notification, UnitKind
from motions.suggestions.models import FollowUp
from tests.suggestions import factories


def test_assignment_and_reply_notify_after_commit(
    term, deputy, other_deputy, unit, staff, liaison, django_capture_on_commit_callbacks
):
    [s] = factories.filed(term, deputy, co=[other_deputy])
    with django_capture_on_commit_callbacks(execute=True):
        [a] = factories.assigned([s], unit, staff)
    assert Notification.objects.filter(recipient=liaison, kind="suggestions.assigned").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        factories.replied(a, liaison)
    rated = Notification.objects.filter(kind="suggestions.replied")
    assert set(rated.values_list("recipient", flat=True)) == {deputy.pk, other_deputy.pk}
    assert rated.first().url == reverse("suggestions:portal_detail", args=[s.pk])


def test_follow_up_page_for_the_unit_only(
    client, term, deputy, unit, staff, liaison, other_liaison
):
    [s] = factories.filed(term, deputy)
    [a] = factories.assigned([s], unit, staff)
    factories.replied(a, liaison, reply_class="B")
    follow_up = FollowUp.objects.get()
    url = reverse("suggestions:unit_followup", args=[follow_up.pk])
    client.force_login(other_liaison)
    assert client.post(url, {"text": "别的单位"}).status_code == 404
    client.force_login(liaison)
    response = client.post(url, {"text": ""})
    assert response.status_code == 400
    assert "text" in response.context["followup_form"].errors
    done = client.post(url, {"text": "已建成启用"})
    assert done.status_code == 302
    assert done["Location"] == reverse(
        "suggestions:unit_detail", args=[follow_up.reply.assignment_id]
    )
    follow_up.refresh_from_db()
    assert follow_up.report == "已建成启用"
    assert follow_up.obligation.state == "submitted"


def test_unit_dashboard_panel_counts_open_and_overdue(client, term, deputy, unit, staff, liaison):
    items = factories.filed(term, deputy, 2)
    factories.assigned(items, unit, staff, when=timezone.make_aware(dt.datetime(2024, 1, 15, 9)))
    client.force_login(liaison)
    panels = dict(client.get(reverse("portal:dashboard")).context["panels"])
    # Assigned in January 2024, due in April 2024: both overdue today.
    assert panels["suggestions/_panel_unit.html"] == {"open": 2, "overdue": 2}
    client.force_login(deputy)
    panels = dict(client.get(reverse("portal:dashboard")).context["panels"])
    assert "suggestions/_panel_unit.html" not in panels
    assert panels["suggestions/_panel_to_rate.html"] == {"replies": [], "more": False}


@pytest.fixture
def demo_world(term, session_meeting, deputy, other_deputy, make_deputy, street):
    """The minimum the suggestions demo needs: the term with its first session, deputies, the
    units it assigns to and the 北下关 deputies' home."""
    from deputies.models import Station
    from motions.suggestions.demo import STREETS, TOPICS
    from tests.factories import UnitFactory

    for i in range(6):
        make_deputy(f"d{i}", f"代表{i}")
    for candidates, _templates in TOPICS.values():
        for name in candidates:
            if name != "street":
                UnitFactory(name=name, kind=UnitKind.DEPARTMENT)
    for name in STREETS:
        UnitFactory(name=f"{name}街道办事处", kind=UnitKind.STREET)
    Station.objects.create(
        name="北下关街道代表之家", kind="home", street=street, address="北下关街道办事处一层"
    )


def test_demo_seed_is_idempotent_and_tells_a_story(demo_world):
    from congress.demo_support import DemoContext
    from congress.models import Obligation, Transition
    from deputies.models import DutyRecord
    from motions.suggestions import demo
    from motions.suggestions.models import BureauVisit, Rating, Reply, Suggestion

    ctx = DemoContext(now=timezone.make_aware(dt.datetime(2022, 9, 1, 12)), verbosity=0)
    demo.seed(ctx)
    counts = [
        Suggestion.objects.count(),
        Reply.objects.count(),
        Rating.objects.count(),
        Obligation.objects.filter(kind__startswith="suggestions.").count(),
        BureauVisit.objects.count(),
        Transition.objects.count(),
        DutyRecord.objects.count(),
    ]
    assert counts[0] >= 60 and counts[1] > 0 and counts[2] > 0 and counts[4] == 1
    states = set(Suggestion.objects.values_list("state", flat=True))
    assert {"closed", "assigned"} <= states
    demo.seed(DemoContext(now=ctx.now, verbosity=0))
    assert counts == [
        Suggestion.objects.count(),
        Reply.objects.count(),
        Rating.objects.count(),
        Obligation.objects.filter(kind__startswith="suggestions.").count(),
        BureauVisit.objects.count(),
        Transition.objects.count(),
        DutyRecord.objects.count(),
    ]
    visit = BureauVisit.objects.get()
    assert visit.unit.name == "区教委" and visit.station.name == "北下关街道代表之家"
