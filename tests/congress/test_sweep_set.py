"""The set-based sweep (one statement per batch on PostgreSQL): flat statements per batch, the same
rows as the portable ORM path, each recipient's language, the claim walks the partial index."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from congress.models import (
    DeadlineNotice,
    Notification,
    Obligation,
    ObligationEvent,
    Role,
    Unit,
)
from congress.sweep import BODIES, TITLES, pg_format, sweep
from tests.congress.test_deadline_fixtures import *  # noqa: F403
from tests.congress.test_deadline_fixtures import at
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

needs_postgres = pytest.mark.skipif(
    not settings.IS_POSTGRES,
    reason="the set-based sweep is PostgreSQL SQL (data-modifying CTEs, SKIP LOCKED); "
    "SQLite runs the ORM path, whose bulk inserts SQLite splits at 999 parameters",
)

TODAY = dt.date(2026, 3, 20)


def statements(ctx) -> list[str]:
    """The captured SQL without transaction control (BEGIN/COMMIT/savepoints)."""
    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(control)]


def bulk_obligations(unit: Unit, n: int, *, prefix: str, supervising_office=None) -> list[int]:
    """n open obligations of `unit` with due dates spread from 20 days ago to 20 days ahead (so
    a sweep on TODAY sends reminders, overdue notices and escalations)."""
    ct = ContentType.objects.get_for_model(Unit)
    rows = []
    for i in range(n):
        due = TODAY + dt.timedelta(days=(i * 7) % 41 - 20)
        rows.append(
            Obligation(
                unit=unit,
                kind="test.report",
                title=f"{prefix}{i}",
                subject_type=ct,
                subject_id=unit.pk,
                starts_on=due - dt.timedelta(days=60),
                due_date=due,
                original_due_date=due,
                supervising_office=supervising_office,
            )
        )
    return [ob.pk for ob in Obligation.objects.bulk_create(rows)]


def test_pg_format_turns_named_placeholders_into_positional_ones():
    assert pg_format("“%(title)s” due %(date)s, %(days)s days, %(unit)s, 100%%") == (
        "“%1$s” due %2$s, %4$s days, %3$s, 100%%"
    )
    with pytest.raises(ValueError):
        pg_format("50% done %(title)s")
    with pytest.raises(ValueError):
        pg_format("%(unknown)s")


@needs_postgres
def test_a_title_that_looks_like_a_placeholder_is_not_expanded(make_obligation, liaison):
    make_obligation("2026-03-21", title="标题%2$s与%%")
    sweep(at(TODAY), send_emails=False)
    note = Notification.objects.get(recipient=liaison)
    assert "标题%2$s与%%" in note.title and "2026-03-21" in note.title


@needs_postgres
def test_statements_per_batch_are_the_same_for_10_and_500_obligations(
    unit, other_unit, liaison, other_liaison, staff
):
    """One batch of 10 and one batch of 500 (reminders, overdue, escalations, two units, liaisons
    and the general office's staff as recipients) cost the same statements."""
    second = UserFactory(username="liaison-en", language="en")
    grant(second, Role.LIAISON, unit=unit)
    sweep(at("2026-01-01"), send_emails=False)  # warm up: heartbeat row, content type cache

    def count(n: int, prefix: str) -> tuple[int, int]:
        bulk_obligations(unit, n // 2, prefix=prefix)
        bulk_obligations(other_unit, n - n // 2, prefix=prefix + "b")
        with CaptureQueriesContext(connection) as ctx:
            result = sweep(at(TODAY), send_emails=False, batch_size=1000)
        assert result.batches == 1 and result.obligations > 0
        return len(statements(ctx)), result.reminders + result.overdue + result.escalations

    ten, sent_ten = count(10, "十")
    five_hundred, sent_many = count(500, "五百")
    assert sent_many > 10 * sent_ten / 2  # the big batch did real work (notices, not digests)
    # general office; the batch (ONE statement: claim, plan, notices, states, events,
    # notifications); the heartbeat row (get) and its update. BEGIN/COMMIT are not captured.
    assert ten == five_hundred == 4


@needs_postgres
def test_a_sweep_in_batches_costs_one_statement_per_batch(unit, liaison):
    sweep(at("2026-01-01"), send_emails=False)
    ids = bulk_obligations(unit, 230, prefix="批")
    in_window = Obligation.objects.filter(pk__in=ids, due_date__lte=TODAY + dt.timedelta(days=14))
    with CaptureQueriesContext(connection) as ctx:
        result = sweep(at(TODAY), send_emails=False, batch_size=50)
    assert result.obligations == in_window.count()
    full, rest = divmod(result.obligations, 50)
    assert result.batches == full + (1 if rest else 0)
    sql = statements(ctx)
    batch_statements = [q for q in sql if "FOR UPDATE" in q]
    # a final empty claim only when the last batch was full
    assert len(batch_statements) == result.batches + (0 if rest else 1)
    assert len(sql) == len(batch_statements) + 3  # general office, heartbeat get and update


def snapshot() -> dict:
    """Everything a sweep writes, by natural keys (ids differ between two runs)."""
    notices = {
        n.pk: (n.obligation.title, n.kind, n.key)
        for n in DeadlineNotice.objects.select_related("obligation")
    }
    notifications = sorted(
        (
            n.recipient.username,
            n.kind,
            notices[int(n.key.rsplit(":", 1)[1])],
            n.title,
            n.body,
            n.url.replace(str(n.subject_id), "<pk>"),
            n.email_state,
            n.created_at.isoformat(),
        )
        for n in Notification.objects.filter(
            kind__in=["deadline.reminder", "deadline.overdue", "deadline.escalation"]
        ).select_related("recipient")
    )
    obligations = sorted(
        (ob.title, ob.state, ob.overdue_since, ob.last_escalated_at)
        for ob in Obligation.objects.all()
    )
    events = sorted(
        ObligationEvent.objects.filter(kind="overdue").values_list(
            "obligation__title", "from_state", "to_state", "note", "at"
        )
    )
    return {
        "notices": sorted(notices.values()),
        "notifications": notifications,
        "obligations": obligations,
        "events": events,
    }


@needs_postgres
def test_the_set_based_sweep_writes_exactly_what_the_orm_sweep_writes(
    make_obligation, unit, other_unit, liaison, other_liaison, staff, committee_staff
):
    """Same scenario, a month of daily sweeps, once per method (each rolled back after its
    snapshot): identical notices, notifications (texts in each recipient's language), states,
    events."""
    english = UserFactory(username="liaison-en", language="en", email="")
    grant(english, Role.LIAISON, unit=unit)
    gone = UserFactory(username="liaison-gone")
    grant(gone, Role.LIAISON, unit=unit).__class__.objects.filter(user=gone).update(is_active=False)
    committee = Unit.objects.get(name="教育科学文化卫生委员会")
    for i, due in enumerate(["2026-03-05", "2026-03-18", "2026-03-22", "2026-04-02", "2026-04-20"]):
        make_obligation(due, title=f"甲{i}")
        make_obligation(due, of_unit=other_unit, supervising_office=committee, title=f"乙{i}")
    returned = make_obligation("2026-03-25", title="退回")
    Obligation.objects.filter(pk=returned.pk).update(state="returned")
    make_obligation("2026-03-26", title="已提交")
    Obligation.objects.filter(title="已提交").update(state="submitted")

    def run(method: str) -> dict:
        sid = transaction.savepoint()
        for offset in range(0, 30, 2):
            day = dt.date(2026, 3, 1) + dt.timedelta(days=offset)
            sweep(at(day), method=method, send_emails=False, batch_size=3)
        snap = snapshot()
        transaction.savepoint_rollback(sid)
        return snap

    orm, set_based = run("orm"), run("set")
    assert orm["notices"] and orm["events"]
    # liaisons of both units (one reads English, one has no e-mail), the general office's staff
    # (escalations of 甲) and the committee's (乙); not the inactive membership.
    assert {n[0] for n in orm["notifications"]} == {
        "liaison",
        "liaison-en",
        "otherliaison",
        "staff",
        "committee",
    }
    assert set_based == orm


@needs_postgres
def test_each_recipient_reads_the_notice_in_their_language(make_obligation, unit, liaison):
    english = UserFactory(username="liaison-en", language="en")
    grant(english, Role.LIAISON, unit=unit)
    make_obligation("2026-03-23", title="年度报告")
    sweep(at(TODAY), send_emails=False)
    for user in (liaison, english):
        note = Notification.objects.get(recipient=user, kind="deadline.reminder")
        params = {"title": "年度报告", "date": "2026-03-23", "unit": unit.name, "days": 3}
        with translation.override(user.language):
            assert note.title == str(TITLES["reminder"]) % params
            assert note.body == str(BODIES["reminder"]) % params
