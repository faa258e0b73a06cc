"""Rows made by data migrations survive `flush` (which transactional tests run after each test)."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from congress.models import CalendarDay, DeadlineRule


@pytest.mark.django_db(transaction=True)
def test_flush_restores_rules_calendar_schedules_and_roles():
    call_command("flush", interactive=False, verbosity=0)
    assert DeadlineRule.objects.filter(code="suggestion-reply").exists()
    assert CalendarDay.objects.filter(name__contains="春节").exists()
    assert PeriodicTask.objects.filter(name="deadline-sweep").exists()
    assert Group.objects.get(name="staff_general_office").permissions.exists()


@pytest.mark.django_db
def test_restoring_twice_changes_nothing():
    from django.apps import apps

    from congress.defaults import restore_migration_data

    before = (
        DeadlineRule.objects.count(),
        CalendarDay.objects.count(),
        PeriodicTask.objects.count(),
    )
    restore_migration_data(sender=apps.get_app_config("congress"))
    restore_migration_data(sender=apps.get_app_config("congress"))
    assert (
        DeadlineRule.objects.count(),
        CalendarDay.objects.count(),
        PeriodicTask.objects.count(),
    ) == before
