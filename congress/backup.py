"""Backup and restore: the database and every file-system storage, in one checked folder.

`make backup` → `manage.py backup` writes `<dest>/congress-<UTC timestamp>/`:

- `database.dump` (PostgreSQL, `pg_dump -Fc`) or `database.sqlite3` (SQLite, the sqlite3 online
  backup API: a consistent copy even while the web and worker processes write);
- `<storage>.tar.gz` for each file-system storage in `STORAGES` (`default` → `media.tar.gz`,
  `private` → `private.tar.gz`, any storage added later too); object storage (S3) is skipped and
  noted in the manifest: it is backed up by bucket versioning/replication (docs/operations.md);
- `manifest.json`: when, which engine and database, the row count of every table *in the same
  snapshot as the dump* (PostgreSQL: `pg_dump --snapshot` of a repeatable-read transaction that
  also counts the rows), every stored file's size and SHA-256, the artifacts' SHA-256;
- `SHA256SUMS` (the artifacts; `sha256sum -c SHA256SUMS` checks a copy anywhere).

The folder is written as `…partial` and renamed when complete, so a crash never leaves a
backup that looks whole. `--keep N` deletes all but the newest N complete backups in `dest`.

`make restore` → `manage.py restore <folder>` checks every checksum first, restores the database
into the target (`--database-url`, default: the configured database; `--create` creates it; a
PostgreSQL target must be empty unless `--clean`), unpacks the files into the storages' folders
(or `--media-root`/`--private-media-root`), then compares the target's row counts and the files'
checksums with the manifest and fails loudly on any difference.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection

FORMAT = 1
ARCHIVE_NAMES = {"default": "media"}
BACKUP_NAME = re.compile(r"congress-\d{8}T\d{6}Z")


class BackupError(Exception):
    pass


# -- helpers --------------------------------------------------------------------------------------


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def tree_checksums(root: Path) -> dict[str, dict]:
    """{relative path: {"sha256", "size"}} of every regular file under `root`."""
    out: dict[str, dict] = {}
    if not root.is_dir():
        return out
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            out[path.relative_to(root).as_posix()] = {
                "sha256": sha256(path),
                "size": path.stat().st_size,
            }
    return out


def file_storages() -> dict[str, Path]:
    """{archive name: folder} of every file-system storage except static files (deduplicated)."""
    found: dict[str, Path] = {}
    for alias in settings.STORAGES:
        if alias == "staticfiles":
            continue
        storage = storages[alias]
        if isinstance(storage, FileSystemStorage):
            location = Path(storage.location).resolve()
            if location not in found.values():
                found[ARCHIVE_NAMES.get(alias, alias)] = location
    return found


def object_storages() -> list[str]:
    return [
        alias
        for alias in settings.STORAGES
        if alias != "staticfiles" and not isinstance(storages[alias], FileSystemStorage)
    ]


@dataclass
class Target:
    """A database to restore into (from a URL or Django's settings dict)."""

    engine: str  # "postgresql" | "sqlite"
    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""

    @classmethod
    def from_settings(cls, d: dict) -> Target:
        engine = "postgresql" if "postgresql" in d["ENGINE"] else "sqlite"
        return cls(
            engine,
            str(d["NAME"]),
            str(d.get("HOST") or ""),
            str(d.get("PORT") or ""),
            str(d.get("USER") or ""),
            str(d.get("PASSWORD") or ""),
        )

    @classmethod
    def from_url(cls, url: str) -> Target:
        return cls.from_settings(dj_database_url.parse(url))

    def pg_args(self) -> list[str]:
        args = []
        if self.host:
            args += ["-h", self.host]
        if self.port:
            args += ["-p", self.port]
        if self.user:
            args += ["-U", self.user]
        return args

    def pg_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def connect(self, dbname: str | None = None):
        import psycopg2

        return psycopg2.connect(
            dbname=dbname or self.name,
            host=self.host or None,
            port=self.port or None,
            user=self.user or None,
            password=self.password or None,
        )


def _run(args: list[str], env: dict | None = None) -> None:
    tool = shutil.which(args[0])
    if tool is None:
        raise BackupError(f"{args[0]} not found: install postgresql-client (same major version)")
    done = subprocess.run([tool, *args[1:]], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed ({done.returncode}): {done.stderr.strip()}")


# -- row counts -----------------------------------------------------------------------------------


def pg_row_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [r[0] for r in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def sqlite_row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


# -- backup ---------------------------------------------------------------------------------------


def backup(dest: Path, *, keep: int | None = None, now: dt.datetime | None = None) -> Path:
    """Write a complete, checked backup folder under `dest` and return its path."""
    now = now or dt.datetime.now(dt.UTC)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    name = "congress-" + now.strftime("%Y%m%dT%H%M%SZ")
    final = dest / name
    if final.exists():
        raise BackupError(f"{final} exists already")
    work = dest / (name + ".partial")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(mode=0o700)  # personal data inside: only the backup's owner may read it
    source = Target.from_settings(connection.settings_dict)
    manifest: dict = {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "engine": source.engine,
        "database": source.name if source.engine == "postgresql" else Path(source.name).name,
        "storages": {},
        "object_storages": object_storages(),
        "artifacts": {},
    }
    if source.engine == "postgresql":
        manifest["tables"] = _dump_postgres(source, work / "database.dump")
        manifest["database_file"] = "database.dump"
    else:
        manifest["tables"] = _copy_sqlite(work / "database.sqlite3")
        manifest["database_file"] = "database.sqlite3"
    for archive, root in file_storages().items():
        files = tree_checksums(root)
        with tarfile.open(work / f"{archive}.tar.gz", "w:gz") as tar:
            for rel in files:
                tar.add(root / rel, arcname=rel, recursive=False)
        manifest["storages"][archive] = {"path": str(root), "files": files}
    for artifact in sorted(p.name for p in work.iterdir()):
        manifest["artifacts"][artifact] = sha256(work / artifact)
    (work / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
    )
    sums = "".join(f"{digest}  {artifact}\n" for artifact, digest in manifest["artifacts"].items())
    sums += f"{sha256(work / 'manifest.json')}  manifest.json\n"
    (work / "SHA256SUMS").write_text(sums, encoding="utf-8")
    work.rename(final)
    if keep:
        prune(dest, keep)
    return final


def _dump_postgres(source: Target, out: Path) -> dict[str, int]:
    """pg_dump -Fc of the snapshot in which the rows are counted (exported snapshot)."""
    conn = source.connect()
    try:
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = pg_row_counts(cursor)
            _run(
                [
                    "pg_dump",
                    *source.pg_args(),
                    "-Fc",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    "-f",
                    str(out),
                    source.name,
                ],
                env=source.pg_env(),
            )
    finally:
        conn.rollback()
        conn.close()
    return counts


def _copy_sqlite(out: Path) -> dict[str, int]:
    """The online backup API through Django's own connection (works for a file or :memory:)."""
    connection.ensure_connection()
    target = sqlite3.connect(out)
    try:
        connection.connection.backup(target)
        return sqlite_row_counts(target)
    finally:
        target.close()


def prune(dest: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` complete backups (not `.partial` or `.drill` folders)."""
    complete = sorted(
        p for p in Path(dest).glob("congress-*") if p.is_dir() and BACKUP_NAME.fullmatch(p.name)
    )
    doomed = complete[:-keep] if keep > 0 else []
    for path in doomed:
        shutil.rmtree(path)
    return doomed


# -- restore --------------------------------------------------------------------------------------


def verify(folder: Path) -> dict:
    """Check every artifact against the manifest; return the manifest."""
    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise BackupError(f"{folder} has no manifest.json: not a backup (or an incomplete one)")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    sums = (folder / "SHA256SUMS").read_text(encoding="utf-8").split("\n")
    expected = dict(reversed(line.split("  ", 1)) for line in sums if line)
    if expected.get("manifest.json") != sha256(manifest_path):
        raise BackupError("manifest.json does not match SHA256SUMS")
    for artifact, digest in manifest["artifacts"].items():
        if sha256(folder / artifact) != digest:
            raise BackupError(f"{artifact}: checksum mismatch (corrupted copy?)")
    return manifest


def restore(
    folder: Path,
    *,
    database_url: str | None = None,
    roots: dict[str, Path] | None = None,
    create: bool = False,
    clean: bool = False,
) -> dict:
    """Restore a backup folder; returns {"tables": n, "rows": n, "files": n} after checking them."""
    folder = Path(folder)
    manifest = verify(folder)
    target = (
        Target.from_url(database_url)
        if database_url
        else Target.from_settings(connection.settings_dict)
    )
    if target.engine != manifest["engine"]:
        raise BackupError(
            f"a {manifest['engine']} backup cannot go into a {target.engine} database"
        )
    dump = folder / manifest["database_file"]
    if target.engine == "postgresql":
        _restore_postgres(target, dump, create=create, clean=clean)
        conn = target.connect()
        try:
            with conn.cursor() as cursor:
                counts = pg_row_counts(cursor)
        finally:
            conn.close()
    else:
        counts = _restore_sqlite(dump, Path(target.name), clean=clean)
    if counts != manifest["tables"]:
        diff = {
            t: (manifest["tables"].get(t), counts.get(t))
            for t in set(counts) | set(manifest["tables"])
            if counts.get(t) != manifest["tables"].get(t)
        }
        raise BackupError(f"row counts differ after restore (expected, found): {diff}")
    roots = dict(roots or {})
    files = 0
    for archive, info in manifest["storages"].items():
        root = Path(roots.get(archive) or info["path"])
        root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(folder / f"{archive}.tar.gz", "r:gz") as tar:
            tar.extractall(root, filter="data")
        for rel, meta in info["files"].items():
            path = root / rel
            if not path.is_file() or sha256(path) != meta["sha256"]:
                raise BackupError(f"{archive}/{rel}: missing or different after restore")
            files += 1
    return {"tables": len(counts), "rows": sum(counts.values()), "files": files}


def _restore_postgres(target: Target, dump: Path, *, create: bool, clean: bool) -> None:
    if create:
        admin = target.connect("postgres")
        admin.autocommit = True
        try:
            with admin.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{target.name}"')
        finally:
            admin.close()
    conn = target.connect()
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            existing = cursor.fetchone()[0]
    finally:
        conn.close()
    if existing and not clean:
        raise BackupError(
            f"database {target.name} has {existing} tables: restore into an empty database "
            "(--create a new one) or pass --clean to replace its contents"
        )
    args = ["pg_restore", *target.pg_args(), "--no-owner", "--no-privileges", "--exit-on-error"]
    if clean:
        args += ["--clean", "--if-exists"]
    else:
        args += ["--single-transaction"]
    _run([*args, "-d", target.name, str(dump)], env=target.pg_env())


def _restore_sqlite(dump: Path, path: Path, *, clean: bool) -> dict[str, int]:
    if str(path) in ("", ":memory:") or urlsplit(str(path)).scheme:
        raise BackupError("restore an SQLite backup into a file path")
    if path.exists() and path.stat().st_size and not clean:
        raise BackupError(f"{path} exists: pass --clean to replace it (stop the portal first)")
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write next to the target and rename: a crash never leaves a half-copied database.
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".restoring")
    os.close(fd)
    src, dst = sqlite3.connect(dump), sqlite3.connect(tmp)
    try:
        src.backup(dst)
        counts = sqlite_row_counts(dst)
    finally:
        src.close()
        dst.close()
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    os.replace(tmp, path)
    return counts
