"""Benchmark the deadline sweep: N open obligations, one sweep, obligations per second.

    python bench/sweep.py [--n 100000] [--batch 2000] [--keep]

Uses the configured database (DATABASE_URL; SQLite by default — point it at a scratch file or a
scratch PostgreSQL database, e.g. DATABASE_URL=sqlite:////tmp/bench.sqlite3, and migrate it first).
The obligations are deterministic: spread over 60 units with two liaisons each, due dates spread
from 20 days ago to 40 days ahead, so that one sweep sends reminders (14/3/1 days), marks some
overdue and escalates some. They are bulk-created with the kind "bench.report" and removed at the
end unless --keep. Prints one JSON line: counts, seconds, obligations/s, queries per batch.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings")

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from congress.models import (  # noqa: E402
    DeadlineNotice,
    Membership,
    Notification,
    Obligation,
    Role,
    Unit,
    UnitKind,
    User,
)
from congress.sweep import sweep  # noqa: E402

UNITS = 60


def setup_world() -> list[Unit]:
    units = []
    for i in range(UNITS):
        unit, _ = Unit.objects.get_or_create(
            name=f"基准测试单位{i:02d}", defaults={"kind": UnitKind.DEPARTMENT}
        )
        units.append(unit)
        for j in range(2):
            user, _ = User.objects.get_or_create(
                username=f"bench-liaison-{i:02d}-{j}", defaults={"email": f"b{i}{j}@bench.invalid"}
            )
            Membership.objects.get_or_create(user=user, role=Role.LIAISON, unit=unit)
    Unit.objects.get_or_create(
        name="基准测试办公室", defaults={"kind": UnitKind.OFFICE, "office_role": "general_office"}
    )
    return units


def generate(n: int, units: list[Unit], today: dt.date) -> None:
    ct = ContentType.objects.get_for_model(Unit)
    rows = []
    for i in range(n):
        unit = units[i % len(units)]
        due = today + dt.timedelta(days=(i * 7919) % 61 - 20)  # deterministic spread, −20..+40
        rows.append(
            Obligation(
                unit=unit,
                kind="bench.report",
                title=f"基准测试报告{i}",
                subject_type=ct,
                subject_id=unit.pk,
                starts_on=due - dt.timedelta(days=90),
                due_date=due,
                original_due_date=due,
            )
        )
        if len(rows) == 5000:
            Obligation.objects.bulk_create(rows)
            rows = []
    if rows:
        Obligation.objects.bulk_create(rows)


def cleanup() -> None:
    obs = Obligation.objects.filter(kind="bench.report")
    Notification.objects.filter(
        key__startswith="deadline:notice:", subject_id__in=obs.values("pk")
    ).delete()
    DeadlineNotice.objects.filter(obligation__in=obs).delete()
    obs.delete()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=None)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    from django.conf import settings

    batch = args.batch or settings.DEADLINE_SWEEP_BATCH
    now = timezone.now()
    today = timezone.localdate(now)
    cleanup()
    units = setup_world()
    t0 = time.perf_counter()
    generate(args.n, units, today)
    generated = time.perf_counter() - t0
    pending = Obligation.objects.filter(kind="bench.report").count()
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        result = sweep(now, batch_size=batch, send_emails=False)
        elapsed = time.perf_counter() - t0
    with CaptureQueriesContext(connection) as again:
        t1 = time.perf_counter()
        repeat = sweep(now, batch_size=batch, send_emails=False)
        elapsed_again = time.perf_counter() - t1
    out = {
        "database": connection.vendor,
        "obligations": pending,
        "swept": result.obligations,
        "batch": batch,
        "batches": result.batches,
        "seconds": round(elapsed, 2),
        "obligations_per_second": round(result.obligations / elapsed) if elapsed else None,
        "queries": len(ctx.captured_queries),
        "queries_per_batch": round(len(ctx.captured_queries) / max(result.batches, 1), 1),
        "counts": result.counts(),
        "repeat_seconds": round(elapsed_again, 2),
        "repeat_queries": len(again.captured_queries),
        "repeat_notifications": repeat.notifications,
        "generate_seconds": round(generated, 2),
    }
    print(json.dumps(out, ensure_ascii=False))
    if not args.keep:
        cleanup()


if __name__ == "__main__":
    main()
