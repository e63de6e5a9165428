"""A person's copy of their data, and the deletion of their account as the privacy notice describes it."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.utils import timezone

from consultations import services as consultation_services
from consultations.enums import RegistrationStatus
from consultations.models import Registration
from discussions import services as discussion_services
from discussions.enums import PostStatus
from discussions.models import Attachment, Post
from funding import selectors as funding_selectors
from funding import services as funding_services
from funding.enums import State
from portal.enums import AuditAction, Role
from portal.models import AuditEntry, User
from tests import worlds
from tests.factories import PDF_BYTES, CallFactory, application_data, make_consultation, make_user, shown

PASSWORD = "correct-horse-battery"


@pytest.fixture
def world(secretariat):
    """A stakeholder with a little of everything: posts in each state, registrations past and ahead, applications."""
    stage = worlds.stage(call=False, questions=("What works?", "What does not?"))
    question, space_moderator = stage.question, stage.moderator
    person = make_user(Role.STAKEHOLDER, display_name="Amina Q", organisation="Diaspora Link", gender="woman")
    other = make_user(Role.STAKEHOLDER, display_name="Other person")
    posts = {}
    for state in ("pending", "rejected", "approved"):
        post = discussion_services.post_create(
            question=question,
            author=person,
            text=f"Amina wrote {state}",
            language="en",
            files=[(SimpleUploadedFile(f"{state}.pdf", PDF_BYTES), "application/pdf")],
        )
        if state != "pending":
            discussion_services.post_moderate(
                post=post,
                shown_revision=shown(post),
                by=space_moderator,
                approve=state == "approved",
                reason="Off topic",
            )
        posts[state] = Post.objects.get(pk=post.pk)
    reply = discussion_services.post_create(
        question=question, author=other, text="A reply by someone else", language="en", parent=posts["approved"]
    )
    discussion_services.post_moderate(post=reply, shown_revision=shown(reply), by=space_moderator, approve=True)

    past = make_consultation(title="Past consultation")
    past_registration = consultation_services.registration_create(consultation=past, user=person, attendance="virtual")
    past.starts_at = timezone.now() - timedelta(days=30)
    past.save()
    ahead = make_consultation(title="Consultation ahead", capacity_in_person=1)
    ahead.starts_at = timezone.now() + timedelta(days=30)
    ahead.save()
    ahead_registration = consultation_services.registration_create(
        consultation=ahead, user=person, attendance="in_person"
    )
    waiting = consultation_services.registration_create(consultation=ahead, user=other, attendance="in_person")
    assert waiting.status == RegistrationStatus.WAITLISTED

    call = CallFactory(
        cycle=ahead.event.cycle,
        consultations=[ahead],
        title="Travel support",
        budget=Decimal("10000"),
        time_zone="Africa/Addis_Ababa",
    )
    application = funding_services.application_save(call=call, applicant=person, data=application_data(ahead))
    funding_services.application_submit(application=application, applicant=person)
    return {
        "person": person,
        "other": other,
        "posts": posts,
        "reply": reply,
        "past": past,
        "past_registration": past_registration,
        "ahead": ahead,
        "ahead_registration": ahead_registration,
        "waiting": waiting,
        "call": call,
        "application": application,
    }


@pytest.mark.django_db
def test_copy_needs_sign_in(client):
    response = client.get("/en/profile/data/download/")

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


@pytest.mark.django_db
def test_copy_holds_everything_about_the_person_and_nothing_about_others(client, world):
    person = world["person"]
    client.force_login(person)

    response = client.get("/en/profile/data/download/")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["account"]["email"] == person.email
    assert data["profile"]["display_name"] == "Amina Q"
    assert data["profile"]["organisation"] == "Diaspora Link"
    assert data["roles"] == ["stakeholder"]
    assert sorted(p["text"] for p in data["discussions.post"]) == [
        "Amina wrote approved",
        "Amina wrote pending",
        "Amina wrote rejected",
    ]
    assert {p["status"] for p in data["discussions.post"]} == {"pending", "rejected", "approved"}
    assert {r["consultation"] for r in data["consultations.registration"]} == {world["past"].pk, world["ahead"].pk}
    assert [a["state"] for a in data["funding.application"]] == [State.SUBMITTED]
    body = response.content.decode()
    assert "A reply by someone else" not in body
    assert world["other"].email not in body
    assert "Other person" not in body
    assert "password" not in data["account"]
    assert '"password"' not in body


@pytest.mark.django_db
def test_wrong_password_deletes_nothing_and_says_so(client, world):
    person = world["person"]
    client.force_login(person)

    response = client.post("/en/profile/delete/", {"password": "not-mine-at-all", "confirm": "on"})

    assert response.status_code == 400
    assert "This is not your password." in response.content.decode()
    assert User.objects.get(pk=person.pk).email == person.email
    unconfirmed = client.post("/en/profile/delete/", {"password": PASSWORD})
    assert unconfirmed.status_code == 400
    assert User.objects.get(pk=person.pk).is_active


def _aggregates(world):
    past = world["past"]
    return {
        "past_by_profile": sorted(
            Registration.objects.filter(consultation=past)
            .values_list("user__profile__constituency", "user__profile__subregion", "user__profile__gender")
            .annotate(n=Count("pk"))
        ),
        "approved_posts": Post.objects.filter(status=PostStatus.APPROVED).count(),
        "approved_funding": funding_selectors.dashboard(world["call"])["approved"],
        "people": User.objects.count(),
    }


@pytest.mark.django_db
def test_deleting_an_account_erases_the_person_and_keeps_what_the_notice_says(
    client, world, django_capture_on_commit_callbacks
):
    person = world["person"]
    address = person.email
    before = _aggregates(world)
    pending_file = Attachment.objects.get(post=world["posts"]["pending"]).file
    storage, pending_name = pending_file.storage, pending_file.name
    client.force_login(person)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/profile/delete/", {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    erased = User.objects.select_related("profile").get(pk=person.pk)
    assert address not in (erased.email, erased.profile.display_name, erased.profile.organisation)
    assert (erased.profile.display_name, erased.profile.organisation) == ("", "")
    assert not erased.is_active and not erased.has_usable_password()
    assert not erased.groups.exists()
    assert (erased.profile.constituency, erased.profile.gender) == (person.profile.constituency, "woman")
    # Unpublished posts and their files are gone; the approved post stays, under a neutral name, with its reply.
    assert list(Post.objects.filter(author=erased).values_list("text", flat=True)) == ["Amina wrote approved"]
    assert not storage.exists(pending_name)
    assert Post.objects.filter(pk=world["reply"].pk).exists()
    thread = client.get(world["posts"]["approved"].question.get_absolute_url())
    assert thread.status_code == 302  # a discussion is for signed-in readers
    client.force_login(world["other"])
    page = client.get(world["posts"]["approved"].question.get_absolute_url()).content.decode()
    assert "Amina wrote approved" in page
    assert "Former participant" in page
    assert "Amina Q" not in page
    # The place ahead is given back to the person waiting; the past registration stays for the counts.
    assert Registration.objects.get(pk=world["ahead_registration"].pk).status == RegistrationStatus.CANCELLED
    assert Registration.objects.get(pk=world["waiting"].pk).status == RegistrationStatus.REGISTERED
    assert Registration.objects.filter(pk=world["past_registration"].pk).exists()
    application = type(world["application"]).objects.get(pk=world["application"].pk)
    assert (application.state, application.justification) == (State.WITHDRAWN, "")
    assert _aggregates(world) == before
    # Nobody signs in as that person again, with the old address or otherwise.
    client.logout()
    assert client.post("/en/accounts/login/", {"login": address, "password": PASSWORD}).status_code == 200
    assert [m.to for m in mail.outbox if "deleted" in m.subject] == [[address]]
    entry = AuditEntry.objects.get(action=AuditAction.ACCOUNT_DELETION)
    assert (entry.actor, entry.target_id) == (None, str(person.pk))


@pytest.mark.django_db
def test_the_privacy_notice_states_what_deletion_keeps(client):
    page = client.get("/en/privacy/").content.decode()

    assert "Former participant" in page
    assert "sub-region and gender" in page
    assert "download a copy" in page
