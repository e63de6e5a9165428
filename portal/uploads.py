"""Uploads checked by what they contain, not by their name: reports, papers and images, at most 20 MB."""

import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# Office documents are zip files; a small file that unpacks to gigabytes is refused.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024

OFFICE_MARKERS = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def detect_type(upload) -> str | None:
    """The content type the bytes show, or None when they are not an accepted kind of file."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
                if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                    return None
                if "mimetype" in names:
                    mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                    if mimetype.startswith("application/vnd.oasis.opendocument."):
                        return mimetype
                if "[Content_Types].xml" in names:
                    for prefix, mimetype in OFFICE_MARKERS.items():
                        if any(name.startswith(prefix) for name in names):
                            return mimetype
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            upload.seek(0)
    return None


def validate_document(upload) -> str:
    """Raise a ValidationError a person can act on; return the detected content type."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is %(size)d MB; files may be at most 20 MB."), params={"size": upload.size // (1024 * 1024)}
        )
    content_type = detect_type(upload)
    if content_type is None:
        raise ValidationError(
            _(
                "This file is not a PDF, an office document (Word, Excel, PowerPoint, OpenDocument) "
                "or a PNG or JPEG image."
            )
        )
    return content_type
