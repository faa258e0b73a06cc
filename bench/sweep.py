"""Benchmark the deadline sweep: N open obligations, one sweeper and two at once, obligations/s.

    python bench/sweep.py [--n 100000] [--batch 2000] [--history N] [--two] [--explain] [--floor]
                          [--keep]
    DATABASE_URL=postgres://…/scratch python bench/sweep.py --n 1000000 --two --explain

Runs standalone against the configured database (DATABASE_URL: PostgreSQL, or SQLite by default;
point it at a SCRATCH database and migrate it first). Obligations are bulk-generated in chunks
with progress (PostgreSQL: `INSERT … SELECT … generate_series`, SQLite: `executemany`), kind
"bench.report", over 60 units with two liaisons each; due dates spread deterministically from
20 days ago to 40 days ahead, so that the first sweep is the worst case (57 % of the obligations
need a notice at once: reminders at 14/3/1 days, overdue marking, escalations). `--history`
accepted obligations are added too (default N/4): the partial index leaves them out.

Measured, one JSON line each:
- `first`: one sweeper, the first sweep over fresh data (everything owed at once);
- `repeat`: the same clock again (steady state: nothing new to send);
- `next_day`: the clock one day later (a normal day's work);
- `floor` (--floor, PostgreSQL; after the next day, before --two): the same rows as the first sweep wrote, written by bare
  set-based statements (no planning, no checks, no texts) in batches of the same size, each
  committed, then removed: the database's own limit for that work;
- `two_sweepers` (--two): fresh data again, two processes sweeping at the same moment; checks
  that no notice and no notification exists twice;
- `explain` (--explain, PostgreSQL): the plans (EXPLAIN ANALYZE, BUFFERS) of the batch's scan
  of the partial index and of the whole first batch statement (rolled back).

obligations/s = obligations claimed and swept / wall-clock seconds of the sweep. Statements are
counted with Django's query capture (BEGIN and COMMIT included: on PostgreSQL a batch is
BEGIN, one statement, COMMIT). The machine is shared: `cpu_seconds` (this process and its
PostgreSQL backend) and obligations per CPU-second say what the sweep itself cost.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from congress.models import (  # noqa: E402
    Membership,
    Obligation,
    Role,
    Unit,
    UnitKind,
    User,
)
from congress.sweep import SCAN_SQL, _Context, _SetRun, _tables, sweep  # noqa: E402

UNITS = 60
KIND = "bench.report"
CHUNK = 100_000


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def setup_world() -> list[int]:
    units = []
    for i in range(UNITS):
        unit, _ = Unit.objects.get_or_create(
            name=f"基准测试单位{i:02d}", defaults={"kind": UnitKind.DEPARTMENT}
        )
        units.append(unit.pk)
        for j in range(2):
            user, _ = User.objects.get_or_create(
                username=f"bench-liaison-{i:02d}-{j}",
                defaults={"email": f"b{i}{j}@bench.invalid", "language": ("zh-hans", "en")[j]},
            )
            Membership.objects.get_or_create(user=user, role=Role.LIAISON, unit=unit)
    office, _ = Unit.objects.get_or_create(
        name="基准测试办公室", defaults={"kind": UnitKind.OFFICE, "office_role": "general_office"}
    )
    user, _ = User.objects.get_or_create(
        username="bench-staff", defaults={"email": "staff@bench.invalid"}
    )
    Membership.objects.get_or_create(user=user, role=Role.STAFF, unit=office)
    return units


def generate(n: int, history: int, units: list[int], today: dt.date) -> float:
    """n pending + `history` accepted obligations, in chunks, with progress. Returns seconds."""
    t0 = time.perf_counter()
    ct = ContentType.objects.get_for_model(Unit).pk
    table = Obligation._meta.db_table
    now = timezone.now()
    total = n + history
    stamp = now.replace(tzinfo=None).isoformat(sep=" ")  # SQLite: UTC text, as Django stores it
    done = 0
    while done < total:
        size = min(CHUNK, total - done)
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute(
                    f"""
                    INSERT INTO {table} (unit_id, kind, title, subject_type_id, subject_id,
                        starts_on, due_date, original_due_date, state, created_at)
                    SELECT u.ids[1 + i %% cardinality(u.ids)], %(kind)s, '基准测试报告' || i,
                           %(ct)s, u.ids[1 + i %% cardinality(u.ids)],
                           d - 90, d, d, CASE WHEN i >= %(n)s THEN 'accepted' ELSE 'open' END,
                           %(now)s
                    FROM generate_series(%(lo)s, %(hi)s) AS i,
                         LATERAL (SELECT %(today)s::date + ((i::bigint * 7919) %% 61 - 20)::int AS d) dd,
                         (SELECT %(units)s::bigint[] AS ids) u
                    """,
                    {
                        "kind": KIND,
                        "ct": ct,
                        "n": n,
                        "now": now,
                        "lo": done,
                        "hi": done + size - 1,
                        "today": today,
                        "units": units,
                    },
                )
        else:
            rows = []
            for i in range(done, done + size):
                unit = units[i % len(units)]
                due = today + dt.timedelta(days=(i * 7919) % 61 - 20)
                rows.append(
                    (
                        unit,
                        KIND,
                        f"基准测试报告{i}",
                        ct,
                        unit,
                        (due - dt.timedelta(days=90)).isoformat(),
                        due.isoformat(),
                        due.isoformat(),
                        "accepted" if i >= n else "open",
                        stamp,
                    )
                )
            with transaction.atomic(), connection.cursor() as cur:
                cur.executemany(
                    f"INSERT INTO {table} (unit_id, kind, title, subject_type_id, subject_id, "
                    "starts_on, due_date, original_due_date, state, created_at) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    rows,
                )
        done += size
        log(f"generated {done:,}/{total:,} obligations ({time.perf_counter() - t0:.1f} s)")
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {table}")
    return time.perf_counter() - t0


def cleanup() -> None:
    """Remove the bench's rows with a few set-based DELETEs (no ORM cascade at 1M rows)."""
    t = _tables()
    ct = ContentType.objects.get_for_model(Obligation).pk
    ids = f"SELECT id FROM {t['obligation']} WHERE kind = %s"
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            f"DELETE FROM {t['notification']} WHERE subject_type_id = %s AND subject_id IN ({ids})",
            [ct, KIND],
        )
        # digests have no subject: they went to the bench's own users
        cur.execute(
            f"DELETE FROM {t['notification']} WHERE recipient_id IN"
            f" (SELECT id FROM {t['user']} WHERE username LIKE 'bench-%%')"
        )
        cur.execute(f"DELETE FROM {t['notice']} WHERE obligation_id IN ({ids})", [KIND])
        cur.execute(f"DELETE FROM {t['event']} WHERE obligation_id IN ({ids})", [KIND])
        cur.execute(f"DELETE FROM {t['obligation']} WHERE kind = %s", [KIND])


