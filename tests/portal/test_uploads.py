import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.uploads import MAX_UPLOAD_BYTES, validate_document


def office(prefix: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{prefix}document.xml", "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("report.pdf", b"%PDF-1.7\n...", "application/pdf"),
        ("photo.png", b"\x89PNG\r\n\x1a\n....", "image/png"),
        ("photo.jpg", b"\xff\xd8\xff\xe0....", "image/jpeg"),
        ("paper.docx", office("word/"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("data.xlsx", office("xl/"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("renamed.pdf", office("word/"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_accepted_by_content(name, content, expected):
    assert validate_document(SimpleUploadedFile(name, content)) == expected


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"MZ\x90\x00 an executable renamed"),
        ("image.svg", b"<svg><script>alert(1)</script></svg>"),
        ("page.html", b"<html><script>alert(1)</script>"),
        ("archive.zip", b"PK\x03\x04 not really a zip"),
    ],
)
def test_refused_by_content_whatever_the_name(name, content):
    with pytest.raises(ValidationError, match="not a PDF"):
        validate_document(SimpleUploadedFile(name, content))


def test_zip_bomb_inside_an_office_file_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * (250 * 1024 * 1024))
    with pytest.raises(ValidationError):
        validate_document(SimpleUploadedFile("bomb.docx", buffer.getvalue()))


def test_oversized_file_is_refused_with_its_size():
    upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 10)
    upload.size = MAX_UPLOAD_BYTES + 5 * 1024 * 1024

    with pytest.raises(ValidationError) as error:
        validate_document(upload)
    assert "25 MB" in error.value.messages[0]
