"""Two sweeps at the same moment (two workers, two beats) send each notice once (PostgreSQL)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection

from congress.models import DeadlineNotice, Notification
from congress.sweep import sweep
from tests.congress.test_deadline_fixtures import *  # noqa: F403
from tests.congress.test_deadline_fixtures import at, told

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL (row locks)"),
]


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """A transactional test flushes the tables (content types are recreated with new ids):
    forget the cached ones."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


@pytest.mark.parametrize("batch", [5, 1000])
def test_two_concurrent_sweeps_send_each_notice_once(make_obligation, liaison, staff, batch):
    for i in range(40):
        # Half due tomorrow (a reminder each), half overdue by a week (overdue + escalation).
        make_obligation("2026-03-31" if i % 2 else "2026-03-23", title=f"报告{i}")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(sweep(at("2026-03-30"), batch_size=batch, send_emails=False))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(r.reminders for r in results) == 20
    assert sum(r.overdue for r in results) == 20
    assert sum(r.escalations for r in results) == 20
    assert DeadlineNotice.objects.count() == 60  # 20 reminders, 20 overdue, 20 escalations
    # each notice told once (several of a kind in one batch come as one digest)
    late = [f"报告{i}" for i in range(0, 40, 2)]
    assert told(liaison) == Counter(
        [("reminder", f"报告{i}") for i in range(1, 40, 2)] + [("overdue", t) for t in late]
    )
    assert told(staff) == Counter([("escalation", t) for t in late])
    keys = list(Notification.objects.values_list("recipient_id", "key"))
    assert len(keys) == len(set(keys))
