"""The sign-up form names countries in the reader's language, as every other form does."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "germany"), [("en", "Germany"), ("fr", "Allemagne"), ("es", "Alemania")])
def test_the_country_list_is_in_the_page_language(client, language, germany):
    page = client.get(f"/{language}/accounts/signup/").content.decode()

    assert f'value="DE">{germany}</option>' in page
    assert language == "en" or ">Germany</option>" not in page
