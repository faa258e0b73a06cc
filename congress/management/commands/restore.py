"""`manage.py restore FOLDER [--database-url URL] [--create] [--clean] [--media-root DIR]
[--private-media-root DIR]`: checks the checksums, restores, then compares every table's row count
and every file's checksum with the manifest (congress/backup.py)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from congress.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup folder made by `manage.py backup` and verify it."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a congress-<timestamp> folder")
        parser.add_argument(
            "--database-url",
            default=None,
            help="restore into this database instead of the configured one",
        )
        parser.add_argument("--create", action="store_true", help="create the database first")
        parser.add_argument(
            "--clean",
            action="store_true",
            help="replace a database that is not empty (PostgreSQL: pg_restore --clean)",
        )
        parser.add_argument("--media-root", default=None, help="unpack public media here")
        parser.add_argument("--private-media-root", default=None, help="unpack private files here")

    def handle(self, *args, folder, database_url, create, clean, **options):
        roots = {}
        if options["media_root"]:
            roots["media"] = Path(options["media_root"])
        if options["private_media_root"]:
            roots["private"] = Path(options["private_media_root"])
        try:
            result = restore(
                Path(folder), database_url=database_url, roots=roots, create=create, clean=clean
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored and verified: {result['tables']} tables, {result['rows']} rows, "
            f"{result['files']} files"
        )
