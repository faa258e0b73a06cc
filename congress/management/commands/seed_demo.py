"""Seed the demo portal: Haidian District, 17th term, January 2022 up to today.

Deterministic and idempotent: every app's `demo.seed(ctx)` finds-or-creates by natural keys.
"""

from __future__ import annotations

import datetime as dt
import time
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from congress.demo_support import DEMO_PASSWORD, DemoContext


class Command(BaseCommand):
    help = "Create (or complete) the realistic demo data. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", help="ISO 8601 date-time to treat as 'now' (default: the real clock)"
        )

    def handle(self, *args, now=None, verbosity=1, **options):
        moment = timezone.now()
        if now:
            moment = dt.datetime.fromisoformat(now)
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        ctx = DemoContext(now=moment, verbosity=verbosity)
        started = time.monotonic()
        for config in apps.get_app_configs():
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            if verbosity:
                self.stdout.write(
                    self.style.MIGRATE_HEADING(f"{config.verbose_name} ({config.label})")
                )
            with transaction.atomic():
                module.seed(ctx)
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f} s.")
            )
            self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
            for role, username in ctx.logins:
                self.stdout.write(f"  {role:<28} {username}")
