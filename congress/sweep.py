"""The deadline sweep: reminders before the due date, overdue marking, weekly escalation.

Run by the Celery beat task `congress.sweep_deadlines` and by `manage.py sweep_deadlines`; both
call `sweep()`. Exactly once is enforced by the database, not by a cache flag:

- every notice has a row in `DeadlineNotice` with a unique (obligation, kind, key); the key carries
  the due date, so an extension (a new due date) gets its own reminders;
- a batch inserts its notice rows with ON CONFLICT DO NOTHING and sends only the rows it inserted
  (PostgreSQL: `RETURNING`; the portable path: a claim token read back);
- the notice rows, the state changes, the events and the notifications of a batch are written in
  one transaction, so either all of them exist or none does and the next sweep retries;
- the batch rows are claimed with `FOR UPDATE SKIP LOCKED` on PostgreSQL, so two sweeps running
  at once work on different obligations.

Batches are bounded (`DEADLINE_SWEEP_BATCH`) and walk the partial index `obligation_pending_due_id`
(pending obligations by due date and id) with a keyset cursor. Two implementations of one batch:

- `_set_batch` (PostgreSQL): ONE statement per batch. Claim, plan (reminder / overdue /
  escalation computed in SQL), insert notices, update states, insert events, resolve recipients
  and insert their notifications in each recipient's language are data-modifying CTEs of a single
  `WITH … SELECT`; nothing but the counts crosses the wire (docs/deadlines.md, docs/performance.md);
- `_orm_batch` (SQLite and any other backend): the same rules with bulk ORM statements, planned in
  Python by `plan()` — correct, slower (SQLite splits bulk inserts at its 999-parameter limit).

`tests/congress/test_sweep_set.py` checks that both give the same rows on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from congress.models import (
    DeadlineNotice,
    Membership,
    NoticeKind,
    Notification,
    Obligation,
    ObligationEvent,
    ObligationState,
    Role,
    SweepHeartbeat,
    Unit,
)

log = logging.getLogger(__name__)

REMINDABLE = (ObligationState.OPEN, ObligationState.RETURNED)
SWEPT = (ObligationState.OPEN, ObligationState.RETURNED, ObligationState.OVERDUE)


@dataclass
class SweepResult:
    reminders: int = 0
    overdue: int = 0
    escalations: int = 0
    notifications: int = 0
    emails: int = 0
    obligations: int = 0
    batches: int = 0
    queries_per_batch: list[int] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "reminders": self.reminders,
            "overdue": self.overdue,
            "escalations": self.escalations,
            "notifications": self.notifications,
            "emails": self.emails,
            "obligations": self.obligations,
            "batches": self.batches,
        }


@dataclass(frozen=True)
class PlannedNotice:
    obligation: Obligation
    kind: str
    key: str
    note: str = ""


def reminder_offset(days_left: int, offsets: list[int]) -> int | None:
    """The reminder due now for an obligation `days_left` days before its due date: the smallest
    offset that is still ≥ days_left (so a sweep that missed the 14-day reminder sends the 3-day
    one, not both); None when it is too early or the date has passed."""
    if days_left < 0:
        return None
    candidates = [o for o in offsets if o >= days_left]
    return min(candidates) if candidates else None


def plan(ob: Obligation, today: dt.date, offsets: list[int], every: int) -> list[PlannedNotice]:
    """What this obligation should be told today (pure: no queries)."""
    days_left = (ob.due_date - today).days
    due = ob.due_date.isoformat()
    if ob.state in REMINDABLE and days_left >= 0:
        offset = reminder_offset(days_left, offsets)
        if offset is None:
            return []
        return [PlannedNotice(ob, NoticeKind.REMINDER, f"reminder:{due}:{offset}")]
    if days_left >= 0:
        return []
    notices = []
    if ob.state in REMINDABLE:
        notices.append(PlannedNotice(ob, NoticeKind.OVERDUE, f"overdue:{due}"))
    week = (-days_left) // every
    if week >= 1:
        notices.append(PlannedNotice(ob, NoticeKind.ESCALATION, f"escalation:{due}:{week}"))
    return notices


# Test hook (drills): called inside a batch's transaction after its writes, before COMMIT.
# `tests/congress/test_drills_sweep.py` replaces it to kill the process or raise right there.
def _checkpoint(stage: str, batch_number: int) -> None:
    return None


def default_method() -> str:
    return "set" if settings.IS_POSTGRES else "orm"


def sweep(
    now: dt.datetime | None = None,
    *,
    batch_size: int | None = None,
    send_emails: bool = True,
    method: str | None = None,
) -> SweepResult:
    """Sweep every pending obligation due within the reminder window (or past due) once.

    Safe to run repeatedly and concurrently. Returns the counts; records the heartbeat (only
    when every batch committed: a failed sweep leaves the heartbeat to go stale).
    `method` ("set" or "orm") is for tests; the default is "set" on PostgreSQL.
    """
    started = timezone.now()
    now = now or started
    today = timezone.localdate(now)
    offsets = sorted(settings.DEADLINE_REMINDER_OFFSETS, reverse=True)
    horizon = today + dt.timedelta(days=max(offsets, default=0))
    every = settings.DEADLINE_ESCALATION_DAYS
    size = batch_size or settings.DEADLINE_SWEEP_BATCH
    method = method or default_method()
    if method == "set" and not settings.IS_POSTGRES:
        raise ValueError("the set-based sweep needs PostgreSQL")
    result = SweepResult()
    ctx = _Context.load()
    run = _SetRun(now, today, offsets, every, ctx) if method == "set" else None
    cursor: tuple[dt.date, int] = (dt.date.min, 0)
    while True:
        with transaction.atomic():
            if run is not None:
                claimed, last = run.batch(horizon, cursor, size, result)
            else:
                claimed, last = _orm_batch(
                    horizon,
                    cursor,
                    size,
                    now=now,
                    today=today,
                    offsets=offsets,
                    every=every,
                    ctx=ctx,
                    result=result,
                )
            if not claimed:
                break
            result.batches += 1
            result.obligations += claimed
            _checkpoint("batch", result.batches)
        cursor = last
        if claimed < size:
            break
    if send_emails:
        from congress.notifications import send_pending_emails

        try:
            result.emails = send_pending_emails()
        except Exception:  # e-mail trouble must not lose the heartbeat; next sweep retries
            log.warning("send_pending_emails failed during the sweep", exc_info=True)
    _heartbeat(started, now, result)
    return result


def _orm_batch(horizon, cursor, size, *, now, today, offsets, every, ctx, result):
    """One batch with ORM statements (any backend). Returns (claimed, last (due_date, id))."""
    from django.db.models import Q

    after_due, after_id = cursor
    qs = (
        Obligation.objects.filter(state__in=SWEPT, due_date__lte=horizon)
        .filter(Q(due_date__gt=after_due) | Q(due_date=after_due, pk__gt=after_id))
        .order_by("due_date", "pk")
        .select_related("unit")
        .only(
            "id",
            "unit__name",
            "unit_id",
            "title",
            "kind",
            "due_date",
            "state",
            "supervising_office_id",
        )
    )
    if settings.IS_POSTGRES:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    batch = list(qs[:size])
    if not batch:
        return 0, cursor
    _sweep_batch(batch, now=now, today=today, offsets=offsets, every=every, ctx=ctx, result=result)
    return len(batch), (batch[-1].due_date, batch[-1].pk)


class _Context:
    """Per-sweep constants, read once: the content type and the general office."""

    def __init__(self, content_type_id: int, general_office_id: int | None) -> None:
        self.content_type_id = content_type_id
        self.general_office_id = general_office_id

    @classmethod
    def load(cls) -> _Context:
        ct = ContentType.objects.get_for_model(Obligation)
        office = (
            Unit.objects.filter(office_role="general_office", is_active=True)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        return cls(ct.pk, office)


def _sweep_batch(batch, *, now, today, offsets, every, ctx: _Context, result: SweepResult) -> None:
    planned = [n for ob in batch for n in plan(ob, today, offsets, every)]
    if not planned:
        return
    # 1 query: the notices that exist already. In a steady state almost every planned notice
    # was sent by an earlier sweep; skipping them keeps repeated sweeps cheap.
    sent = set(
        DeadlineNotice.objects.filter(
            obligation_id__in={n.obligation.pk for n in planned},
            key__in={n.key for n in planned},
        ).values_list("obligation_id", "kind", "key")
    )
    missing = [n for n in planned if (n.obligation.pk, n.kind, n.key) not in sent]
    mine = []
    if missing:
        claim = uuid.uuid4().hex
        # 1 query (per chunk of the backend's parameter limit): insert; rows inserted meanwhile
        # by a concurrent sweep are skipped by the unique constraint.
        DeadlineNotice.objects.bulk_create(
            [
                DeadlineNotice(
                    obligation=n.obligation, kind=n.kind, key=n.key, claim=claim, created_at=now
                )
                for n in missing
            ],
            ignore_conflicts=True,
        )
        _checkpoint("notices", result.batches + 1)
        # 1 query: which of them did we insert?
        ours = {
            (ob_id, kind, key): pk
            for pk, ob_id, kind, key in DeadlineNotice.objects.filter(claim=claim).values_list(
                "pk", "obligation_id", "kind", "key"
            )
        }
        mine = [
            (n, ours[(n.obligation.pk, n.kind, n.key)])
            for n in missing
            if (n.obligation.pk, n.kind, n.key) in ours
        ]
    # The overdue transition does not depend on the notice (a report returned after its due date
    # becomes overdue again even though its overdue notice already went out).
    to_overdue = [ob for ob in batch if ob.state in REMINDABLE and ob.due_date < today]
    if to_overdue:
        ids = [ob.pk for ob in to_overdue]
        # 1 query: a conditional update; the rows are locked by us (PostgreSQL) or the whole
        # database is (SQLite's immediate transactions), so every id is still in an open state.
        Obligation.objects.filter(pk__in=ids, state__in=REMINDABLE).update(
            state=ObligationState.OVERDUE, overdue_since=now
        )
        # 1 query: the append-only log.
        ObligationEvent.objects.bulk_create(
            [
                ObligationEvent(
                    obligation_id=ob.pk,
                    kind="overdue",
                    from_state=ob.state,
                    to_state=ObligationState.OVERDUE,
                    at=now,
                    note="sweep",
                )
                for ob in to_overdue
            ]
        )
        result.overdue += len(to_overdue)
    if not mine:
        return
    result.reminders += sum(1 for n, _ in mine if n.kind == NoticeKind.REMINDER)
    result.escalations += sum(1 for n, _ in mine if n.kind == NoticeKind.ESCALATION)
    result.notifications += _notify_batch(mine, now=now, ctx=ctx)


def _recipients(mine, ctx: _Context) -> tuple[dict[int, list], dict[int, list]]:
    unit_ids = {n.obligation.unit_id for n, _ in mine if n.kind != NoticeKind.ESCALATION}
    office_ids = {
        n.obligation.supervising_office_id or ctx.general_office_id
        for n, _ in mine
        if n.kind == NoticeKind.ESCALATION
    } - {None}
    liaisons: dict[int, list] = defaultdict(list)
    staff: dict[int, list] = defaultdict(list)
    if unit_ids or office_ids:
        # 1 query: every active liaison of the owing units and staff of the offices concerned.
        from django.db.models import Q

        cond = Q(role=Role.LIAISON, unit_id__in=unit_ids) | Q(
            role=Role.STAFF, unit_id__in=office_ids
        )
        for m in Membership.objects.filter(
            cond, is_active=True, user__is_active=True
        ).select_related("user"):
            (liaisons if m.role == Role.LIAISON else staff)[m.unit_id].append(m.user)
    return liaisons, staff


TITLES = {
    NoticeKind.REMINDER: _("Reminder: “%(title)s” is due on %(date)s"),
    NoticeKind.OVERDUE: _("Overdue: “%(title)s” was due on %(date)s"),
    NoticeKind.ESCALATION: _("Escalation: %(unit)s has not submitted “%(title)s” (due %(date)s)"),
}
BODIES = {
    NoticeKind.REMINDER: _(
        "%(days)s days left. Submit the report in the unit portal, or ask for an extension before the due date."
    ),
    NoticeKind.OVERDUE: _(
        "The due date has passed. Submit the report in the unit portal as soon as possible."
    ),
    NoticeKind.ESCALATION: _("Overdue for %(days)s days. Please follow up with the unit."),
}

# A batch that owes one recipient several notices of one kind sends them one digest (a liaison
# of a unit with twenty reports due is told once, not twenty times; so is the general office on
# a day many reports fall overdue). `count` is at least 2, so the plural is always the right form
# in the portal's languages (Chinese has one form, English says "reports").
DIGEST_TITLES = {
    NoticeKind.REMINDER: _("Reminder: %(count)s reports are due soon"),
    NoticeKind.OVERDUE: _("Overdue: %(count)s reports have passed their due date"),
    NoticeKind.ESCALATION: _("Escalation: %(count)s reports are overdue"),
}
DIGEST_BODIES = {
    NoticeKind.REMINDER: _(
        "Submit them in the unit portal, or ask for extensions before their due dates."
    ),
    NoticeKind.OVERDUE: _("Submit them in the unit portal as soon as possible."),
    NoticeKind.ESCALATION: _("Please follow up with the units."),
}
DIGEST_LINE = _("%(title)s (%(unit)s, due %(date)s)")
DIGEST_MORE = _("… and %(count)s more")
# The digest lists the first reports by due date; the link opens the whole list.
DIGEST_LINES = 20


def _url_template() -> str:
    """The obligation page's URL with a placeholder: one `reverse` per batch, not per row."""
    from congress.deadlines import obligation_url

    probe = Obligation(pk=987654321)
    return obligation_url(probe).replace("987654321", "{pk}")


