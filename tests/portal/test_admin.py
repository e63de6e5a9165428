import pytest
from django.core import mail

from portal.admin import ProfileAdminForm
from portal.enums import ClaimedAffiliation, Role, VerificationStatus
from tests.factories import ProfileFactory

QUEUE = "/en/admin/portal/pendingverification/"


@pytest.fixture
def pending(db):
    return ProfileFactory(
        claimed_affiliation=ClaimedAffiliation.MEMBER_STATE, verification_status=VerificationStatus.PENDING
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.SECRETARIAT, 200), (Role.MODERATOR, 403), (Role.STAKEHOLDER, 302), (Role.MEMBER_STATE, 302)],
)
def test_verification_queue_is_for_the_secretariat(client, user_with_role, pending, role, status):
    client.force_login(user_with_role(role))

    assert client.get(QUEUE).status_code == status


@pytest.mark.django_db
def test_secretariat_approves_from_the_queue(client, secretariat, pending, django_capture_on_commit_callbacks):
    client.force_login(secretariat)

    selection = {"action": "approve", "_selected_action": [pending.pk], "reason": ""}
    with django_capture_on_commit_callbacks(execute=True):
        shown_page = client.post(QUEUE, selection)
    assert "Member State representative" in shown_page.content.decode(), "the claim is shown before it is granted"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            QUEUE,
            {**selection, "confirm_decision": "yes", f"shown-{pending.pk}": f"{ClaimedAffiliation.MEMBER_STATE}:"},
        )

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.verification_status == VerificationStatus.APPROVED
    assert list(pending.user.groups.values_list("name", flat=True)) == [Role.MEMBER_STATE]
    assert len(mail.outbox) == 1
    assert client.get(QUEUE).context["cl"].result_count == 0


@pytest.mark.django_db
def test_rejecting_without_a_reason_is_refused(client, secretariat, pending, django_capture_on_commit_callbacks):
    client.force_login(secretariat)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(QUEUE, {"action": "reject", "_selected_action": [pending.pk], "reason": ""}, follow=True)

    pending.refresh_from_db()
    assert pending.verification_status == VerificationStatus.PENDING
    assert "Please give the reason for rejecting." in response.content.decode()
    assert mail.outbox == []


@pytest.mark.django_db
def test_rejecting_with_a_reason_tells_the_person(client, secretariat, pending, django_capture_on_commit_callbacks):
    client.force_login(secretariat)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            QUEUE,
            {
                "action": "reject",
                "_selected_action": [pending.pk],
                "reason": "Unknown mission",
                "confirm_decision": "yes",
                f"shown-{pending.pk}": f"{ClaimedAffiliation.MEMBER_STATE}:",
            },
        )

    pending.refresh_from_db()
    assert pending.verification_status == VerificationStatus.REJECTED
    assert "Unknown mission" in mail.outbox[0].body


@pytest.mark.django_db
def test_user_admin_shows_profile_inline_and_locks_groups_for_secretariat(client, secretariat, stakeholder):
    client.force_login(secretariat)

    response = client.get(f"/en/admin/portal/user/{stakeholder.pk}/change/")

    html = response.content.decode()
    assert response.status_code == 200
    assert stakeholder.profile.display_name in html
    assert 'name="groups"' not in html


@pytest.mark.django_db
def test_admin_is_translated(client, secretariat):
    client.force_login(secretariat)

    html = client.get("/fr/admin/").content.decode()

    assert "GCM Regional Reviews: administration" not in html


@pytest.mark.django_db
def test_the_admin_checks_names_as_the_profile_page_does(stakeholder):

    profile = stakeholder.profile
    data = {
        "display_name": "Carol \u202egpj.exe\u202c",
        "organisation": "",
        "constituency": profile.constituency,
        "country": "KE",
        "gender": "",
        "preferred_language": "en",
        "verification_note": "",
    }

    form = ProfileAdminForm(data, instance=profile)

    assert not form.is_valid()
    assert "display_name" in form.errors
