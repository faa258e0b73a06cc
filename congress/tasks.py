"""Thin Celery tasks of the shared institution. They take ids, call services, are idempotent."""

from __future__ import annotations

import logging

from celery import shared_task

log = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> bool:
    """Publish a task, never failing the caller: with the broker down the work stays in the
    database and the next sweep does it. Call it from `transaction.on_commit`."""
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
        return True
    except Exception:
        log.warning(
            "could not enqueue %s; the next sweep will catch up",
            getattr(task, "name", task),
            exc_info=True,
        )
        return False


@shared_task(name="congress.send_pending_emails", ignore_result=True)
def send_pending_emails() -> int:
    from congress.notifications import send_pending_emails as run

    return run()


@shared_task(name="congress.sweep_deadlines", ignore_result=True)
def sweep_deadlines() -> dict[str, int]:
    """The beat task: the same sweep as `manage.py sweep_deadlines`. Idempotent by design
    (unique notice rows), so at-least-once delivery and overlapping runs are harmless."""
    from congress.sweep import sweep

    return sweep().counts()