def digest_url(kind: str) -> str:
    """Where a digest links: the reports list (overdue ones for overdue notices and escalations;
    the list shows what is still owed first)."""
    from django.urls import reverse

    url = reverse("portal:obligations")
    return url if kind == NoticeKind.REMINDER else f"{url}?state={ObligationState.OVERDUE}"


def digest_body(kind: str, lines: list[str], count: int) -> str:
    """The digest's text: the advice, a blank line, one line a report (at most DIGEST_LINES),
    then how many more. The set-based sweep builds the same text in SQL."""
    text = str(DIGEST_BODIES[kind]) + "\n\n" + "\n".join(lines[:DIGEST_LINES])
    if count > DIGEST_LINES:
        text += "\n" + str(DIGEST_MORE) % {"count": count - DIGEST_LINES}
    return text


def _notify_batch(mine, *, now, ctx: _Context) -> int:
    liaisons, staff = _recipients(mine, ctx)
    today = timezone.localdate(now)
    url_template = _url_template()
    list_urls = {kind: digest_url(kind) for kind in DIGEST_TITLES}

    # One group per recipient and kind of notice, in the order the digest lists them.
    groups: dict[tuple[int, str], tuple] = {}
    for notice, notice_id in sorted(
        mine, key=lambda m: (m[0].obligation.due_date, m[0].obligation.pk, m[1])
    ):
        ob = notice.obligation
        if notice.kind == NoticeKind.ESCALATION:
            people = staff.get(ob.supervising_office_id or ctx.general_office_id, [])
        else:
            people = liaisons.get(ob.unit_id, [])
        for user in people:
            items = groups.setdefault((user.pk, notice.kind), (user, []))[1]
            if not items or items[-1][1] != notice_id:  # a user listed twice in one unit
                items.append((notice, notice_id))

    rows: list[Notification] = []
    for (_pk, kind), (user, items) in groups.items():
        language = user.language or settings.LANGUAGE_CODE
        with translation.override(language):
            if len(items) == 1:
                notice, notice_id = items[0]
                ob = notice.obligation
                params = {
                    "title": ob.title,
                    "date": ob.due_date.isoformat(),
                    "unit": ob.unit.name,
                    "days": abs((ob.due_date - today).days),
                }
                title, body = str(TITLES[kind]) % params, str(BODIES[kind]) % params
                key = f"deadline:notice:{notice_id}"
                url = url_template.format(pk=ob.pk) if url_template else ""
                subject_type_id, subject_id = ctx.content_type_id, ob.pk
            else:
                line = str(DIGEST_LINE)
                lines = [
                    "- "
                    + line
                    % {
                        "title": n.obligation.title,
                        "unit": n.obligation.unit.name,
                        "date": n.obligation.due_date.isoformat(),
                    }
                    for n, _id in items[:DIGEST_LINES]
                ]
                title = str(DIGEST_TITLES[kind]) % {"count": len(items)}
                body = digest_body(kind, lines, len(items))
                key = f"deadline:notices:{min(i for _n, i in items)}"
                url, subject_type_id, subject_id = list_urls[kind], None, None
        rows.append(
            Notification(
                recipient_id=user.pk,
                kind=f"deadline.{kind}",
                key=key,
                title=title[:200],
                body=body,
                url=url,
                subject_type_id=subject_type_id,
                subject_id=subject_id,
                created_at=now,
                email_state="pending" if user.email else "skipped",
            )
        )
    if rows:
        # 1 query (per chunk of the backend's parameter limit): the notices are ours (claimed
        # above), so there are no existing rows to look up first.
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        transaction.on_commit(_deliver)
    return len(rows)


