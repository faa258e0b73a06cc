"""Advance every motion whose handling year has ended (what the daily task does)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from motions.services import advance_due_phases


class Command(BaseCommand):
    help = "Start the next handling year of motions whose year ended; close those after year 3."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="ISO 8601 date-time to treat as now")

    def handle(self, *args, now=None, **options):
        moment = timezone.now()
        if now:
            moment = dt.datetime.fromisoformat(now)
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        count = advance_due_phases(now=moment)
        self.stdout.write(f"{count}")
