"""`manage.py backup [--dest DIR] [--keep N]`: database + file storages into a checked folder
(congress/backup.py; docs/operations.md, "Backup and restore")."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from congress.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump -Fc / SQLite backup API) and the uploaded files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dest",
            default="data/backups",
            help="folder that receives congress-<timestamp>/ (default data/backups, git-ignored)",
        )
        parser.add_argument(
            "--keep", type=int, default=None, help="keep only the newest N backups in --dest"
        )

    def handle(self, *args, dest, keep, **options):
        try:
            folder = backup(Path(dest), keep=keep)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(folder))
