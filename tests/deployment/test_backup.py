"""`make backup` / `make restore`: round trips on PostgreSQL and on the embedded SQLite, and refusals.

The checks here count rows and hash files themselves rather than trusting the commands' own verification.
"""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from contextlib import closing
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from consultations.models import Consultation
from portal.models import User
from tests.factories import make_consultation, make_user

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.deployment


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def postgres_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def sqlite_counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        tables = [name for (name,) in rows]
        return {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}  # noqa: S608


def read_manifest(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile("manifest.json"))


def tamper(archive: Path, member: str, tmp_path: Path) -> Path:
    """A copy of ``archive`` with ``member``'s bytes changed and the manifest left as it was."""
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as target:
        for info in source.getmembers():
            data = source.extractfile(info).read()
            if info.name == member:
                data = data + b" altered"
                info.size = len(data)
            target.addfile(info, io.BytesIO(data))
    return tampered


def only_archive(folder: Path) -> Path:
    (archive,) = folder.glob("portal-*.tar.gz")
    return archive


@pytest.mark.django_db(transaction=True)
def test_postgresql_round_trip_restores_rows_and_files(tmp_path):
    make_consultation()
    make_user()
    private = storages["private"]
    name = private.save("funding/backup-test.pdf", ContentFile(b"%PDF-1.7 travel budget"))
    path = Path(private.path(name))
    before, checksum = postgres_counts(), sha256(path)

    call_command("backup", output_dir=tmp_path / "backups", stdout=io.StringIO())
    archive = only_archive(tmp_path / "backups")
    manifest = read_manifest(archive)
    assert (manifest["engine"], manifest["tables"]) == ("postgresql", before)
    assert manifest["files"][f"private/{name}"] == checksum

    Consultation.objects.all().delete()
    User.objects.all().delete()
    path.write_bytes(b"overwritten")
    added = private.save("funding/after-backup.pdf", ContentFile(b"later"))
    assert postgres_counts() != before

    call_command("restore", str(archive), interactive=False, stdout=io.StringIO())

    assert postgres_counts() == before
    assert sha256(path) == checksum
    assert not private.exists(added)


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_tampered_archive_and_changes_nothing(tmp_path):
    make_user()
    call_command("backup", output_dir=tmp_path / "backups", stdout=io.StringIO())
    tampered = tamper(only_archive(tmp_path / "backups"), "database.dump", tmp_path)
    make_user()
    before = postgres_counts()

    with pytest.raises(CommandError, match="does not match its manifest; nothing was restored") as error:
        call_command("restore", str(tampered), interactive=False)

    assert "checksum mismatch: database.dump" in str(error.value)
    assert postgres_counts() == before


def test_restore_refuses_a_missing_or_truncated_archive(tmp_path):
    with pytest.raises(CommandError, match="No backup archive at"):
        call_command("restore", str(tmp_path / "nowhere.tar.gz"), interactive=False)
    truncated = tmp_path / "portal-truncated.tar.gz"
    with tarfile.open(truncated, "w:gz") as tar:
        tar.addfile(tarfile.TarInfo("manifest.json"), io.BytesIO(b""))
    truncated.write_bytes(truncated.read_bytes()[:20])
    with pytest.raises(CommandError, match="not a readable backup archive"):
        call_command("restore", str(truncated), interactive=False)


# The embedded mode: manage.py with the base settings, SQLite and files under a throwaway PORTAL_VAR_DIR.


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    var = tmp_path_factory.mktemp("embedded-var")
    removed = {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "PORTAL_ENV", "MEDIA_ROOT", "PRIVATE_ROOT"}
    env = {key: value for key, value in os.environ.items() if key not in removed}
    env["PORTAL_VAR_DIR"] = str(var)

    def manage(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        if check:
            assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return result

    manage("migrate", "-v", "0")
    manage.var = var
    return manage


def test_sqlite_round_trip_restores_rows_and_files(embedded):
    var = embedded.var
    embedded(
        "shell",
        "-c",
        "from django.core.files.base import ContentFile; from django.core.files.storage import storages; "
        "from portal.models import User; User.objects.create_user('kept@example.org', 'a-long-password'); "
        "storages['private'].save('discussions/kept.txt', ContentFile(b'attachment'))",
    )
    database, attachment = var / "portal.sqlite3", var / "private" / "discussions" / "kept.txt"
    before, checksum = sqlite_counts(database), sha256(attachment)

    archive = Path(embedded("backup").stdout.strip().splitlines()[-1])
    assert read_manifest(archive)["tables"] == before

    embedded("shell", "-c", "from portal.models import User; User.objects.all().delete()")
    attachment.write_bytes(b"changed")
    assert sqlite_counts(database) != before

    restored = embedded("restore", str(archive), "--no-input")

    assert "Restored and verified" in restored.stdout
    assert sqlite_counts(database) == before
    assert sha256(attachment) == checksum


def test_sqlite_restore_of_a_tampered_archive_exits_non_zero(embedded, tmp_path):
    var = embedded.var
    (var / "media").mkdir(exist_ok=True)
    (var / "media" / "logo.txt").write_bytes(b"logo")
    archive = Path(embedded("backup", f"--output-dir={tmp_path}").stdout.strip().splitlines()[-1])
    tampered = tamper(archive, "media/logo.txt", tmp_path)
    (var / "media" / "logo.txt").write_bytes(b"newer logo")

    result = embedded("restore", str(tampered), "--no-input", check=False)

    assert result.returncode == 1
    assert "Restore refused" in result.stderr
    assert "checksum mismatch: media/logo.txt" in result.stderr
    assert (var / "media" / "logo.txt").read_bytes() == b"newer logo"
