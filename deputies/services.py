"""State changes of the deputies app. Other apps log duty activities through `log_duty`."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction

from deputies.models import Deputy, DutyKind, DutyRecord


def log_duty(
    deputy: Deputy,
    *,
    kind: str,
    title: str,
    date: dt.date,
    source: models.Model | None = None,
    note: str = "",
) -> DutyRecord:
    """Add an activity to `deputy`'s duty record; idempotent per (deputy, kind, source).

    Automatic entries start unpublished: the deputy decides what to publish (发布个人履职情况).
    """
    if kind not in DutyKind.values:
        raise ValueError(f"unknown duty kind {kind!r}")
    if source is not None:
        source_type = ContentType.objects.get_for_model(source)
        existing = DutyRecord.objects.filter(
            deputy=deputy, kind=kind, source_type=source_type, source_id=source.pk
        ).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                return DutyRecord.objects.create(
                    deputy=deputy,
                    kind=kind,
                    title=title[:300],
                    date=date,
                    note=note,
                    source_type=source_type,
                    source_id=source.pk,
                )
        except IntegrityError:  # a concurrent call logged it first
            return DutyRecord.objects.get(
                deputy=deputy, kind=kind, source_type=source_type, source_id=source.pk
            )
    return DutyRecord.objects.create(
        deputy=deputy, kind=kind, title=title[:300], date=date, note=note, is_manual=True
    )
