"""Thin Celery tasks of the shared institution. They take ids, call services, are idempotent."""

from __future__ import annotations

import logging

from celery import shared_task

log = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> bool:
    """Publish a task, never failing the caller: with the broker down the work stays in the
    database and the next sweep does it. Call it from `transaction.on_commit`.

    After a failure, publishing is skipped for `resilience.DISPATCH_RETRY_SECONDS` so that while
    the broker is down only one request per interval waits for the broker's connect timeout."""
    from congress.resilience import dispatch_breaker

    name = getattr(task, "name", task)
    # Eager mode (tests, no broker at all) runs the task in place: no broker, no breaker.
    eager = bool(getattr(getattr(task, "app", None), "conf", {}).get("task_always_eager"))
    if not eager and not dispatch_breaker.allow():
        log.info("broker marked down: %s not enqueued; the next sweep will catch up", name)
        return False
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception:
        if not eager:
            dispatch_breaker.failed()
        log.warning("could not enqueue %s; the next sweep will catch up", name, exc_info=True)
        return False
    if dispatch_breaker.succeeded():
        log.warning("broker is back: tasks are enqueued again")
    return True


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
