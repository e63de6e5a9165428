import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from portal.backup import BackupError, restore_backup, unpack_backup


class Command(BaseCommand):
    help = (
        "Replace the database and the uploaded files with a backup made by `manage.py backup`, after checking the "
        "archive against its manifest, then verify the row counts and checksums of the result."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="A portal-YYYYmmdd-HHMMSS.tar.gz written by `manage.py backup`.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Restore without asking for confirmation.",
        )

    def handle(self, *args, **options):
        archive: Path = options["archive"]
        with tempfile.TemporaryDirectory(prefix="portal-restore-") as workdir:
            try:
                manifest = unpack_backup(archive, Path(workdir))
            except BackupError as exc:
                raise CommandError(f"Restore refused: {exc}") from exc
            uploads = manifest.uploads()
            self.stdout.write(
                f"{archive.name}: made {manifest.created_at}, {manifest.engine} database with "
                f"{len(manifest.tables)} tables and {manifest.rows:,} rows, {len(uploads)} uploaded files; "
                "every checksum matches the manifest."
            )
            if options["interactive"] and not self._confirmed():
                raise CommandError("Restore cancelled; nothing was changed.")
            try:
                report = restore_backup(Path(workdir), manifest)
            except BackupError as exc:
                raise CommandError(f"Restore failed: {exc}") from exc
        for name in report.removed_files:
            self.stdout.write(f"Removed {name} (not in the backup).")
        for table in report.extra_tables:
            self.stderr.write(
                f"Warning: table {table} is not in the backup and was left as it is "
                "(made by a migration newer than the backup?)."
            )
        if report.problems:
            raise CommandError(
                "Restored, but the result does not match the backup's manifest:\n"
                + "\n".join(f"  - {problem}" for problem in report.problems)
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored and verified: the row counts of all {len(manifest.tables)} tables and the checksums of "
                f"all {len(uploads)} files match the manifest."
            )
        )

    def _confirmed(self) -> bool:
        name = connection.settings_dict["NAME"]
        prompt = (
            f"This replaces the {connection.vendor} database {name} and every file in the media and private "
            "folders with the backup. Type 'yes' to continue: "
        )
        try:
            return input(prompt).strip().lower() == "yes"
        except EOFError:
            raise CommandError("No confirmation (no input): pass --no-input to restore without asking.") from None
