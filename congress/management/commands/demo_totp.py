"""Print the code a demo staff login accepts next (the second factor of the demo, congress/mfa.py).

    python manage.py demo_totp staff        # -> 6 digits for the code page after the password

Only devices with the fixed demo key (made by `seed_demo`) are read: real accounts' secrets are
never printed. A code is accepted once; when the current 30-second step's code was used already,
the next step's code is printed (accepted within the device's tolerance of one step).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from congress.mfa import DEMO_TOTP_KEY_HEX, demo_code


class Command(BaseCommand):
    help = "Print the current second-factor code of a demo staff login (demo key only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, username, **options):
        device = TOTPDevice.objects.filter(
            user__username=username, key=DEMO_TOTP_KEY_HEX, confirmed=True
        ).first()
        if device is None:
            raise CommandError(
                f"{username} has no demo second factor (run `manage.py seed_demo` first; "
                "only the demo's staff logins have one)"
            )
        for _attempt in range(3):
            try:
                self.stdout.write(demo_code(device))
                return
            except ValueError:  # both usable steps are spent: wait for the next one
                time.sleep(device.step - time.time() % device.step + 0.5)
        raise CommandError("no usable code; try again in a minute")
