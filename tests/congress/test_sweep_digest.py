"""Digests: a batch that owes one recipient several notices of one kind sends one notification
listing them; a single notice keeps its own notification. Both sweep methods (the set-based one
on PostgreSQL only) must write the same."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from congress.models import DeadlineNotice, Notification, Role
from congress.sweep import DIGEST_BODIES, DIGEST_LINES, DIGEST_TITLES, TITLES, sweep
from tests.congress.test_deadline_fixtures import *  # noqa: F403
from tests.congress.test_deadline_fixtures import at, told
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

METHODS = [
    "orm",
    pytest.param(
        "set",
        marks=pytest.mark.skipif(not settings.IS_POSTGRES, reason="PostgreSQL SQL"),
    ),
]


@pytest.mark.parametrize("method", METHODS)
def test_several_reminders_for_one_liaison_come_as_one_digest(
    make_obligation, unit, liaison, method
):
    english = UserFactory(username="liaison-en", language="en")
    grant(english, Role.LIAISON, unit=unit)
    # Listed by due date, whatever order they were created in.
    later = make_obligation("2026-03-23", title="乙报告")
    sooner = make_obligation("2026-03-21", title="甲报告")
    result = sweep(at("2026-03-20"), method=method, send_emails=False)
    assert result.reminders == 2 and result.notifications == 2  # one digest each

    first = DeadlineNotice.objects.filter(obligation__in=[later, sooner]).order_by("pk").first()
    for user in (liaison, english):
        note = Notification.objects.get(recipient=user)
        with translation.override(user.language):
            assert note.title == str(DIGEST_TITLES["reminder"]) % {"count": 2}
            advice, lines = note.body.split("\n\n")
            assert advice == str(DIGEST_BODIES["reminder"])
        assert lines.splitlines() == [
            line.format(unit=sooner.unit.name)
            for line in (
                ("- 甲报告 ({unit}, due 2026-03-21)", "- 乙报告 ({unit}, due 2026-03-23)")
                if user.language == "en"
                else (
                    "- 《甲报告》（{unit}，截止 2026-03-21）",
                    "- 《乙报告》（{unit}，截止 2026-03-23）",
                )
            )
        ]
        assert note.kind == "deadline.reminder"
        assert note.key == f"deadline:notices:{first.pk}"
        assert note.url == "/portal/obligations/"
        assert note.subject_id is None and note.subject_type_id is None
    # the Chinese title says how many
    assert Notification.objects.get(recipient=liaison).title == "提醒：2 份报告即将到期"


@pytest.mark.parametrize("method", METHODS)
def test_a_single_notice_keeps_its_own_notification(make_obligation, liaison, staff, method):
    ob = make_obligation("2026-03-12", title="唯一报告")  # overdue by a week: overdue, escalation
    sweep(at("2026-03-20"), method=method, send_emails=False)
    overdue = Notification.objects.get(recipient=liaison)
    escalation = Notification.objects.get(recipient=staff)
    for note, kind in ((overdue, "overdue"), (escalation, "escalation")):
        notice = DeadlineNotice.objects.get(obligation=ob, kind=kind)
        assert note.key == f"deadline:notice:{notice.pk}"
        assert note.subject_id == ob.pk and note.url == f"/portal/obligations/{ob.pk}/"
        with translation.override("zh-hans"):
            params = {"title": "唯一报告", "date": "2026-03-12", "unit": ob.unit.name}
            assert note.title == str(TITLES[kind]) % params


@pytest.mark.parametrize("method", METHODS)
def test_a_long_digest_lists_the_first_reports_and_how_many_more(
    make_obligation, liaison, staff, method
):
    n = DIGEST_LINES + 3
    for i in range(n):
        make_obligation("2026-03-05", title=f"逾期{i:02d}")  # two weeks late: escalated
    result = sweep(at("2026-03-20"), method=method, send_emails=False)
    assert (result.overdue, result.escalations, result.notifications) == (n, n, 2)
    escalation = Notification.objects.get(recipient=staff)
    assert escalation.title == f"逾期上报：{n} 份报告逾期未报送"
    assert escalation.url == "/portal/obligations/?state=overdue"
    lines = escalation.body.split("\n\n")[1].splitlines()
    assert len(lines) == DIGEST_LINES + 1
    assert lines[0].startswith("- 《逾期00》") and lines[DIGEST_LINES - 1].startswith(
        "- 《逾期19》"
    )
    assert lines[-1] == "……另有 3 份"
    assert Notification.objects.get(recipient=liaison).url == "/portal/obligations/?state=overdue"


@pytest.mark.parametrize("method", METHODS)
def test_each_batch_tells_its_own_notices_once(make_obligation, liaison, method):
    """Digests are per batch: with batches of 2, five reminders come as 2 + 2 + 1, each report
    named once, and a second sweep sends nothing."""
    for i in range(5):
        make_obligation("2026-03-21", title=f"报告{i}")
    sweep(at("2026-03-20"), method=method, send_emails=False, batch_size=2)
    notes = Notification.objects.filter(recipient=liaison)
    assert sorted(n.key.split(":")[1] for n in notes) == ["notice", "notices", "notices"]
    assert told(liaison) == {("reminder", f"报告{i}"): 1 for i in range(5)}
    again = sweep(at("2026-03-20", 10), method=method, send_emails=False, batch_size=2)
    assert again.notifications == 0 and notes.count() == 3


def test_a_digest_is_one_email(make_obligation, liaison, mailoutbox):
    for i in range(3):
        make_obligation("2026-03-21", title=f"报告{i}")
    result = sweep(at("2026-03-20"))
    assert result.reminders == 3
    assert [m.to for m in mailoutbox] == [[liaison.email]]
    assert "报告0" in mailoutbox[0].body and "报告2" in mailoutbox[0].body


def test_the_inbox_shows_a_digest_line_by_line(make_obligation, liaison, client):
    for i in range(3):
        make_obligation("2026-03-21", title=f"报告{i}")
    sweep(at("2026-03-20"), send_emails=False)
    client.force_login(liaison)
    page = client.get("/portal/inbox/").content.decode()
    assert "提醒：3 份报告即将到期" in page
    assert "《报告0》" in page and "《报告2》" in page
    assert "<br>- 《报告1》" in page  # one report a line
