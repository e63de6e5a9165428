"""Backup and restore of the database and the uploaded files (``manage.py backup`` and ``manage.py restore``).

One archive, ``portal-YYYYmmdd-HHMMSS.tar.gz``, holds:

- ``database.dump``: PostgreSQL in ``pg_dump``'s custom format, taken in the same snapshot as the row counts;
- or ``database.sqlite3``: a consistent copy of the embedded SQLite database made with SQLite's online backup
  API, never a raw copy of a file another process may be writing;
- ``media/`` and ``private/``: every regular file under ``MEDIA_ROOT`` and ``PRIVATE_ROOT``;
- ``manifest.json``: when it was made, the database engine, the row count of every table and the sha256 of every
  other member.

A restore checks the whole archive against its manifest before it changes anything, then replaces the database
(``pg_restore --clean --if-exists --no-owner`` in one transaction, or SQLite's backup API in reverse), makes both
file folders hold exactly the archived files, and checks the result against the manifest again.
"""

from __future__ import annotations

import glob
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction

MANIFEST_NAME = "manifest.json"
FORMAT_VERSION = 1
DATABASE_MEMBERS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
# How long pg_restore waits for a table another session holds before failing rather than hanging.
RESTORE_LOCK_TIMEOUT = "30s"


class BackupError(Exception):
    """Something an operator must know about, in words they can act on."""


@dataclass
class Manifest:
    created_at: str
    engine: str
    database: str
    tables: dict[str, int]
    files: dict[str, str]  # archive member -> sha256, the database dump included

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def uploads(self) -> dict[str, str]:
        return {name: digest for name, digest in self.files.items() if name != self.database}

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT_VERSION,
                "created_at": self.created_at,
                "engine": self.engine,
                "database": self.database,
                "tables": self.tables,
                "files": self.files,
            },
            indent=2,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        try:
            data = json.loads(text)
            version = data.get("format")
            if version != FORMAT_VERSION:
                raise BackupError(f"Unsupported manifest format {version!r}; this portal reads {FORMAT_VERSION}.")
            manifest = cls(
                created_at=str(data["created_at"]),
                engine=str(data["engine"]),
                database=str(data["database"]),
                tables={str(name): int(count) for name, count in data["tables"].items()},
                files={str(name): str(digest) for name, digest in data["files"].items()},
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackupError(f"The manifest is not valid: {exc!r}.") from exc
        if DATABASE_MEMBERS.get(manifest.engine) != manifest.database:
            raise BackupError(f"The manifest names an unknown database: {manifest.engine} / {manifest.database}.")
        return manifest


@dataclass
class RestoreReport:
    manifest: Manifest
    removed_files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    extra_tables: list[str] = field(default_factory=list)


def file_roots() -> dict[str, Path]:
    """The upload folders, by their name inside the archive."""
    return {"media": Path(settings.MEDIA_ROOT), "private": Path(settings.PRIVATE_ROOT)}


def database_engine() -> str:
    if connection.vendor not in DATABASE_MEMBERS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _count_rows(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - quoted catalogue names
        counts[table] = cursor.fetchone()[0]
    return counts


def current_row_counts() -> dict[str, int]:
    """Rows in every table of the configured database, as it is now."""
    with connection.cursor() as cursor:
        return _count_rows(cursor, connection.introspection.table_names(cursor))


# PostgreSQL ---------------------------------------------------------------------------------------------------


def pg_program(name: str) -> str:
    """``pg_dump`` or ``pg_restore`` matching the server: Debian's for its major version, else the newest, else PATH.

    pg_dump refuses a server newer than itself, and Debian installs one client per major version side by side.
    """

    def major(path: str) -> int:
        return int(path.split("/")[4])

    installed = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=major)
    server = connection.pg_version // 10000 if connection.vendor == "postgresql" else None
    for path in installed:
        if major(path) == server:
            return path
    if installed:
        return installed[-1]
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found. Install the PostgreSQL client matching the server "
            "(Debian: apt-get install postgresql-client)."
        )
    return found


def _pg_env() -> dict[str, str]:
    """libpq's variables for the configured database: the password never appears on a command line."""
    db = connection.settings_dict
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[variable] = str(db[key])
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
    ):
        if db.get("OPTIONS", {}).get(option):
            env[variable] = str(db["OPTIONS"][option])
    return env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit {result.returncode}):\n{result.stderr.strip()}")


