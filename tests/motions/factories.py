"""Factories for motions: rows as a page needs them (the lifecycle is tested through services)."""

from __future__ import annotations

import datetime as dt

import factory

from motions.models import (
    Assignment,
    AssignmentRole,
    AssignmentState,
    Motion,
    MotionPhase,
    MotionState,
    ProgressUpdate,
    UpdateKind,
    UpdateState,
)


class MotionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Motion

    session = None  # required: pass the session
    term = factory.LazyAttribute(lambda o: o.session.term)
    year = factory.LazyAttribute(lambda o: o.session.starts_on.year)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"关于加强第{n}片区基础设施建设的议案")
    reasons = "片区道路和公共服务设施不足。"
    measures = "加快规划道路建设。"
    state = MotionState.SUPERVISION
    signer_count = 10
    progress = 30
    assigned_on = dt.date(2022, 2, 15)
    phase_ends_on = dt.date(2023, 2, 14)


def handled_motion(session, *, unit, office, co_unit=None, published=1, **kwargs) -> Motion:
    """A motion in its supervision year with assignments, its phase row and updates."""
    motion = MotionFactory(session=session, lead_unit=unit, supervising_office=office, **kwargs)
    Assignment.objects.create(
        motion=motion, unit=unit, role=AssignmentRole.LEAD, state=AssignmentState.ACCEPTED
    )
    if co_unit is not None:
        Assignment.objects.create(motion=motion, unit=co_unit, role=AssignmentRole.CO)
    MotionPhase.objects.create(
        motion=motion,
        state=MotionState.SUPERVISION,
        starts_on=dt.date(2022, 2, 15),
        ends_on=dt.date(2023, 2, 14),
    )
    for i in range(published):
        ProgressUpdate.objects.create(
            motion=motion,
            kind=UpdateKind.INSPECTION,
            title=f"代表视察第{i + 1}次",
            text="代表实地查看工程进展。",
            happened_on=dt.date(2022, 3, 10) + dt.timedelta(days=7 * i),
            unit=office,
            state=UpdateState.PUBLISHED,
            approved_progress=30,
            published_at=dt.datetime(2022, 3, 11, tzinfo=dt.UTC) + dt.timedelta(days=7 * i),
        )
    return motion
