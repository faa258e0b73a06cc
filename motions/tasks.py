"""Thin Celery tasks of the motions app: they call services and are idempotent."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="motions.advance_phases", ignore_result=True)
def advance_phases() -> int:
    """Daily: move every motion whose handling year ended to its next year (or close it)."""
    from motions.services import advance_due_phases

    return advance_due_phases()
