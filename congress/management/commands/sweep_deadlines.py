"""`manage.py sweep_deadlines [--now ISO8601] [--json]`: the deadline sweep, same code as the task."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from congress.sweep import sweep


class Command(BaseCommand):
    help = "Send deadline reminders, mark overdue obligations, escalate; catch up on e-mail."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", help="Sweep as of this moment (ISO 8601), for tests and catch-up."
        )
        parser.add_argument("--json", action="store_true", help="Print one line of JSON counts.")
        parser.add_argument(
            "--batch", type=int, default=None, help="Batch size (default: settings)."
        )

    def handle(self, *args, **options):
        now = None
        if options["now"]:
            try:
                now = dt.datetime.fromisoformat(options["now"])
            except ValueError:
                raise CommandError(f"--now: not an ISO 8601 date or time: {options['now']!r}")
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        result = sweep(now, batch_size=options["batch"])
        counts = result.counts()
        if options["json"]:
            self.stdout.write(json.dumps(counts, sort_keys=True))
        else:
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