def _deliver() -> None:
    from congress.notifications import active_channels

    for channel in active_channels():
        try:
            channel.deliver()
        except Exception:  # a channel outage never fails the sweep; the next one catches up
            log.warning("notification channel %s failed", channel.name, exc_info=True)


# --- The set-based batch (PostgreSQL): one statement ----------------------------------------

# Every CTE below runs exactly once per statement (data-modifying CTEs always do), all on the same
# snapshot; the rows claimed FOR UPDATE SKIP LOCKED stay locked until the batch commits.
_SET_SQL = """
WITH scanned AS MATERIALIZED (
    -- the next slice of the partial index, read without locks
    SELECT o.id, o.state, o.due_date, %(today)s::date - o.due_date AS late
    FROM {obligation} o
    WHERE o.state IN ('open', 'returned', 'overdue')
      AND o.due_date <= %(horizon)s::date
      AND (o.due_date, o.id) > (%(after_due)s::date, %(after_id)s::bigint)
    ORDER BY o.due_date, o.id
    LIMIT %(size)s
),
wanted AS MATERIALIZED (
    -- the obligations that have something to do: a notice not sent yet, or the overdue
    -- transition (in a steady state most have nothing: no lock, no write for them).
    -- OFFSET 0 keeps each NOT EXISTS a probe of notice_once per row: without it the planner may
    -- hash every escalation notice ever sent, once per batch (a cost growing with the history)
    SELECT s.id FROM scanned s
    WHERE (s.state IN ('open', 'returned') AND s.late > 0)
       OR (s.late >= %(every)s AND NOT EXISTS (
              SELECT 1 FROM {notice} n WHERE n.obligation_id = s.id AND n.kind = 'escalation'
                 AND n.key = 'escalation:' || to_char(s.due_date, 'YYYY-MM-DD') || ':'
                             || (s.late / %(every)s) OFFSET 0))
       OR (s.state IN ('open', 'returned') AND s.late <= 0 AND NOT EXISTS (
              SELECT 1 FROM {notice} n WHERE n.obligation_id = s.id AND n.kind = 'reminder'
                 AND n.key = 'reminder:' || to_char(s.due_date, 'YYYY-MM-DD') || ':'
                             || {offset_of_s} OFFSET 0))
),
claimed AS MATERIALIZED (
    -- lock them (SKIP LOCKED: a concurrent sweeper has them); the locked rows are re-read
    -- at their latest version, so a report submitted meanwhile drops out here
    SELECT o.id, o.unit_id, o.state, o.due_date, o.title, o.supervising_office_id,
           %(today)s::date - o.due_date AS late
    FROM {obligation} o
    WHERE o.id = ANY (ARRAY(SELECT id FROM wanted))
      AND o.state IN ('open', 'returned', 'overdue')
    FOR UPDATE OF o SKIP LOCKED
),
planned AS (
    SELECT c.id AS obligation_id, 'reminder' AS kind,
           'reminder:' || to_char(c.due_date, 'YYYY-MM-DD') || ':' || {offset_of_c} AS key
    FROM claimed c
    WHERE c.state IN ('open', 'returned') AND c.late <= 0 AND {offset_of_c} IS NOT NULL
    UNION ALL
    SELECT c.id, 'overdue', 'overdue:' || to_char(c.due_date, 'YYYY-MM-DD')
    FROM claimed c
    WHERE c.state IN ('open', 'returned') AND c.late > 0
    UNION ALL
    SELECT c.id, 'escalation',
           'escalation:' || to_char(c.due_date, 'YYYY-MM-DD') || ':' || (c.late / %(every)s)
    FROM claimed c
    WHERE c.late >= %(every)s
),
notices AS (
    INSERT INTO {notice} (obligation_id, kind, key, note, claim, created_at)
    SELECT obligation_id, kind, key, '', %(claim)s, %(now)s FROM planned
    ON CONFLICT (obligation_id, kind, key) DO NOTHING
    RETURNING id, obligation_id, kind
),
changed AS (
    -- the overdue transition (escalations write no obligation row: the notice is the record;
    -- Obligation.last_escalated_at reads it)
    UPDATE {obligation} o SET state = 'overdue', overdue_since = %(now)s
    FROM claimed c
    WHERE o.id = c.id AND c.state IN ('open', 'returned') AND c.late > 0
    RETURNING o.id, c.state AS from_state
),
events AS (
    INSERT INTO {event} (obligation_id, kind, from_state, to_state, note, at)
    SELECT id, 'overdue', from_state, 'overdue', 'sweep', %(now)s FROM changed
    RETURNING 1
),
texts (kind, lang, title, body, many_title, many_body, line, more) AS (
    SELECT * FROM unnest(%(t_kind)s::text[], %(t_lang)s::text[], %(t_title)s::text[],
                         %(t_body)s::text[], %(t_many_title)s::text[], %(t_many_body)s::text[],
                         %(t_line)s::text[], %(t_more)s::text[])
),
targets AS (
    SELECT n.id AS notice_id, n.kind, c.id AS obligation_id, c.title, c.due_date, c.late,
           c.unit_id,
           CASE WHEN n.kind = 'escalation' THEN 'staff' ELSE 'liaison' END AS role,
           CASE WHEN n.kind = 'escalation'
                THEN COALESCE(c.supervising_office_id, %(office)s) ELSE c.unit_id END AS target
    FROM notices n JOIN claimed c ON c.id = n.obligation_id
),
recipients AS (
    -- each notice's recipients, once each, with the texts of their language
    SELECT DISTINCT ON (t.notice_id, u.id)
        t.notice_id, t.kind, t.obligation_id, t.title, t.due_date, t.late, un.name AS unit,
        u.id AS user_id, u.email,
        COALESCE(own.title, dflt.title) AS t_title, COALESCE(own.body, dflt.body) AS t_body,
        COALESCE(own.many_title, dflt.many_title) AS t_many_title,
        COALESCE(own.many_body, dflt.many_body) AS t_many_body,
        COALESCE(own.more, dflt.more) AS t_more,
        '- ' || format(COALESCE(own.line, dflt.line), t.title, to_char(t.due_date, 'YYYY-MM-DD'),
                       un.name) AS line
    FROM targets t
    JOIN {membership} m ON m.unit_id = t.target AND m.role = t.role AND m.is_active
    JOIN {user} u ON u.id = m.user_id AND u.is_active
    JOIN {unit} un ON un.id = t.unit_id
    JOIN texts dflt ON dflt.kind = t.kind AND dflt.lang = %(default_lang)s
    LEFT JOIN texts own ON own.kind = t.kind AND own.lang = u.language
    ORDER BY t.notice_id, u.id
),
digests AS (
    -- one notification per recipient and kind: the notice itself when there is one, a digest
    -- of them (the first DIGEST_LINES by due date, then how many more) when there are several;
    -- min() of a group of one is its only row
    SELECT user_id, kind, count(*) AS n, min(notice_id) AS first_notice,
           min(obligation_id) AS obligation_id, min(title) AS title, min(due_date) AS due_date,
           min(late) AS late, min(unit) AS unit, min(email) AS email,
           min(t_title) AS t_title, min(t_body) AS t_body, min(t_many_title) AS t_many_title,
           min(t_many_body) AS t_many_body, min(t_more) AS t_more,
           array_to_string((array_agg(line ORDER BY due_date, obligation_id, notice_id))
                           [1:%(lines)s], E'\n') AS lines
    FROM recipients
    GROUP BY user_id, kind
),
sent AS (
    INSERT INTO {notification} (recipient_id, kind, key, title, body, url, subject_type_id,
                                subject_id, created_at, email_state)
    SELECT
        d.user_id, 'deadline.' || d.kind,
        CASE WHEN d.n = 1 THEN 'deadline:notice:' ELSE 'deadline:notices:' END || d.first_notice,
        left(CASE WHEN d.n = 1
                  THEN format(d.t_title, d.title, to_char(d.due_date, 'YYYY-MM-DD'), d.unit,
                              abs(d.late))
                  ELSE format(d.t_many_title, NULL, NULL, NULL, NULL, d.n) END, 200),
        CASE WHEN d.n = 1
             THEN format(d.t_body, d.title, to_char(d.due_date, 'YYYY-MM-DD'), d.unit,
                         abs(d.late))
             ELSE d.t_many_body || E'\n\n' || d.lines
                  || CASE WHEN d.n > %(lines)s
                          THEN E'\n' || format(d.t_more, NULL, NULL, NULL, NULL,
                                                d.n - %(lines)s)
                          ELSE '' END END,
        CASE WHEN d.n = 1 THEN %(url_head)s || d.obligation_id || %(url_tail)s
             WHEN d.kind = 'reminder' THEN %(list_url)s ELSE %(overdue_list_url)s END,
        CASE WHEN d.n = 1 THEN %(ct)s::int END,
        CASE WHEN d.n = 1 THEN d.obligation_id END,
        %(now)s,
        CASE WHEN d.email <> '' THEN 'pending' ELSE 'skipped' END
    FROM digests d
    -- no ON CONFLICT: the key names a notice inserted by this very statement, so no row can
    -- exist already (a speculative insertion per row would cost more than the check is worth)
    RETURNING 1
)
SELECT
    (SELECT count(*) FROM scanned),
    (SELECT due_date FROM scanned ORDER BY due_date DESC, id DESC LIMIT 1),
    (SELECT id FROM scanned ORDER BY due_date DESC, id DESC LIMIT 1),
    (SELECT count(*) FROM notices WHERE kind = 'reminder'),
    (SELECT count(*) FROM changed),
    (SELECT count(*) FROM notices WHERE kind = 'escalation'),
    (SELECT count(*) FROM events),
    (SELECT count(*) FROM sent)
"""

