"""The funding reads: a reviewer's conflicts and a page of the review list, each in one query, as the ORM reads them."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funding import selectors, services
from funding.enums import State
from funding.models import Application
from portal.enums import Role
from tests.factories import ApplicationFactory, CallFactory, OrganisationHistoryFactory, make_user
from tests.funding.conftest import recommended, submitted


@pytest.mark.django_db
def test_conflicted_ids_are_the_conflict_rule_in_one_query(call, consultation, member):
    """Their own, their organisation's (by any organisation either ever named), those they declared a conflict
    with by application or by organisation; a draft only when asked for every application; never another
    call's; and exactly what the ORM's condition finds."""
    member.profile.organisation = "Diaspora Council"
    member.profile.save()
    own = ApplicationFactory(call=call, applicant=member, state=State.SUBMITTED)
    colleague = submitted(call, consultation, organisation="diaspora council")
    former_colleague = submitted(call, consultation, organisation="Seafarers Network")
    OrganisationHistoryFactory(user=former_colleague.applicant, name="Diaspora Council")
    cousin = submitted(call, consultation, organisation="Helpline Kenya")
    services.conflict_declare(by=member, application=cousin, note="My cousin")
    union = submitted(call, consultation, organisation="Coastal Workers Union")
    services.conflict_declare(by=member, organisation="COASTAL workers' union")
    colleague_draft = ApplicationFactory(
        call=call, applicant=make_user(Role.STAKEHOLDER, organisation="Diaspora Council")
    )
    unrelated = submitted(call, consultation, organisation="Migrant Voices")
    elsewhere = ApplicationFactory(call=CallFactory(), applicant=member, state=State.SUBMITTED)
    services.conflict_declare(by=member, application=elsewhere, note="Mine, in another call")
    reviewable = {own.pk, colleague.pk, former_colleague.pk, cousin.pk, union.pk}

    with CaptureQueriesContext(connection) as queries:
        found = selectors.conflicted_ids(member=member, call=call, reviewable_only=True)
    every = selectors.conflicted_ids(member=member, call=call)

    assert (found, len(queries)) == (reviewable, 1)
    assert every == reviewable | {colleague_draft.pk}
    assert unrelated.pk not in every
    assert every == set(
        Application.objects.filter(selectors.conflict_condition(member), call=call).values_list("pk", flat=True)
    )
    assert services.conflict_application_ids(member=member, call=call) == every


@pytest.mark.django_db
def test_a_reviewer_with_no_conflict_has_none(call, consultation, secretariat):
    submitted(call, consultation, organisation="Migrant Voices")

    assert selectors.conflicted_ids(member=secretariat, call=call, reviewable_only=True) == set()


@pytest.mark.django_db
def test_page_rows_read_what_the_orm_reads_in_the_pages_order(call, consultation, secretariat, member):
    """The rows of a page, in its order, as the ORM's query reads them: amounts, the self-identification, the
    profile's values, and None for each of them when the applicant has no profile left."""
    first = recommended(call, consultation, secretariat, member, constituency="migrant", gender="woman")
    second = submitted(call, consultation, organisation="Helpline Kenya")
    Application.objects.filter(pk=second.pk).update(self_identification=["first_time", "migrant_led"])
    third = submitted(call, consultation)
    third.applicant.profile.delete()
    ids = [third.pk, first.pk, second.pk]

    with CaptureQueriesContext(connection) as queries:
        rows = selectors.page_rows(ids)
    by_orm = {row["pk"]: row for row in selectors.page_rows_queryset(ids)}

    assert (rows, len(queries)) == ([by_orm[pk] for pk in ids], 1)
    assert rows[2]["self_identification"] == ["first_time", "migrant_led"]
    assert rows[0]["applicant__profile__display_name"] is None
    assert rows[1]["recommended_amount"] == Decimal("1000")