def cpu_seconds() -> float:
    """CPU time of this process plus (PostgreSQL) its database backend: the sweep's work,
    whatever else the machine is doing meanwhile."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    total = own.ru_utime + own.ru_stime
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            pid = cur.fetchone()[0]
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:  # a remote server: only our own CPU time
            pass
    return total


def timed(now: dt.datetime, batch: int) -> dict:
    connection.ensure_connection()
    cpu0 = cpu_seconds()
    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        result = sweep(now, batch_size=batch, send_emails=False)
        elapsed = time.perf_counter() - t0
    cpu = cpu_seconds() - cpu0
    return {
        "swept": result.obligations,
        "batches": result.batches,
        "seconds": round(elapsed, 2),
        "obligations_per_second": round(result.obligations / elapsed) if elapsed else None,
        "cpu_seconds": round(cpu, 2),
        "obligations_per_cpu_second": round(result.obligations / cpu) if cpu else None,
        "statements": len(ctx.captured_queries),
        # everything the sweep sent, per batch: the fixed 3 (general office, heartbeat read and
        # update) and a final empty claim are spread over the batches
        "statements_per_batch": round(len(ctx.captured_queries) / max(result.batches, 1), 2),
        "counts": result.counts(),
    }


def worker(args) -> None:
    """One of the two concurrent sweepers (a separate process): wait for the common start."""
    now = dt.datetime.fromisoformat(args.now)
    connection.ensure_connection()
    delay = args.start_at - time.time()
    if delay > 0:
        time.sleep(delay)
    try:
        print(json.dumps(timed(now, args.batch)), flush=True)
    except Exception as exc:  # e.g. SQLite: "database is locked" past the busy timeout
        print(json.dumps({"error": f"{exc.__class__.__name__}: {exc}"}), flush=True)


def two_sweepers(now: dt.datetime, batch: int) -> dict:
    start_at = time.time() + 8  # both processes are set up (django, connection) by then
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        "--now",
        now.isoformat(),
        "--batch",
        str(batch),
        "--start-at",
        str(start_at),
    ]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
    if any("error" in o for o in outs):
        return {"sweepers": outs}
    wall = max(o["seconds"] for o in outs)
    cpu = sum(o["cpu_seconds"] for o in outs)
    # Both sweepers read the whole window (reading takes no lock); each obligation is handled
    # by one of them. Throughput counts each obligation once.
    horizon = timezone.localdate(now) + dt.timedelta(days=max(settings.DEADLINE_REMINDER_OFFSETS))
    swept = (
        Obligation.objects.filter(kind=KIND, due_date__lte=horizon)
        .exclude(state="accepted")
        .count()
    )
    t = _tables()
    with connection.cursor() as cur:
        # (portable SQL: SQLite has no row values inside count(DISTINCT …))
        cur.execute(f"SELECT count(*) FROM {t['notice']}")
        (notices,) = cur.fetchone()
        cur.execute(
            f"SELECT count(*) FROM (SELECT DISTINCT obligation_id, kind, key FROM {t['notice']}) d"
        )
        (distinct_notices,) = cur.fetchone()
        sent = f"FROM {t['notification']} WHERE key LIKE 'deadline:notice%%'"  # digests: notices:
        cur.execute(f"SELECT count(*) {sent}")
        (notifications,) = cur.fetchone()
        cur.execute(f"SELECT count(*) FROM (SELECT DISTINCT recipient_id, key {sent}) d")
        (distinct_notifications,) = cur.fetchone()
    return {
        "sweepers": outs,
        "obligations": swept,
        "wall_seconds": wall,
        "obligations_per_second": round(swept / wall) if wall else None,
        "obligations_per_cpu_second": round(swept / cpu) if cpu else None,
        "notices": notices,
        "duplicate_notices": notices - distinct_notices,
        "notifications": notifications,
        "duplicate_notifications": notifications - distinct_notifications,
    }


def explain(now: dt.datetime, batch: int) -> dict[str, list[str]]:
    """EXPLAIN ANALYZE of the batch's scan alone and of the whole first batch statement (in a
    transaction rolled back afterwards: nothing is sent)."""
    today = timezone.localdate(now)
    offsets = sorted(settings.DEADLINE_REMINDER_OFFSETS, reverse=True)
    horizon = today + dt.timedelta(days=max(offsets))
    params = {"horizon": horizon, "after_due": dt.date.min, "after_id": 0, "size": batch}
    run = _SetRun(now, today, offsets, settings.DEADLINE_ESCALATION_DAYS, _Context.load())
    out = {}
    for name, sql, args in (
        ("scan", SCAN_SQL.format(**_tables()), params),
        ("batch", run.sql, run.params | params),
    ):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, args)
            out[name] = [row[0] for row in cur.fetchall()]
            transaction.set_rollback(True)
    return out


def floor(batches: int, clock: dt.datetime) -> dict:
    """The database's own limit for the first sweep's writes (PostgreSQL): the same number of
    notices, state changes, events and notifications the first sweep just wrote, written by bare
    set-based statements with no planning, no checks and no texts to format — in batches of the
    same size, each committed (its deferred foreign-key checks included) — into the same
    tables with the same indexes and constraints; then removed again. The sweep's time over
    this floor says how near the database's limit it runs."""
    t = _tables()
    with connection.cursor() as cur:
        # what the first sweep (its clock) wrote, whatever later sweeps added
        cur.execute(
            f"SELECT n.id FROM {t['notice']} n JOIN {t['obligation']} o ON o.id = n.obligation_id"
            " WHERE o.kind = %s AND n.created_at = %s ORDER BY n.id",
            [KIND, clock],
        )
        notices = [row[0] for row in cur.fetchall()]
        cur.execute(
            f"SELECT count(*) FROM {t['notification']} WHERE created_at = %s AND recipient_id IN"
            f" (SELECT id FROM {t['user']} WHERE username LIKE 'bench-%%')",
            [clock],
        )
        (notifications,) = cur.fetchone()
        cur.execute(
            f"SELECT id FROM {t['obligation']} WHERE kind = %s AND state = 'overdue'"
            " AND overdue_since = %s ORDER BY id",
            [KIND, clock],
        )
        overdue = [row[0] for row in cur.fetchall()]
        cur.execute(f"SELECT min(id) FROM {t['user']}")
        (user_id,) = cur.fetchone()
    steps = max(1, batches)  # as many transactions as the first sweep committed
    per_step = {
        "notices": -(-len(notices) // steps),
        "overdue": -(-len(overdue) // steps),
        "notifications": -(-notifications // steps),
    }
    t0 = time.perf_counter()
    cpu0 = cpu_seconds()
    for step in range(steps):
        lo = step * per_step["notices"]
        ids = notices[lo : lo + per_step["notices"]]
        changed = overdue[step * per_step["overdue"] : (step + 1) * per_step["overdue"]]
        with transaction.atomic(), connection.cursor() as cur:
            # a copy of each notice under another key: same row width, same index entries
            cur.execute(
                f"INSERT INTO {t['notice']} (obligation_id, kind, key, note, claim, created_at)"
                f" SELECT obligation_id, kind, key || ':floor', '', 'floor', created_at"
                f" FROM {t['notice']} WHERE id = ANY(%s)",
                [ids],
            )
            # the overdue transition changes an indexed column, as the sweep's does
            cur.execute(
                f"UPDATE {t['obligation']} SET state = 'open', overdue_since = NULL"
                " WHERE id = ANY(%s)",
                [changed],
            )
            cur.execute(
                f"INSERT INTO {t['event']} (obligation_id, kind, from_state, to_state, note, at)"
                " SELECT id, 'floor', 'overdue', 'open', 'floor', now() FROM unnest(%s::bigint[]) id",
                [changed],
            )
            cur.execute(
                f"INSERT INTO {t['notification']} (recipient_id, kind, key, title, body, url,"
                " subject_type_id, subject_id, created_at, email_state)"
                " SELECT %s, 'floor', 'floor:' || g || ':' || %s, 'floor', 'floor', '', NULL,"
                " NULL, now(), 'skipped' FROM generate_series(1, %s) g",
                [user_id, step, per_step["notifications"]],
            )
    elapsed = time.perf_counter() - t0
    cpu = cpu_seconds() - cpu0
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"DELETE FROM {t['notification']} WHERE kind = 'floor'")
        cur.execute(f"DELETE FROM {t['event']} WHERE kind = 'floor'")
        cur.execute(f"DELETE FROM {t['notice']} WHERE claim = 'floor'")
        cur.execute(
            f"UPDATE {t['obligation']} SET state = 'overdue', overdue_since = %s"
            " WHERE id = ANY(%s)",
            [clock, overdue],
        )
    rows = len(notices) + 2 * len(overdue) + notifications
    return {
        "batches": steps,
        "notices": len(notices),
        "state_changes": len(overdue),
        "events": len(overdue),
        "notifications": notifications,
        "rows": rows,
        "seconds": round(elapsed, 2),
        "rows_per_second": round(rows / elapsed) if elapsed else None,
        "cpu_seconds": round(cpu, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--history", type=int, default=None, help="accepted obligations (N/4)")
    parser.add_argument("--batch", type=int, default=None)
    parser.add_argument("--two", action="store_true", help="also two sweepers at once")
    parser.add_argument("--explain", action="store_true", help="the claim query's plan (PG)")
    parser.add_argument("--floor", action="store_true", help="the writes' floor (PG)")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--now", help=argparse.SUPPRESS)
    parser.add_argument("--start-at", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.batch = args.batch or settings.DEADLINE_SWEEP_BATCH
    # The sweep is measured, not the broker: e-mail is a separate task that the sweep only
    # enqueues on commit (with no broker configured here each enqueue would wait for a timeout).
    settings.NOTIFICATION_CHANNELS = ["inbox"]
    if args.worker:
        worker(args)
        return
    history = args.n // 4 if args.history is None else args.history
    now = timezone.now()
    today = timezone.localdate(now)
    info = {"database": connection.vendor, "n": args.n, "history": history, "batch": args.batch}
    log(f"bench: {info}")
    cleanup()
    units = setup_world()
    info["generate_seconds"] = round(generate(args.n, history, units, today), 1)
    print(json.dumps({"setup": info}, ensure_ascii=False), flush=True)
    if args.explain and connection.vendor == "postgresql":
        plan = explain(now, args.batch)
        print(json.dumps({"explain": plan}, ensure_ascii=False), flush=True)
    log("one sweeper: first sweep")
    first = timed(now, args.batch)
    print(json.dumps({"first": first}), flush=True)
    log("one sweeper: repeat sweep (nothing new)")
    print(json.dumps({"repeat": timed(now + dt.timedelta(minutes=15), args.batch)}), flush=True)
    log("one sweeper: the next day")
    print(json.dumps({"next_day": timed(now + dt.timedelta(days=1), args.batch)}), flush=True)
    if args.floor and connection.vendor == "postgresql":
        # last: its rows (written, then removed) leave dead versions behind the other runs
        log("the database's floor for the first sweep's writes")
        print(json.dumps({"floor": floor(first["batches"], now)}), flush=True)
    if args.two:
        cleanup()
        generate(args.n, history, units, today)
        log("two sweepers at once: first sweep")
        print(json.dumps({"two_sweepers": two_sweepers(now, args.batch)}), flush=True)
    if not args.keep:
        log("cleanup")
        cleanup()


if __name__ == "__main__":
    main()
