"""A committee member reads an applicant's own words in their language: machine translation of private text, only
ever by an engine on the portal's own machines."""

import pytest

from funding.enums import State
from portal.enums import Role
from portal.models import Translation
from portal.privacy import account_delete
from tests.factories import ApplicationFactory, make_user

IN_SPANISH = "Los trabajadores migrantes tienen derecho a un trabajo decente."


@pytest.fixture
def application(db):
    applicant = make_user(Role.STAKEHOLDER, organisation="Red de Trabajadores Migrantes")
    return ApplicationFactory(
        applicant=applicant, state=State.SUBMITTED, language="es", justification=IN_SPANISH, representation=""
    )


@pytest.mark.django_db
def test_a_committee_member_reads_the_justification_in_their_language(client, apertium, application):
    member = make_user(Role.EXECUTIVE_COMMITTEE)
    client.force_login(member)

    review = client.get(f"/en/funding/applications/{application.pk}/review/").content.decode()
    response = client.get(f"/en/funding/applications/{application.pk}/review/translation/")

    assert f"/en/funding/applications/{application.pk}/review/translation/" in review
    page = response.content.decode()
    assert response.status_code == 200
    assert "workers" in page and "Apertium" in page and IN_SPANISH in page
    assert "only its reviewers see this text" in page
    row = Translation.objects.get()
    assert (row.field, row.source_language, row.language) == ("justification", "es", "en")


@pytest.mark.django_db
def test_nobody_but_its_reviewers_gets_the_translation(client, apertium, application):
    url = f"/en/funding/applications/{application.pk}/review/translation/"
    colleague = make_user(Role.EXECUTIVE_COMMITTEE, organisation="Red de Trabajadores Migrantes")
    seen = {}
    for name, person in {
        "applicant": application.applicant,
        "stakeholder": make_user(Role.STAKEHOLDER),
        "moderator": make_user(Role.MODERATOR),
        "colleague of the applicant": colleague,
        "chair": make_user(Role.MPTF_CHAIR),
    }.items():
        client.force_login(person)
        seen[name] = client.get(url).status_code

    assert seen == {
        "applicant": 403,
        "stakeholder": 403,
        "moderator": 403,
        "colleague of the applicant": 403,
        "chair": 200,
    }


@pytest.mark.django_db
def test_the_justification_never_reaches_a_remote_engine(client, remote_engine, application):
    client.force_login(make_user(Role.EXECUTIVE_COMMITTEE))

    review = client.get(f"/en/funding/applications/{application.pk}/review/").content.decode()
    response = client.get(f"/en/funding/applications/{application.pk}/review/translation/")

    assert "review/translation/" not in review
    assert response.status_code == 404
    assert remote_engine.translations == []


@pytest.mark.django_db
def test_erasing_the_applicant_deletes_the_translations_of_their_words(client, apertium, application):
    client.force_login(make_user(Role.EXECUTIVE_COMMITTEE))
    client.get(f"/en/funding/applications/{application.pk}/review/translation/")

    account_delete(user=application.applicant)

    assert Translation.objects.count() == 0


@pytest.mark.django_db
def test_the_application_form_asks_the_language_of_the_answers(client, application):
    client.force_login(make_user(Role.STAKEHOLDER, preferred_language="fr"))

    page = client.get(f"/fr/funding/calls/{application.call_id}/apply/").content.decode()

    assert 'name="language"' in page
    assert '<option value="fr" selected>' in page
