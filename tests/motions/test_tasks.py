"""The daily task that starts handling years: run twice, it does the work once."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from congress.uploads import sample_jpeg
from motions import services, tasks
from motions.models import MotionState, UpdatePhoto
from tests.motions.conftest import at

pytestmark = pytest.mark.django_db


def test_the_daily_task_run_twice_advances_once(assigned):
    with time_machine.travel(at("2023-02-15", 2), tick=False):
        assert tasks.advance_phases.apply().get() == 1
        assert tasks.advance_phases.apply().get() == 0
    assigned.refresh_from_db()
    assert assigned.state == MotionState.FOLLOW_UP_1
    assert assigned.phases.get(state="follow_up_1").starts_on == dt.date(2023, 2, 15)


def test_the_command_takes_a_clock(assigned):
    out = io.StringIO()
    call_command("advance_motion_phases", now="2024-02-20T09:00:00", stdout=out)
    assert out.getvalue().strip() == "2"  # supervision → follow-up 1 → follow-up 2
    assigned.refresh_from_db()
    assert assigned.state == MotionState.FOLLOW_UP_2


def test_unpublished_media_reach_only_the_office_and_the_posting_unit(
    client, assigned, liaison, other_liaison, committee_staff, supervisor_elsewhere
):
    services.post_update(
        assigned,
        actor=liaison,
        kind="research",
        title="调研",
        text="x",
        happened_on=dt.date(2022, 4, 1),
        now=at("2022-04-02"),
        photos=[SimpleUploadedFile("a.jpg", sample_jpeg())],
    )
    url = reverse("motions:update_file", args=["thumb", UpdatePhoto.objects.get().pk])
    expected = {liaison: 200, committee_staff: 200, other_liaison: 404, supervisor_elsewhere: 404}
    for user, status in expected.items():
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, user
        if status == 200:
            assert "private" in response["Cache-Control"]
    client.logout()
    assert client.get(url).status_code == 404
