"""The sweep: reminders at each offset (once), overdue marking, weekly escalation, extensions,
urging, exactly-once, the command, the task, the heartbeat and /healthz."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from congress import deadlines
from congress.models import (
    DeadlineNotice,
    Notification,
    ObligationEvent,
    ObligationState,
    Role,
    SweepHeartbeat,
)
from congress.sweep import sweep
from tests.congress.test_deadline_fixtures import *  # noqa: F403
from tests.congress.test_deadline_fixtures import at
from tests.factories import OfficeFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def days(start: str, end: str):
    day, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def notices(ob, kind=None):
    qs = DeadlineNotice.objects.filter(obligation=ob)
    if kind:
        qs = qs.filter(kind=kind)
    return sorted(qs.values_list("key", flat=True))


def test_a_reminder_at_each_offset_and_none_twice(make_obligation, liaison):
    ob = make_obligation("2026-03-31")
    sent_on = []
    for day in days("2026-03-01", "2026-03-31"):
        for hour in (9, 15):  # two sweeps a day: the second must send nothing
            result = sweep(at(day, hour))
            if result.reminders:
                assert hour == 9
                sent_on.append(day)
    assert sent_on == [dt.date(2026, 3, 17), dt.date(2026, 3, 28), dt.date(2026, 3, 30)]
    assert notices(ob) == [
        "reminder:2026-03-31:1",
        "reminder:2026-03-31:14",
        "reminder:2026-03-31:3",
    ]
    inbox = Notification.objects.filter(recipient=liaison, kind="deadline.reminder")
    assert inbox.count() == 3
    assert "2026-03-31" in inbox.first().title
    assert ob.events.filter(kind="overdue").count() == 0


def test_a_late_first_sweep_sends_only_the_nearest_reminder(make_obligation, liaison):
    ob = make_obligation("2026-03-31")
    result = sweep(at("2026-03-29"))  # the 14-day reminder's moment was missed
    assert result.reminders == 1
    assert notices(ob) == ["reminder:2026-03-31:3"]


def test_reminders_go_to_every_active_liaison_of_the_unit_only(
    make_obligation, unit, liaison, other_liaison
):
    second = UserFactory(username="liaison-b")
    grant(second, Role.LIAISON, unit=unit)
    gone = UserFactory(username="liaison-c")
    membership = grant(gone, Role.LIAISON, unit=unit)
    membership.is_active = False
    membership.save()
    make_obligation("2026-03-31")
    sweep(at("2026-03-30"))
    recipients = set(
        Notification.objects.filter(kind="deadline.reminder").values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients == {"liaison", "liaison-b"}


def test_overdue_then_weekly_escalation_to_the_general_office(make_obligation, liaison, staff):
    ob = make_obligation("2026-03-31")
    result = sweep(at("2026-04-01"))
    assert (result.overdue, result.escalations) == (1, 0)
    ob.refresh_from_db()
    assert ob.state == ObligationState.OVERDUE and ob.overdue_since == at("2026-04-01")
    assert ob.events.filter(kind="overdue", to_state="overdue").count() == 1
    assert Notification.objects.filter(recipient=liaison, kind="deadline.overdue").count() == 1
    escalated_on = []
    for day in days("2026-04-01", "2026-04-22"):
        r = sweep(at(day))
        sweep(at(day, 18))
        assert r.overdue == 0
        if r.escalations:
            escalated_on.append(day)
    assert escalated_on == [dt.date(2026, 4, 7), dt.date(2026, 4, 14), dt.date(2026, 4, 21)]
    # Staff of the general office (no supervising office set) got one notice a week.
    assert Notification.objects.filter(recipient=staff, kind="deadline.escalation").count() == 3
    assert not Notification.objects.filter(recipient=liaison, kind="deadline.escalation").exists()
    ob.refresh_from_db()
    assert ob.last_escalated_at == at("2026-04-21")  # read from the notices
    # A new due date (an extension) starts afresh: no escalation yet for it.
    ob.due_date = dt.date(2026, 5, 31)
    assert ob.last_escalated_at is None


def test_escalation_goes_to_the_supervising_office_when_set(
    make_obligation, staff, committee_staff
):
    from congress.models import Unit

    office = Unit.objects.get(name="教育科学文化卫生委员会")
    make_obligation("2026-03-31", supervising_office=office)
    sweep(at("2026-04-08"))
    assert (
        Notification.objects.filter(kind="deadline.escalation").get().recipient == committee_staff
    )
    assert not Notification.objects.filter(recipient=staff).exists()


def test_escalation_interval_is_a_setting(settings, make_obligation, staff):
    settings.DEADLINE_ESCALATION_DAYS = 3
    ob = make_obligation("2026-03-31")
    for day in days("2026-04-01", "2026-04-07"):
        sweep(at(day))
    assert notices(ob, "escalation") == ["escalation:2026-03-31:1", "escalation:2026-03-31:2"]


def test_submitted_and_accepted_obligations_are_left_alone(make_obligation, liaison, staff):
    ob = make_obligation("2026-03-31")
    deadlines.submit_report(ob, actor=liaison, title="报告", text="内容", now=at("2026-03-10"))
    assert sweep(at("2026-03-30")).counts()["reminders"] == 0
    assert sweep(at("2026-04-15")).counts()["overdue"] == 0
    ob.refresh_from_db()
    assert ob.state == ObligationState.SUBMITTED


def test_a_report_returned_after_its_due_date_becomes_overdue_again(
    make_obligation, liaison, staff
):
    ob = make_obligation("2026-03-31")
    sweep(at("2026-04-01"))
    deadlines.submit_report(ob, actor=liaison, title="报告", text="内容", now=at("2026-04-02"))
    deadlines.return_report(ob, actor=staff, reason="数据不全", now=at("2026-04-03"))
    result = sweep(at("2026-04-04"))
    ob.refresh_from_db()
    assert ob.state == ObligationState.OVERDUE and result.overdue == 1
    # The unit was already told it was overdue for this due date: no second overdue notice.
    assert notices(ob, "overdue") == ["overdue:2026-03-31"]


def test_extension_moves_the_due_date_and_reminders_follow(
    make_obligation, liaison, staff, chairpersons_meeting
):
    ob = make_obligation("2026-03-31")
    sweep(at("2026-03-17"))  # the 14-day reminder for 31 March
    request = deadlines.request_extension(
        ob,
        actor=liaison,
        reason="需会同多部门调研",
        requested_due_date=dt.date(2026, 4, 30),
        now=at("2026-03-20"),
    )
    assert Notification.objects.filter(
        recipient=staff, kind="deadline.extension_requested"
    ).exists()
    deadlines.decide_extension(
        request,
        actor=staff,
        approve=True,
        meeting=chairpersons_meeting,
        note="主任会议同意",
        now=at("2026-03-25"),
    )
    ob.refresh_from_db()
    assert ob.due_date == dt.date(2026, 4, 30) and ob.original_due_date == dt.date(2026, 3, 31)
    moved = ob.events.get(kind="extension_approved")
    assert (moved.old_due_date, moved.new_due_date) == (dt.date(2026, 3, 31), dt.date(2026, 4, 30))
    reminded_on = []
    for day in days("2026-03-25", "2026-05-01"):
        r = sweep(at(day))
        if r.reminders:
            reminded_on.append(day)
        assert r.overdue == 0 or day == dt.date(2026, 5, 1)
    assert reminded_on == [dt.date(2026, 4, 16), dt.date(2026, 4, 27), dt.date(2026, 4, 29)]
    assert notices(ob, "reminder") == [
        "reminder:2026-03-31:14",
        "reminder:2026-04-30:1",
        "reminder:2026-04-30:14",
        "reminder:2026-04-30:3",
    ]
    ob.refresh_from_db()
    assert ob.state == ObligationState.OVERDUE  # 1 May: the new date has passed


def test_refused_extension_keeps_the_date_and_tells_the_unit(make_obligation, liaison, staff):
    ob = make_obligation("2026-03-31")
    request = deadlines.request_extension(
        ob,
        actor=liaison,
        reason="理由",
        requested_due_date=dt.date(2026, 5, 1),
        now=at("2026-03-20"),
    )
    deadlines.decide_extension(
        request, actor=staff, approve=False, note="不同意", now=at("2026-03-21")
    )
    ob.refresh_from_db()
    request.refresh_from_db()
    assert ob.due_date == dt.date(2026, 3, 31) and request.state == "refused"
    note = Notification.objects.get(recipient=liaison, kind="deadline.extension_decided")
    assert "2026-03-31" in note.body


@pytest.mark.parametrize(
    ("when", "new_date", "code"),
    [
        ("2026-04-01", "2026-05-01", "too_late"),
        ("2026-03-20", "2026-03-30", "date_not_later"),
    ],
)
def test_extension_requests_are_checked(make_obligation, liaison, when, new_date, code):
    ob = make_obligation("2026-03-31")
    with pytest.raises(deadlines.DomainError) as err:
        deadlines.request_extension(
            ob,
            actor=liaison,
            reason="理由",
            requested_due_date=dt.date.fromisoformat(new_date),
            now=at(when),
        )
    assert err.value.code == code


def test_only_one_pending_extension_and_decisions_are_final(make_obligation, liaison, staff):
    ob = make_obligation("2026-03-31")
    request = deadlines.request_extension(
        ob,
        actor=liaison,
        reason="理由",
        requested_due_date=dt.date(2026, 5, 1),
        now=at("2026-03-20"),
    )
    with pytest.raises(deadlines.DomainError) as err:
        deadlines.request_extension(
            ob,
            actor=liaison,
            reason="再次",
            requested_due_date=dt.date(2026, 6, 1),
            now=at("2026-03-21"),
        )
    assert err.value.code == "extension_pending"
    deadlines.decide_extension(request, actor=staff, approve=False, now=at("2026-03-22"))
    with pytest.raises(deadlines.DomainError) as err:
        deadlines.decide_extension(request, actor=staff, approve=True, now=at("2026-03-23"))
    assert err.value.code == "not_pending"


def test_an_approved_extension_reopens_an_overdue_obligation(make_obligation, liaison, staff):
    ob = make_obligation("2026-03-31")
    request = deadlines.request_extension(
        ob,
        actor=liaison,
        reason="理由",
        requested_due_date=dt.date(2026, 5, 31),
        now=at("2026-03-30"),
    )
    sweep(at("2026-04-02"))  # the decision comes after the due date
    ob.refresh_from_db()
    assert ob.state == ObligationState.OVERDUE
    deadlines.decide_extension(
        request, actor=staff, approve=True, new_due_date=dt.date(2026, 5, 15), now=at("2026-04-03")
    )
    ob.refresh_from_db()
    assert (ob.state, ob.due_date, ob.overdue_since) == ("open", dt.date(2026, 5, 15), None)
    assert sweep(at("2026-04-10")).counts()["escalations"] == 0


def test_urging_is_recorded_and_notified_once_a_day(make_obligation, liaison, staff):
    ob = make_obligation("2026-03-31")
    notice = deadlines.urge_obligation(ob, actor=staff, note="请尽快报送", now=at("2026-03-25"))
    assert (notice.kind, notice.actor) == ("urge", staff)
    assert ob.events.filter(kind="urged", actor=staff).exists()
    urged = Notification.objects.get(recipient=liaison, kind="deadline.urge")
    assert urged.body == "请尽快报送"
    with pytest.raises(deadlines.DomainError) as err:
        deadlines.urge_obligation(ob, actor=staff, now=at("2026-03-25", 16))
    assert err.value.code == "already_urged"
    deadlines.urge_obligation(ob, actor=staff, now=at("2026-03-26"))
    assert Notification.objects.filter(recipient=liaison, kind="deadline.urge").count() == 2


def test_a_repeated_sweep_sends_nothing_new(make_obligation, liaison, staff):
    for due in ("2026-03-20", "2026-03-30", "2026-04-01", "2026-04-14"):
        make_obligation(due)
    first = sweep(at("2026-03-31"))
    assert (first.reminders, first.overdue, first.escalations) == (2, 2, 1)
    rows = Notification.objects.count()
    second = sweep(at("2026-03-31", 10))
    assert (second.reminders, second.overdue, second.escalations, second.notifications) == (
        0,
        0,
        0,
        0,
    )
    assert Notification.objects.count() == rows


def test_sweep_works_in_batches(make_obligation, liaison):
    obs = [make_obligation("2026-03-30", title=f"报告{i}") for i in range(7)]
    result = sweep(at("2026-03-29"), batch_size=3)
    assert (result.batches, result.obligations, result.reminders) == (3, 7, 7)
    assert all(notices(ob) == ["reminder:2026-03-30:1"] for ob in obs)


def test_sweep_queries_per_batch_are_flat(
    make_obligation, unit, other_unit, liaison, other_liaison
):
    """1 and 20 obligations (in one batch, two units) cost the same number of queries."""

    def count(n: int, due: str) -> int:
        for i in range(n):
            make_obligation(due, of_unit=unit if i % 2 else other_unit, title=f"报告{i}")
        with CaptureQueriesContext(connection) as ctx:
            sweep(at("2026-03-01"), send_emails=False)
        return len(ctx.captured_queries)

    sweep(at("2026-03-01"))  # warm up: the heartbeat row exists, the content type is cached
    one = count(1, "2026-03-02")
    many = count(20, "2026-03-03")
    # general office; the batch: select, existing notices, insert notices, read back claims,
    # recipients, insert notifications; the final empty select; heartbeat get + update (plus
    # the transaction's savepoint-free BEGIN/COMMIT are not counted).
    assert one == many
    assert many <= 11


def test_sweep_command_prints_one_json_line(make_obligation, liaison):
    make_obligation("2026-03-31")
    out = StringIO()
    call_command("sweep_deadlines", "--now", "2026-04-01T09:00:00+08:00", "--json", stdout=out)
    line = out.getvalue().strip()
    assert "\n" not in line
    counts = json.loads(line)
    assert counts["overdue"] == 1 and counts["reminders"] == 0 and counts["escalations"] == 0
    assert all(isinstance(v, int) for v in counts.values())
    out = StringIO()
    call_command("sweep_deadlines", "--now", "2026-04-01", "--json", stdout=out)
    assert json.loads(out.getvalue())["overdue"] == 0


def test_sweep_command_refuses_a_bad_clock():
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("sweep_deadlines", "--now", "yesterday")


def test_the_celery_task_run_twice_sends_once(make_obligation, liaison, time_machine):
    from congress.tasks import sweep_deadlines

    make_obligation("2026-03-31")
    time_machine.move_to(at("2026-03-30"), tick=False)
    first = sweep_deadlines.apply().get()
    second = sweep_deadlines.apply().get()
    assert first["reminders"] == 1 and second["reminders"] == 0
    assert Notification.objects.filter(recipient=liaison).count() == 1


def test_the_sweep_records_its_heartbeat(make_obligation, liaison):
    make_obligation("2026-03-31")
    sweep(at("2026-03-30"))
    sweep(at("2026-03-30", 10))
    hb = SweepHeartbeat.objects.get()
    assert hb.runs == 2 and hb.counts["reminders"] == 0 and hb.clock == at("2026-03-30", 10)


def test_healthz_reports_a_stale_sweep_only_when_obligations_are_pending(
    client, make_obligation, settings
):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(settings.MEDIA_ROOT / "broker")
    }
    body = client.get("/healthz").json()
    assert body["sweep"] == {"ok": True}  # nothing owed: a fresh install is healthy
    ob = make_obligation("2026-03-31")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["sweep"]["stale"] is True
    sweep()
    response = client.get("/healthz")
    assert response.json()["sweep"] == {"ok": True} and response.status_code == 200
    SweepHeartbeat.objects.update(finished_at=at("2020-01-01"))
    assert client.get("/healthz").json()["sweep"]["stale"] is True
    deadlines.waive_obligation(ob, actor=None, reason="撤销")
    assert client.get("/healthz").json()["sweep"] == {"ok": True}


def test_broker_down_a_submission_succeeds_and_the_next_sweep_sends_its_email(
    make_obligation, liaison, staff, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    from congress import tasks

    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.send_pending_emails, "apply_async", down)
    ob = make_obligation("2026-03-31")
    with django_capture_on_commit_callbacks(execute=True):
        deadlines.submit_report(ob, actor=liaison, title="研究处理方案", text="内容")
    ob.refresh_from_db()
    assert ob.state == ObligationState.SUBMITTED
    note = Notification.objects.get(recipient=staff, kind="deadline.submitted")
    assert note.email_state == "pending" and mailoutbox == []
    result = sweep(at("2026-03-20"))
    assert result.emails == 1
    assert [m.to for m in mailoutbox] == [[staff.email]]
    note.refresh_from_db()
    assert note.email_state == "sent"
    assert sweep(at("2026-03-20", 10)).emails == 0


def test_obligation_events_are_append_only(make_obligation):
    ob = make_obligation("2026-03-31")
    event = ob.events.get()
    event.note = "changed"
    with pytest.raises(ValueError):
        event.save()
    assert ObligationEvent.objects.get(pk=event.pk).note == ""


def test_no_liaison_means_no_notification_but_the_notice_is_kept(staff):
    unit = OfficeFactory(name="无联络员单位", kind="department", office_role="")
    ob = deadlines.open_obligation(
        unit=unit,
        kind="test.report",
        subject=unit,
        title="报告",
        starts_on=dt.date(2026, 1, 1),
        due_date=dt.date(2026, 3, 31),
    )
    result = sweep(at("2026-03-30"))
    assert result.reminders == 1 and result.notifications == 0
    assert notices(ob) == ["reminder:2026-03-31:1"]


def test_the_admin_shows_when_an_obligation_was_last_escalated(
    make_obligation, staff, client, admin_user
):
    ob = make_obligation("2026-03-10")
    sweep(at("2026-03-12"), send_emails=False)  # overdue since 12 March
    sweep(at("2026-03-20"), send_emails=False)  # 10 days late: escalated (week 1)
    client.force_login(admin_user)
    page = client.get(f"/admin/congress/obligation/{ob.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "最近上报" in html and "2026年3月20日" in html