def _dump_postgresql(target: Path) -> dict[str, int]:
    """Dump the database to ``target`` and count its rows, both from one exported snapshot.

    The counts are taken in a repeatable-read transaction whose snapshot pg_dump joins (``--snapshot``), so they
    describe exactly the rows in the dump even while the portal keeps writing.
    """
    pg_dump = pg_program("pg_dump")
    with transaction.atomic(durable=True), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _count_rows(cursor, connection.introspection.table_names(cursor))
        _run(
            [
                pg_dump,
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot}",
                f"--file={target}",
                f"--dbname={connection.settings_dict['NAME']}",
            ],
            _pg_env(),
            "pg_dump",
        )
    return counts


def _restore_postgresql(dump: Path) -> None:
    """Replace the configured database's objects with the dump's, in one transaction: on failure nothing changes.

    Tables that exist only in the current database (from migrations newer than the backup) are left in place;
    ``verify`` reports them.
    """
    pg_restore = pg_program("pg_restore")
    env = _pg_env()
    env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} -c lock_timeout={RESTORE_LOCK_TIMEOUT}".strip()
    name = connection.settings_dict["NAME"]
    # Our own session must not hold locks on the tables pg_restore drops.
    connection.close()
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--no-password",
            f"--dbname={name}",
            str(dump),
        ],
        env,
        "pg_restore (the database is unchanged; stop the web, worker and beat processes if a lock timed out)",
    )


# SQLite -------------------------------------------------------------------------------------------------------


def _sqlite_path() -> Path:
    return Path(connection.settings_dict["NAME"])


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [name for (name,) in rows]


