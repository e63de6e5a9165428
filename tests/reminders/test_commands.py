from io import StringIO

import pytest
from django.core.management import call_command

from portal.enums import Role
from tests.factories import make_user


@pytest.mark.django_db
def test_reminder_schedule_of_the_seeded_europe_review():
    call_command("load_seed_calendar", stdout=StringIO())
    make_user(Role.SECRETARIAT)
    out = StringIO()
    call_command("reminder_schedule", "europe-north-america", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Regional Review meeting: Europe and North America — 11 March 2024")
    # 002: the space opened on 18 January 2024, after the 8-week deadline of 15 January: the reminder fired.
    assert any(line.startswith("2024-01-08  Discussion space must open 8 weeks before the review") for line in lines)
    assert any(line.startswith("2024-02-19  Analysis paper due 2 weeks before the review") for line in lines)
