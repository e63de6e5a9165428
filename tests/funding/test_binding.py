"""A funding decision applies to the application its decider was shown; conflicts need no declaration."""

from decimal import Decimal

import pytest

from consultations import services as consultation_services
from consultations.models import Registration
from funding import services
from funding.enums import State
from portal.enums import Role
from tests.factories import make_user, shown, shown_registrations
from tests.fingerprint import changed_tables, fingerprint
from tests.funding.conftest import recommended


@pytest.mark.django_db
def test_the_chair_is_refused_when_a_recommendation_came_in_since_the_page_was_opened(
    call, consultation, secretariat, member, chair
):
    application = recommended(call, consultation, secretariat, member)
    opened = shown(application)  # the Chair opens the page: one recommendation, 1000 USD
    services.recommendation_record(
        application=application,
        by=make_user(Role.EXECUTIVE_COMMITTEE),
        recommend=False,
        amount=None,
        comment="Weak",
        shown_revision=shown(application),
    )
    before = fingerprint()

    with pytest.raises(services.FundingError, match="changed since you opened it"):
        services.application_decide(
            application=application, by=chair, approve=True, amount=Decimal("900"), shown_revision=opened
        )

    assert changed_tables(before, fingerprint()) == []
    decided = services.application_decide(
        application=application, by=chair, approve=True, amount=Decimal("900"), shown_revision=shown(application)
    )
    assert decided.state == State.APPROVED


@pytest.mark.django_db
def test_the_review_page_shows_the_new_version_after_a_refused_decision(
    client, call, consultation, secretariat, member, chair
):
    application = recommended(call, consultation, secretariat, member)
    url = f"/en/funding/applications/{application.pk}/review/"
    client.force_login(chair)
    page = client.get(url).content.decode()
    opened = shown(application)
    assert f'name="decide-revision" value="{opened}"' in page
    services.recommendation_record(
        application=application,
        by=make_user(Role.EXECUTIVE_COMMITTEE),
        recommend=True,
        amount=Decimal("600"),
        comment="A second view, lower",
        shown_revision=shown(application),
    )

    response = client.post(
        url,
        {
            "action": "decide",
            "decide-approve": "1",
            "decide-amount": "900",
            "decide-reason": "",
            "decide-revision": opened,
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "This application changed since you opened it" in html
    assert "A second view, lower" in html and "Mean recommended amount: 800.00 USD" in html
    assert f'name="decide-revision" value="{shown(application)}"' in html
    application.refresh_from_db()
    assert application.state == State.RECOMMENDED


@pytest.mark.django_db
def test_the_chair_of_the_applicants_organisation_is_conflicted_without_declaring_it(
    client, call, consultation, secretariat, member
):
    chair = make_user(Role.MPTF_CHAIR, organisation="Migrant Forum in Asia")
    application = recommended(call, consultation, secretariat, member, organisation="migrant forum in asia")
    client.force_login(chair)

    listing = client.get(f"/en/funding/calls/{call.pk}/review/")
    detail = client.get(f"/en/funding/applications/{application.pk}/review/")

    # Left out of the ranked list, listed apart with nothing but the fact.
    assert (listing.context["rows"], len(listing.context["withheld"])) == ([], 1)
    assert "You declared a conflict of interest with this application." in listing.content.decode()
    assert detail.status_code == 403
    assert "someone from your organisation (migrant forum in asia)" in detail.content.decode()


@pytest.mark.django_db
def test_the_chairs_approval_never_overturns_a_refused_accreditation(
    client, call, consultation, secretariat, member, chair
):

    consultation.accreditation_required = True
    consultation.save()
    application = recommended(call, consultation, secretariat, member)
    registration = consultation_services.registration_create(
        consultation=consultation, user=application.applicant, attendance="in_person"
    )
    consultation_services.accreditation_decide(
        registrations=[registration],
        by=secretariat,
        approve=False,
        reason="Security vetting failed",
        versions=shown_registrations([registration]),
    )
    client.force_login(chair)
    page = client.get(f"/en/funding/applications/{application.pk}/review/").content.decode()
    assert "Accreditation refused" in page and "Security vetting failed" in page

    with pytest.raises(services.FundingError, match="refused this person's accreditation"):
        services.application_decide(
            application=application, by=chair, approve=True, amount=Decimal("900"), shown_revision=shown(application)
        )

    assert Registration.objects.get(pk=registration.pk).status == "rejected"
    application.refresh_from_db()
    assert application.state == State.RECOMMENDED
