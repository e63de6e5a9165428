from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write one archive (portal-YYYYmmdd-HHMMSS.tar.gz) holding the database (pg_dump, or a consistent copy of "
        "SQLite), the media and private files, and a manifest of row counts and checksums. Prints its path last."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=None,
            help="Where to write the archive (default: var/backups under PORTAL_VAR_DIR).",
        )

    def handle(self, *args, **options):
        output_dir = options["output_dir"] or Path(settings.VAR_DIR) / "backups"
        try:
            archive, manifest = create_backup(output_dir)
        except BackupError as exc:
            raise CommandError(f"Backup failed: {exc}") from exc
        uploads = manifest.uploads()
        media = sum(1 for name in uploads if name.startswith("media/"))
        size = archive.stat().st_size
        self.stdout.write(
            f"Backed up the {manifest.engine} database ({len(manifest.tables)} tables, {manifest.rows:,} rows), "
            f"{media} media and {len(uploads) - media} private files: {size / 1_000_000:.1f} MB."
        )
        self.stdout.write(str(archive))