# The scan that starts every batch (its plan: docs/performance.md; bench/sweep.py --explain
# prints the plan of the whole batch statement).
SCAN_SQL = """
SELECT o.id FROM {obligation} o
WHERE o.state IN ('open', 'returned', 'overdue')
  AND o.due_date <= %(horizon)s::date
  AND (o.due_date, o.id) > (%(after_due)s::date, %(after_id)s::bigint)
ORDER BY o.due_date, o.id
LIMIT %(size)s
"""

_FIELDS = {"title": 1, "date": 2, "unit": 3, "days": 4, "count": 5}
_PLACEHOLDER = re.compile(r"%%|%\((\w+)\)s|%")


def pg_format(template: str) -> str:
    """A Python `%(name)s` template as a PostgreSQL `format()` string with positional arguments
    (title, date, unit, days): one pass, so a title containing `%2$s` is never re-expanded."""

    def repl(m: re.Match) -> str:
        if m.group(0) == "%%":
            return "%%"
        if m.group(1) in _FIELDS:
            return f"%{_FIELDS[m.group(1)]}$s"
        raise ValueError(f"unsupported placeholder in a notice text: {template!r}")

    return _PLACEHOLDER.sub(repl, template)


def _offset_case(late: str, offsets) -> str:
    """`reminder_offset()` as a SQL expression: the smallest offset ≥ the days left, NULL when
    none (a CASE over this sweep's offsets, smallest first; no subquery per row)."""
    days = sorted({int(o) for o in offsets})
    if not days:
        return "NULL::int"
    whens = " ".join(f"WHEN -{late} <= {d} THEN {d}" for d in days)
    return f"(CASE {whens} END)"