def _dump_sqlite(target: Path) -> dict[str, int]:
    """Copy the live SQLite database to ``target`` with the online backup API and count the copy's rows."""
    source_path = _sqlite_path()
    if not source_path.is_file():
        raise BackupError(f"There is no SQLite database at {source_path}: run `manage.py migrate` first.")
    source = sqlite3.connect(source_path.resolve().as_uri() + "?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    with closing(source), closing(copy):
        source.backup(copy)
        return _count_rows(copy.cursor(), _sqlite_tables(copy))


def _restore_sqlite(copy_path: Path) -> None:
    """Overwrite the configured SQLite database, page by page, under SQLite's own locking."""
    target = _sqlite_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    connection.close()
    source = sqlite3.connect(copy_path.resolve().as_uri() + "?mode=ro", uri=True)
    live = sqlite3.connect(target)
    with closing(source), closing(live):
        source.backup(live)


# Archive ------------------------------------------------------------------------------------------------------


class _HashingReader:
    """Hashes the bytes tarfile reads, so the checksum is of what went into the archive."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> str:
    with path.open("rb") as stream:
        info = tar.gettarinfo(arcname=name, fileobj=stream)
        reader = _HashingReader(stream)
        tar.addfile(info, reader)
    return reader.digest.hexdigest()


def _upload_files(root: Path, skip: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(
        path for path in root.rglob("*") if path.is_file() and not path.is_symlink() and not path.is_relative_to(skip)
    )


def create_backup(output_dir: Path) -> tuple[Path, Manifest]:
    """Write a new archive into ``output_dir`` (created private to its owner) and return it with its manifest.

    The archive is written under a ``.partial`` name and renamed once complete, so a file named
    ``portal-*.tar.gz`` is always whole. It holds password hashes and private uploads: mode 0600.
    """
    engine = database_engine()
    output_dir = output_dir.resolve()
    for key, root in file_roots().items():
        if output_dir.is_relative_to(root.resolve()):
            raise BackupError(f"Refusing to write backups inside the {key} folder ({root}).")
    output_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    created = datetime.now(UTC)
    archive = output_dir / f"portal-{created:%Y%m%d-%H%M%S}.tar.gz"
    if archive.exists():
        raise BackupError(f"{archive} already exists.")
    partial = archive.with_name(archive.name + ".partial")
    database_member = DATABASE_MEMBERS[engine]
    files: dict[str, str] = {}
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            with tempfile.TemporaryDirectory(prefix=".portal-backup-", dir=output_dir) as scratch:
                dump = Path(scratch) / database_member
                tables = _dump_postgresql(dump) if engine == "postgresql" else _dump_sqlite(dump)
                files[database_member] = _add_file(tar, dump, database_member)
            for key, root in file_roots().items():
                for path in _upload_files(root, skip=output_dir):
                    name = f"{key}/{path.relative_to(root).as_posix()}"
                    files[name] = _add_file(tar, path, name)
            manifest = Manifest(
                created_at=created.isoformat(timespec="seconds"),
                engine=engine,
                database=database_member,
                tables=tables,
                files=files,
            )
            body = manifest.to_json().encode()
            info = tarfile.TarInfo(MANIFEST_NAME)
            info.size, info.mtime, info.mode = len(body), int(created.timestamp()), 0o600
            tar.addfile(info, io.BytesIO(body))
        os.replace(partial, archive)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return archive, manifest


def unpack_backup(archive: Path, workdir: Path) -> Manifest:
    """Extract ``archive`` into ``workdir`` and check every member against the manifest; changes nothing else.

    Raises ``BackupError`` listing every problem when the archive is missing, unreadable, or does not match its
    manifest (a missing, unlisted or altered member).
    """
    if not archive.is_file():
        raise BackupError(f"No backup archive at {archive}.")
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            members = tar.getmembers()
            for member in members:
                top = member.name.split("/", 1)[0]
                if not (member.isfile() or member.isdir()) or top not in {
                    MANIFEST_NAME,
                    *DATABASE_MEMBERS.values(),
                    *file_roots(),
                }:
                    raise BackupError(f"{archive} is not a portal backup: unexpected member {member.name!r}.")
            tar.extractall(workdir, members=members, filter="data")
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(f"{archive} is not a readable backup archive (truncated or corrupt): {exc}.") from exc
    manifest_path = workdir / MANIFEST_NAME
    if not manifest_path.is_file():
        raise BackupError(f"{archive} has no {MANIFEST_NAME}: it is not a complete portal backup.")
    manifest = Manifest.from_json(manifest_path.read_text(encoding="utf-8"))
    present = {
        path.relative_to(workdir).as_posix() for path in workdir.rglob("*") if path.is_file() and path != manifest_path
    }
    problems = [f"missing from the archive: {name}" for name in sorted(manifest.files.keys() - present)]
    problems += [f"not listed in the manifest: {name}" for name in sorted(present - manifest.files.keys())]
    problems += [
        f"checksum mismatch: {name}"
        for name in sorted(manifest.files.keys() & present)
        if sha256_of(workdir / name) != manifest.files[name]
    ]
    if problems:
        raise BackupError(
            f"{archive} does not match its manifest; nothing was restored:\n" + "\n".join(f"  - {p}" for p in problems)
        )
    return manifest


def restore_backup(workdir: Path, manifest: Manifest) -> RestoreReport:
    """Replace the database and the upload folders with an unpacked, checked backup, then verify the result.

    Each upload folder ends up holding exactly the archived files: files added since the backup belong to rows
    the restored database no longer has, so they are removed. The folders themselves stay (they may be volumes).
    """
    engine = database_engine()
    if engine != manifest.engine:
        raise BackupError(
            f"This backup is of a {manifest.engine} database but the portal is configured for {engine}; "
            "nothing was restored."
        )
    dump = workdir / manifest.database
    if engine == "postgresql":
        _restore_postgresql(dump)
    else:
        _restore_sqlite(dump)
    report = RestoreReport(manifest=manifest)
    uploads = manifest.uploads()
    for key, root in file_roots().items():
        root.mkdir(parents=True, exist_ok=True)
        for path in sorted(root.rglob("*")):
            name = f"{key}/{path.relative_to(root).as_posix()}"
            if (path.is_file() or path.is_symlink()) and name not in uploads:
                path.unlink()
                report.removed_files.append(name)
        for name in uploads:
            if name.startswith(f"{key}/"):
                target = root / name.removeprefix(f"{key}/")
                target.parent.mkdir(parents=True, exist_ok=True)
                incoming = target.with_name(f".{target.name}.restoring")
                shutil.copy2(workdir / name, incoming)
                os.replace(incoming, target)
    verify(manifest, report)
    return report


def verify(manifest: Manifest, report: RestoreReport) -> None:
    """Compare the configured database and upload folders with the manifest, adding what differs to ``report``."""
    counts = current_row_counts()
    for table, expected in sorted(manifest.tables.items()):
        if table not in counts:
            report.problems.append(f"table {table} is missing")
        elif counts[table] != expected:
            report.problems.append(f"table {table}: {counts[table]} rows, the backup has {expected}")
    report.extra_tables = sorted(counts.keys() - manifest.tables.keys())
    roots = file_roots()
    for name, digest in sorted(manifest.uploads().items()):
        key, relative = name.split("/", 1)
        path = roots[key] / relative
        if not path.is_file():
            report.problems.append(f"file {name} is missing")
        elif sha256_of(path) != digest:
            report.problems.append(f"file {name} does not match its checksum")
