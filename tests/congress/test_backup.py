"""Backup and restore drill: rows in several apps and uploaded files (public and private) are
backed up, restored into a FRESH database and folders, and every row count and file checksum is
found again. PostgreSQL (pg_dump/pg_restore) and the embedded SQLite default (sqlite3 backup API)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from congress import deadlines
from congress.backup import Target, prune
from congress.models import Obligation
from congress.uploads import sample_pdf

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump must see committed rows


def _needs(vendor: str) -> None:
    if connection.vendor != vendor:
        pytest.skip(
            f"needs {vendor} (this run uses {connection.vendor}; CI runs the suite on PostgreSQL)"
        )
    if vendor == "postgresql":
        for tool in ("pg_dump", "pg_restore"):
            if shutil.which(tool) is None:
                pytest.skip(f"{tool} not installed (apt-get install postgresql-client)")


@pytest.fixture
def world(unit, liaison, staff, deputy, other_deputy, term):
    """Rows in congress, deputies and suggestions; a private report file, a private suggestion
    attachment and a public photo."""
    from motions.suggestions.models import Attachment
    from motions.suggestions.services import file_suggestion

    ob = deadlines.open_obligation(
        unit=unit,
        kind="test.report",
        subject=unit,
        title="备份演练报告",
        starts_on=dt.date(2026, 1, 1),
        due_date=dt.date(2026, 3, 31),
    )
    deadlines.submit_report(
        ob,
        actor=liaison,
        title="执行情况报告",
        text="正文",
        file=SimpleUploadedFile("report.pdf", sample_pdf("report"), "application/pdf"),
    )
    suggestion = file_suggestion(
        deputy=deputy.deputy,
        co_proposers=[other_deputy.deputy],
        title="关于备份演练的建议",
        content="建议每月演练一次恢复。",
        term=term,
        category="城市建设",
        actor=deputy,
    )
    Attachment.objects.create(
        suggestion=suggestion,
        title="附件.pdf",
        file=SimpleUploadedFile("附件.pdf", sample_pdf("attachment"), "application/pdf"),
        uploaded_by=deputy,
    )
    default_storage.save("photos/station.jpg", ContentFile(b"\xff\xd8\xff\xe0 jpeg bytes"))
    return ob


def _files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(Path(root).rglob("*"))
        if p.is_file()
    }


def _counts(cursor, tables) -> dict[str, int]:
    out = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        out[table] = cursor.fetchone()[0]
    return out


def _source_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return _counts(cursor, connection.introspection.table_names(cursor))


def _check_world(counts: dict[str, int], media: Path, private: Path, restored: Path) -> None:
    """The restored copy has every row and every file, byte for byte."""
    assert counts == _source_counts()
    assert counts["congress_obligation"] == 1 and counts["congress_obligationdocument"] == 1
    assert counts["suggestions_suggestion"] == 1 and counts["suggestions_attachment"] == 1
    assert counts["deputies_deputy"] >= 2
    source_files = {"media": _files(media), "private": _files(private)}
    assert len(source_files["private"]) == 2 and len(source_files["media"]) == 1
    assert _files(restored / "media") == source_files["media"]
    assert _files(restored / "private") == source_files["private"]


def test_postgres_backup_restores_into_a_fresh_database_with_every_row_and_file(
    world, tmp_path, settings
):
    _needs("postgresql")
    folder = Path(_backup(tmp_path / "backups"))
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["engine"] == "postgresql" and (folder / "database.dump").stat().st_size
    assert set(manifest["storages"]) == {"media", "private"}
    # Restore into a database that did not exist, and folders that did not exist.
    source = Target.from_settings(connection.settings_dict)
    fresh = f"congress_restore_{uuid.uuid4().hex[:10]}"
    url = (
        f"postgres://{source.user}:{source.password}@{source.host or '127.0.0.1'}:"
        f"{source.port or 5432}/{fresh}"
    )
    restored = tmp_path / "restored"
    try:
        call_command(
            "restore",
            str(folder),
            database_url=url,
            create=True,
            media_root=str(restored / "media"),
            private_media_root=str(restored / "private"),
        )
        conn = Target.from_url(url).connect()
        try:
            with conn.cursor() as cursor:
                counts = _counts(cursor, connection.introspection.table_names())
                cursor.execute("SELECT title, state FROM congress_obligation")
                assert cursor.fetchall() == [("备份演练报告", "submitted")]
        finally:
            conn.close()
        _check_world(counts, settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT, restored)
        # Restoring again over the now non-empty database is refused without --clean.
        with pytest.raises(CommandError, match="--clean"):
            call_command("restore", str(folder), database_url=url)
    finally:
        admin = source.connect("postgres")
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
        admin.close()


def test_sqlite_backup_restores_into_a_fresh_file_with_every_row_and_file(
    world, tmp_path, settings
):
    _needs("sqlite")
    folder = Path(_backup(tmp_path / "backups"))
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["engine"] == "sqlite" and (folder / "database.sqlite3").stat().st_size
    target = tmp_path / "restored" / "congress.sqlite3"
    restored = tmp_path / "restored"
    call_command(
        "restore",
        str(folder),
        database_url=f"sqlite:///{target}",
        media_root=str(restored / "media"),
        private_media_root=str(restored / "private"),
    )
    conn = sqlite3.connect(target)
    try:
        counts = _counts(conn.cursor(), connection.introspection.table_names())
        assert conn.execute("SELECT title, state FROM congress_obligation").fetchall() == [
            ("备份演练报告", "submitted")
        ]
    finally:
        conn.close()
    _check_world(counts, settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT, restored)
    # An existing database file is not overwritten without --clean.
    with pytest.raises(CommandError, match="--clean"):
        call_command("restore", str(folder), database_url=f"sqlite:///{target}")


def test_a_corrupted_backup_is_refused_before_anything_is_restored(world, tmp_path):
    folder = Path(_backup(tmp_path / "backups"))
    with open(folder / "private.tar.gz", "r+b") as fh:
        fh.seek(20)
        fh.write(b"\x00corrupt\x00")
    target = tmp_path / "never.sqlite3"
    with pytest.raises(CommandError, match="private.tar.gz: checksum mismatch"):
        call_command("restore", str(folder), database_url=f"sqlite:///{target}")
    assert not target.exists()


def test_backups_are_timestamped_complete_and_pruned(world, tmp_path):
    dest = tmp_path / "backups"
    for stamp in ("20261101T020000Z", "20261102T020000Z", "20261103T020000Z"):
        (dest / f"congress-{stamp}").mkdir(parents=True)
    (dest / "congress-20261101T020000Z.drill").mkdir()  # a restore drill's folders: not a backup
    folder = Path(_backup(dest, keep=2))
    assert folder.name.startswith("congress-") and folder.name.endswith("Z")
    assert sorted(p.name for p in dest.iterdir()) == [
        "congress-20261101T020000Z.drill",
        "congress-20261103T020000Z",
        folder.name,
    ]
    assert (folder.stat().st_mode & 0o777) == 0o700
    assert prune(dest, 1) == [dest / "congress-20261103T020000Z"]
    assert not list(dest.glob("*.partial"))
    assert Obligation.objects.count() == 1  # backing up changes nothing


def _backup(dest: Path, keep: int | None = None) -> str:
    from io import StringIO

    out = StringIO()
    args = ["backup", "--dest", str(dest)]
    if keep:
        args += ["--keep", str(keep)]
    call_command(*args, stdout=out)
    return out.getvalue().strip()