def _tables() -> dict[str, str]:
    return {
        "obligation": Obligation._meta.db_table,
        "notice": DeadlineNotice._meta.db_table,
        "event": ObligationEvent._meta.db_table,
        "notification": Notification._meta.db_table,
        "membership": Membership._meta.db_table,
        "user": Membership._meta.get_field("user").related_model._meta.db_table,
        "unit": Unit._meta.db_table,
    }


class _SetRun:
    """The constants of one set-based sweep: the statement and its fixed parameters (notice
    texts in every language, rendered once per sweep)."""

    def __init__(self, now, today, offsets, every, ctx: _Context) -> None:
        self.sql = _SET_SQL.format(
            **_tables(),
            offset_of_s=_offset_case("s.late", offsets),
            offset_of_c=_offset_case("c.late", offsets),
        )
        columns: dict[str, list[str]] = defaultdict(list)
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                for kind in (NoticeKind.REMINDER, NoticeKind.OVERDUE, NoticeKind.ESCALATION):
                    columns["t_kind"].append(str(kind))
                    columns["t_lang"].append(code)
                    columns["t_title"].append(pg_format(str(TITLES[kind])))
                    columns["t_body"].append(pg_format(str(BODIES[kind])))
                    columns["t_many_title"].append(pg_format(str(DIGEST_TITLES[kind])))
                    # the advice itself has no placeholders: a literal, not a format()
                    columns["t_many_body"].append(str(DIGEST_BODIES[kind]))
                    columns["t_line"].append(pg_format(str(DIGEST_LINE)))
                    columns["t_more"].append(pg_format(str(DIGEST_MORE)))
        head, _, tail = _url_template().partition("{pk}")
        self.params = {
            "today": today,
            "now": now,
            "every": every,
            "claim": uuid.uuid4().hex,
            "office": ctx.general_office_id,
            "ct": ctx.content_type_id,
            **columns,
            "lines": DIGEST_LINES,
            "list_url": digest_url(NoticeKind.REMINDER),
            "overdue_list_url": digest_url(NoticeKind.OVERDUE),
            "default_lang": settings.LANGUAGE_CODE,
            "url_head": head,
            "url_tail": tail,
        }

    def batch(self, horizon, cursor, size, result: SweepResult):
        params = self.params | {
            "horizon": horizon,
            "after_due": cursor[0],
            "after_id": cursor[1],
            "size": size,
        }
        with connection.cursor() as cur:
            cur.execute(self.sql, params)
            claimed, last_due, last_id, reminders, overdue, escalations, _events, sent = (
                cur.fetchone()
            )
        if not claimed:
            return 0, cursor
        result.reminders += reminders
        result.overdue += overdue
        result.escalations += escalations
        result.notifications += sent
        if sent:
            transaction.on_commit(_deliver)
        return claimed, (last_due, last_id)


