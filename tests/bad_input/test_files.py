"""Bad files against every upload field: each refused with a clear message next to the field, what was
typed kept in the form, nothing stored; well-made files with bad names kept under a generated name and
offered only as a download under a safe one."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consultations.models import SummaryDocument
from discussions import services
from discussions.models import Attachment, Post
from portal.enums import Role
from portal.uploads import MAX_UPLOAD_BYTES, validate_document
from tests import worlds
from tests.bad_input.corpus import PDF, WELL_MADE_BADLY_NAMED, bad_files
from tests.bad_input.html_forms import form_data
from tests.factories import make_user, shown

MESSAGES = {
    "not_accepted": "This file is not a PDF, an office document (Word, Excel, PowerPoint, OpenDocument)",
    "polyglot": "This file also holds web-page code (HTML or script)",
    "zip_bomb": "This office document would unpack to far more than its size",
    "zip_members": "This office document is made of more than 5000 parts",
    "damaged": "This file is damaged and cannot be read",
    "macros": "This office document contains macros, which are not accepted.",
    "empty": "The submitted file is empty.",
    "too_big": "The file is 21 MB; files may be at most 20 MB.",
}
BAD = [*bad_files(), ("just over 20 MB", "big.pdf", None, "too_big")]
TYPED = "Our findings on “decent work” — keep every word of this"


def upload(name: str, content: bytes | None) -> SimpleUploadedFile:
    if content is None:  # built here, not at import: 20 MB and one byte
        content = PDF + b"0" * (MAX_UPLOAD_BYTES + 1 - len(PDF))
    return SimpleUploadedFile(name, content)


class Field:
    """One upload field: how to send a file with some typed text, and what must hold after a refusal."""

    status = 200

    def __init__(self, client, world):
        self.client, self.world = client, world

    def send(self, file: SimpleUploadedFile):
        raise NotImplementedError

    def nothing_stored(self) -> bool:
        raise NotImplementedError

    def stored(self):
        raise NotImplementedError


class PostField(Field):
    """A new post in a discussion: the author's text and choices come back with the error."""

    status = 400

    def __init__(self, client, world):
        super().__init__(client, world)
        self.author = make_user(Role.STAKEHOLDER)
        client.force_login(self.author)
        space, question = world["space"], world["question"]
        self.url = f"/en/discussions/{space.pk}/questions/{question.pk}/post/"

    def send(self, file):
        return self.client.post(
            self.url, {"text": TYPED, "language": "fr", "author_label": "display_name", "files": [file]}
        )

    def nothing_stored(self):
        return not Post.objects.exists() and not Attachment.objects.exists()

    def stored(self):
        return Attachment.objects.get()


class EditField(Field):
    """An edit of a published post: the new text comes back with the error; the post stays as it was."""

    def __init__(self, client, world):
        super().__init__(client, world)
        self.author = make_user(Role.STAKEHOLDER)
        self.post = services.post_create(
            question=world["question"], author=self.author, text="The published words", language="en"
        )
        services.post_moderate(post=self.post, shown_revision=shown(self.post), by=world["moderator"], approve=True)
        client.force_login(self.author)
        self.url = f"/en/discussions/posts/{self.post.pk}/edit/"

    def send(self, file):
        return self.client.post(self.url, {"text": TYPED, "files": [file]})

    def nothing_stored(self):
        self.post.refresh_from_db()
        return (self.post.text, self.post.status) == ("The published words", "approved") and (
            not Attachment.objects.exists()
        )

    def stored(self):
        return Attachment.objects.get()


class SummaryField(Field):
    """A meeting material or summary uploaded by the secretariat in the administration."""

    def __init__(self, client, world):
        super().__init__(client, world)
        client.force_login(make_user(Role.SECRETARIAT))
        consultation = world["consultation"]
        self.url = f"/en/admin/consultations/consultation/{consultation.pk}/change/"
        self.data = form_data(client.get(self.url).content.decode(), "consultation_form")
        self.data.update(
            {
                "documents-TOTAL_FORMS": ["1"],
                "documents-0-id": [""],
                "documents-0-consultation": [str(consultation.pk)],
                "documents-0-kind": ["summary"],
                "documents-0-title": [TYPED],
                "documents-0-language": ["fr"],
                "documents-0-link": [""],
            }
        )

    def send(self, file):
        return self.client.post(self.url, {**self.data, "documents-0-file": [file]})

    def nothing_stored(self):
        return not SummaryDocument.objects.exists()

    def stored(self):
        return SummaryDocument.objects.get()


