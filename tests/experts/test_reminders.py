"""Reminders to experts before their opinion deadline (time travel), and appointment expiry."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from congress.deadlines import compute_due_date, obligations_for
from congress.models import DeadlineRule, Notification, ObligationState
from experts import services, tasks

pytestmark = pytest.mark.django_db


def at(*args):
    return timezone.make_aware(dt.datetime(*args))


def reminders(user):
    return list(
        Notification.objects.filter(recipient=user, kind__startswith="experts.opinion")
        .order_by("id")
        .values_list("kind", "key")
    )


def test_opinion_reminders_across_the_deadline(consultation, expert, other_expert):
    inv = consultation.invitations.get(expert=expert.expert)  # due 2030-06-10
    with time_machine.travel(at(2030, 6, 5, 9), tick=False):
        assert tasks.sweep().reminders == 0  # five days left: nothing yet
    with time_machine.travel(at(2030, 6, 7, 9), tick=False):
        tasks.sweep()
        tasks.sweep()  # run twice: nothing twice
    assert reminders(expert) == [
        ("experts.opinion_reminder", f"experts.opinion:{inv.pk}:2030-06-10:3")
    ]
    with time_machine.travel(at(2030, 6, 8, 9), tick=False):
        tasks.sweep()  # two days left: the 3-day reminder was sent, nothing new
    assert len(reminders(expert)) == 1
    with time_machine.travel(at(2030, 6, 9, 9), tick=False):
        tasks.sweep()
    with time_machine.travel(at(2030, 6, 10, 9), tick=False):
        tasks.sweep()
    with time_machine.travel(at(2030, 6, 11, 9), tick=False):
        tasks.sweep()
        tasks.sweep()
    keys = [k for _kind, k in reminders(expert)]
    assert keys == [
        f"experts.opinion:{inv.pk}:2030-06-10:3",
        f"experts.opinion:{inv.pk}:2030-06-10:1",
        f"experts.opinion:{inv.pk}:2030-06-10:0",
        f"experts.opinion:{inv.pk}:2030-06-10:overdue",
    ]


def test_no_reminder_after_the_opinion_or_recusal(consultation, expert, other_expert):
    inv = consultation.invitations.get(expert=expert.expert)
    services.declare_conflict(inv, actor=expert, has_conflict=False)
    services.submit_opinion(inv, actor=expert, opinion="意见")
    other = consultation.invitations.get(expert=other_expert.expert)
    services.declare_conflict(other, actor=other_expert, has_conflict=True, details="回避")
    with time_machine.travel(at(2030, 6, 9, 9), tick=False):
        assert tasks.sweep().reminders == 0
    assert reminders(expert) == [] and reminders(other_expert) == []


def test_accepted_but_unanswered_invitation_is_reminded(consultation, expert):
    inv = consultation.invitations.get(expert=expert.expert)
    services.declare_conflict(inv, actor=expert, has_conflict=False)
    with time_machine.travel(at(2030, 6, 10, 8), tick=False):
        assert tasks.sweep().reminders == 2  # both experts, due today


def test_appointment_expiry_opens_an_obligation_once(make_expert, office, staff):
    soon = make_expert("将到期专家", appointment_ends_on=dt.date(2030, 3, 31))
    make_expert("远期专家", appointment_ends_on=dt.date(2031, 3, 31))
    with time_machine.travel(at(2030, 1, 15, 9), tick=False):
        assert tasks.sweep().expiry_obligations == 0  # 75 days left
    with time_machine.travel(at(2030, 2, 1, 9), tick=False):
        assert tasks.sweep().expiry_obligations == 1
        assert tasks.sweep().expiry_obligations == 0  # idempotent
    term = services.current_term(soon)
    ob = obligations_for(term).get()
    rule = DeadlineRule.objects.get(code="expert-appointment-expiry")
    assert ob.unit == office and ob.due_date == compute_due_date(dt.date(2030, 3, 31), rule)
    assert ob.rule.code == "expert-appointment-expiry"
    # Renewing meets the obligation and starts a new term.
    with time_machine.travel(at(2030, 3, 1, 9), tick=False):
        new = services.renew_appointment(soon, actor=staff, ends_on=dt.date(2033, 3, 31))
    ob.refresh_from_db()
    assert ob.state == ObligationState.ACCEPTED
    soon.refresh_from_db()
    assert (new.starts_on, soon.appointment_ends_on) == (dt.date(2030, 4, 1), dt.date(2033, 3, 31))
    assert new.is_renewal


def test_celery_task_runs_the_sweep(consultation, expert):
    with time_machine.travel(at(2030, 6, 9, 9), tick=False):
        result = tasks.sweep_task.apply().get()
    assert result["reminders"] == 2


def test_ended_appointment_leaves_the_public_list(client, make_expert, consultation, staff):
    gone = make_expert("到期专家", appointment_ends_on=dt.date(2030, 6, 15))
    with time_machine.travel(at(2030, 6, 15, 20), tick=False):
        assert tasks.sweep().ended == 0  # the last day still counts
    with time_machine.travel(at(2030, 6, 16, 8), tick=False):
        assert tasks.sweep().ended == 1
        assert tasks.sweep().ended == 0
        from django.urls import reverse

        assert "到期专家" not in client.get(reverse("experts:public_list")).text
        with pytest.raises(services.ExpertError) as exc:
            services.invite(consultation, [gone], actor=staff)
        assert exc.value.code == "not_appointed"
    gone.refresh_from_db()
    assert gone.status == "expired"
