"""Helpers for explicit state machines and their append-only transition log."""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from congress.errors import DomainError
from congress.models import Transition


def ensure_transition(
    transitions: Mapping[str, set[str] | frozenset[str] | tuple[str, ...]],
    current: str,
    target: str,
    error: type[DomainError],
    message: str,
) -> None:
    """Raise `error("bad_transition", message)` unless `current → target` is in the table."""
    if target not in transitions.get(current, ()):
        raise error("bad_transition", message)


def log_transition(
    obj: models.Model, from_state: str, to_state: str, *, actor=None, reason: str = "", at=None
) -> Transition:
    return Transition.objects.create(
        subject_type=ContentType.objects.get_for_model(obj),
        subject_id=obj.pk,
        from_state=from_state or "",
        to_state=to_state,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        reason=reason,
        at=at or timezone.now(),
    )


def transitions_of(obj: models.Model):
    return Transition.objects.filter(
        subject_type=ContentType.objects.get_for_model(obj), subject_id=obj.pk
    ).select_related("actor")
