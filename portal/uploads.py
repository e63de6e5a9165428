"""Uploads checked by what they contain, not by their name: reports, papers and images, at most 20 MB.

A file is kept under a generated name and only ever served as a download with the type its content
showed (and ``nosniff``). What is refused: anything that is not a PDF, an office document or a PNG or
JPEG image; office documents that carry macros or would unpack to far more than they weigh (a "zip
bomb"); and files that also hold web-page code in their first bytes (polyglots a browser could read as
HTML). The name a person gave is kept to show, cleaned of hidden characters and given the extension
of what the file really is.
"""

import os
import re
import zipfile
import zlib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.validators import neutralise_text

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# Office documents are zip files; a small file that unpacks to gigabytes is refused.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# A long Word report or a big workbook has a few hundred parts; tens of thousands only cost memory.
MAX_MEMBERS = 5000
# Text compresses ten to fifty times; a part of over 10 MB that unpacks to two hundred times its packed
# size is a bomb.
MAX_RATIO = 200
RATIO_FLOOR = 10 * 1024 * 1024
MAX_NAME_LENGTH = 200

OFFICE_MARKERS = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (".pptx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
    "application/vnd.oasis.opendocument.presentation": (".odp",),
    "application/vnd.oasis.opendocument.graphics": (".odg",),
}
MAGIC = [(b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg")]
# Markup a browser sniffing the first bytes would take for a web page.
HTML_MARKERS = re.compile(rb"<\s*(!doctype|html|head|body|script|iframe|svg|object|embed|meta|base|frameset)\b")
# VBA projects (Word, Excel, PowerPoint), ActiveX controls, and Basic or script macros (OpenDocument).
MACRO_PART = re.compile(r"(^|/)(vbaproject\.bin|vbadata\.xml)$|(^|/)activex/|^(basic|scripts)/", re.IGNORECASE)

NOT_ACCEPTED = _(
    "This file is not a PDF, an office document (Word, Excel, PowerPoint, OpenDocument) or a PNG or JPEG image."
)


def _office_type(upload) -> str | None:
    """The type of an office document, or a ValidationError for one that must not be kept."""
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise ValidationError(
                    _("This office document is made of more than %(count)d parts; please send it as a PDF."),
                    params={"count": MAX_MEMBERS},
                    code="zip_members",
                )
            unpacked = sum(info.file_size for info in members)
            swollen = any(
                info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1)
                for info in members
            )
            if unpacked > MAX_UNPACKED_BYTES or swollen:
                raise ValidationError(
                    _("This office document would unpack to far more than its size; please send it as a PDF."),
                    code="zip_bomb",
                )
            names = [info.filename for info in members]
            content_types = ""
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as part:
                    content_types = part.read(256 * 1024).decode("utf-8", "replace").lower()
            if any(MACRO_PART.search(name) for name in names) or "macroenabled" in content_types:
                raise ValidationError(
                    _(
                        "This office document contains macros, which are not accepted. Save it as a .docx, "
                        ".xlsx or .pptx file without macros, or as a PDF."
                    ),
                    code="macros",
                )
            # Reading every part through checks its checksum, so a part cannot inflate past the size it declares.
            try:
                for info in members:
                    with archive.open(info) as part:
                        while part.read(1024 * 1024):
                            pass
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise ValidationError(
                    _("This file is damaged and cannot be read; please save it again and send the new copy."),
                    code="damaged",
                ) from exc
            if "mimetype" in names:
                with archive.open("mimetype") as part:
                    mimetype = part.read(100).decode("ascii", "replace").strip()
                if mimetype.startswith("application/vnd.oasis.opendocument."):
                    return mimetype
            if content_types:
                for prefix, mimetype in OFFICE_MARKERS.items():
                    if any(name.startswith(prefix) for name in names):
                        return mimetype
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        OSError,
        EOFError,
        RuntimeError,
        ValueError,
        NotImplementedError,
    ):
        return None  # not a zip, encrypted, or packed in a way no office program writes: not a document we take
    finally:
        upload.seek(0)
    return None


def detect_type(upload) -> str | None:
    """The content type the bytes show, or None when they are not an accepted kind of file.

    Raises ValidationError for a file of an accepted kind that must still be refused (see the module).
    """
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return _office_type(upload)
    content_type = next((kind for magic, kind in MAGIC if head.startswith(magic)), None)
    if content_type and HTML_MARKERS.search(head.lower()):
        raise ValidationError(
            _("This file also holds web-page code (HTML or script); please send a plain PDF, document or image."),
            code="polyglot",
        )
    return content_type


def validate_document(upload) -> str:
    """Raise a ValidationError a person can act on; return the detected content type."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is %(size)d MB; files may be at most 20 MB."),
            params={"size": -(-upload.size // (1024 * 1024))},  # rounded up: 20 MB and a byte is "21 MB"
            code="too_big",
        )
    content_type = detect_type(upload)
    if content_type is None:
        raise ValidationError(NOT_ACCEPTED, code="not_accepted")
    return content_type


def shown_file_name(name: str) -> str:
    """The name a person gave, as it may be shown: no folders, hidden characters or direction overrides."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return neutralise_text(name)


def stored_file_name(name: str, content_type: str) -> str:
    """The name a download is offered under: shown_file_name with the extension of what the file is.

    "report.pdf.exe" holding a PDF downloads as "report.pdf"; a Word file named "notes.pdf" as "notes.docx".
    """
    name = re.sub(r'[<>:"|?*]', "_", shown_file_name(name)).strip(" .")
    stem, extension = os.path.splitext(name)
    allowed = EXTENSIONS.get(content_type, ())
    if allowed and extension.lower() not in allowed:
        if not re.fullmatch(r"\.[A-Za-z0-9]{1,5}", extension):
            stem = name  # "a.report v2" has no extension to replace
        inner = os.path.splitext(stem)[1]
        stem, extension = (stem[: -len(inner)], inner) if inner.lower() in allowed else (stem, allowed[0])
    stem = stem.strip(" .") or "document"
    return stem[: MAX_NAME_LENGTH - len(extension)] + extension