def _heartbeat(started: dt.datetime, clock: dt.datetime, result: SweepResult) -> None:
    finished = timezone.now()
    duration = int((finished - started).total_seconds() * 1000)
    hb, created = SweepHeartbeat.objects.get_or_create(
        name="deadlines",
        defaults={
            "started_at": started,
            "finished_at": finished,
            "clock": clock,
            "counts": result.counts(),
            "duration_ms": duration,
            "runs": 1,
        },
    )
    if not created:
        from django.db.models import F

        SweepHeartbeat.objects.filter(pk=hb.pk).update(
            started_at=started,
            finished_at=finished,
            clock=clock,
            counts=result.counts(),
            duration_ms=duration,
            runs=F("runs") + 1,
        )


def last_heartbeat() -> SweepHeartbeat | None:
    return SweepHeartbeat.objects.filter(name="deadlines").first()


def stale_after() -> dt.timedelta:
    """The heartbeat is stale when no sweep succeeded within twice the beat interval."""
    return dt.timedelta(minutes=2 * settings.DEADLINE_SWEEP_MINUTES)


def is_stale(hb: SweepHeartbeat | None, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return hb is None or now - hb.finished_at > stale_after()


def timed_sweep(now: dt.datetime | None = None) -> tuple[SweepResult, float]:
    t0 = time.perf_counter()
    result = sweep(now)
    return result, time.perf_counter() - t0
