from __future__ import annotations

import datetime as dt

import pytest

from congress.jointmeetings.models import JointMeeting, JointMeetingState, MeetingForm


@pytest.fixture
def make_meeting(work_committee):
    def make(number=1, lead=None, state=JointMeetingState.PLANNED, date=None, **extra):
        return JointMeeting.objects.create(
            number=number,
            date=date or dt.date(2022, 3, 29) + dt.timedelta(days=60 * (number - 1)),
            lead=lead or work_committee,
            form=MeetingForm.DISCUSSION,
            topic=extra.pop("topic", f"第{number}次主题"),
            state=state,
            **extra,
        )

    return make


@pytest.fixture
def open_meeting(make_meeting):
    """An open entry led by 北下关 (the `recorder` fixture's street)."""
    return make_meeting(number=1, state=JointMeetingState.RECORDING, information="会议纪要")


@pytest.fixture
def signed_meeting(make_meeting, staff):
    from congress.jointmeetings import services

    m = make_meeting(number=2, state=JointMeetingState.RECORDING, information="原始纪要")
    return services.sign_off(m, actor=staff)
