"""Compile every locale/<domain>/<lang>/LC_MESSAGES/django.po to .mo in pure Python (polib),
so that a fresh machine without system gettext gets working translations."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile .po catalogues to .mo without system gettext."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, quiet=False, **options):
        count = 0
        for root in settings.LOCALE_PATHS:
            for po_path in sorted(Path(root).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                count += 1
        if not quiet:
            self.stdout.write(f"compiled {count} catalogue(s)")