FIELDS = {"discussion post": PostField, "discussion edit": EditField, "summary document (admin)": SummaryField}


@pytest.fixture
def world(db):
    stage = worlds.stage(call=False, interest_deadline=timezone.now() + timedelta(days=5))
    return {
        "consultation": stage.consultation,
        "space": stage.space,
        "question": stage.question,
        "moderator": stage.moderator,
    }


@pytest.mark.parametrize(("label", "name", "content", "code"), BAD, ids=[row[0] for row in BAD])
def test_the_check_refuses_each_bad_file_with_its_reason(label, name, content, code):
    if code == "empty":
        pytest.skip("an empty file is refused by the form field before the check")
    with pytest.raises(ValidationError) as refused:
        validate_document(upload(name, content))
    assert refused.value.code == code
    assert MESSAGES[code] in refused.value.messages[0]


@pytest.mark.django_db
@pytest.mark.parametrize("field", FIELDS)
def test_every_bad_file_is_refused_next_to_the_field_and_the_text_is_kept(client, world, field):
    upload_field = FIELDS[field](client, world)
    for label, name, content, code in BAD:
        response = upload_field.send(upload(name, content))

        assert response.status_code == upload_field.status, label
        html = response.content.decode()
        message = MESSAGES[code]
        assert message in html, f"{label}: no clear message"
        assert TYPED in html, f"{label}: the typed text is lost"
        assert upload_field.nothing_stored(), f"{label}: something was stored"
        if field != "summary document (admin)":
            # The message names the file as it was sent, folders and hidden characters removed.
            shown = re.escape(name.rsplit("/", 1)[-1].replace("\u202e", "")[:40])
            assert re.search(f"“{shown}[^”]*”: {re.escape(message)}", html), label
        assert "\u202e" not in html, label


@pytest.mark.django_db
@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize(
    ("name", "content", "content_type", "offered_as"),
    WELL_MADE_BADLY_NAMED,
    ids=[r[3][:24] for r in WELL_MADE_BADLY_NAMED],
)
def test_a_good_file_is_kept_under_a_generated_name_and_only_downloaded(
    client, world, field, name, content, content_type, offered_as
):
    upload_field = FIELDS[field](client, world)

    response = upload_field.send(SimpleUploadedFile(name, content))

    assert response.status_code == 302, response.content.decode()[:2000]
    stored = upload_field.stored()
    assert re.fullmatch(r"(discussions|summaries/\d+)/[0-9a-f]{32}", stored.file.name)
    assert (stored.original_name, stored.content_type) == (offered_as, content_type)
    if isinstance(stored, Attachment):
        url = stored.get_absolute_url()
    else:
        url = f"/en/consultations/{stored.consultation_id}/summary/{stored.pk}/"
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == content_type
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"] == f'attachment; filename="{offered_as}"'
    assert b"".join(download.streaming_content) == content


@pytest.mark.django_db
def test_a_newline_in_a_file_name_never_reaches_a_header(client, world):
    """RFC 2231 lets a client encode any character in a file name; the download header must stay one line."""
    field = PostField(client, world)
    boundary = "BoUnDaRy"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="text"\r\n\r\nA report\r\n'
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="language"\r\n\r\nen\r\n'
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="author_label"\r\n\r\ndisplay_name\r\n'
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="files"; '
            "filename*=UTF-8''re%0D%0ASet-Cookie%3A%20x%3D1%0Aport.pdf\r\n"
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF
        + f"\r\n--{boundary}--\r\n".encode()
    )

    response = client.generic("POST", field.url, body, content_type=f"multipart/form-data; boundary={boundary}")

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "reSet-Cookie_ x=1port.pdf"
    download = client.get(attachment.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="reSet-Cookie_ x=1port.pdf"'
    assert "x" not in download.cookies
