"""Keyboard alone: sign up, register for a consultation, post with an attachment, approve in the moderation queue.

No click, no fill: Tab moves the focus (which must be visible), keys type and press.
"""

import re

import pytest
from django.core import mail

from consultations.models import Registration
from discussions.models import Post
from portal.enums import Role
from portal.models import User
from tests.browser.test_discussions import open_space  # noqa: F401 - shared fixture
from tests.browser.test_every_page import signed_in_context
from tests.factories import make_consultation, make_user

FOCUS_VISIBLE = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
}"""


def tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab until the focus is on ``selector``; the focus must be visible there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            assert page.evaluate(FOCUS_VISIBLE), f"focus not visible on {selector}"
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def choose(page, selector: str, option_text: str) -> None:
    """Pick an option of a focused <select> by typing its first letters, as keyboard users do."""
    tab_to(page, selector)
    page.keyboard.type(option_text)
    assert (
        option_text.lower() in page.evaluate("s => document.querySelector(s).selectedOptions[0].text", selector).lower()
    )


@pytest.fixture
def keyboard_page(browser, live_server, transactional_db):
    contexts = []

    def open_page(user=None):
        context = signed_in_context(browser, live_server, user)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def test_sign_up_with_the_keyboard(keyboard_page):
    page = keyboard_page()
    page.goto("/en/accounts/signup/")
    type_into(page, "#id_email", "keyboard@example.org")
    type_into(page, "#id_password1", "a-long-passphrase-42")
    type_into(page, "#id_password2", "a-long-passphrase-42")
    type_into(page, "#id_display_name", "Keys Only")
    choose(page, "#id_constituency", "Migrant")
    choose(page, "#id_country", "Kenya")
    tab_to(page, "#id_privacy_consent")
    page.keyboard.press("Space")
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation(url=re.compile(r"/accounts/confirm-email/$")):
        page.keyboard.press("Enter")
    assert User.objects.get(email="keyboard@example.org").profile.display_name == "Keys Only"
    assert any(m.to == ["keyboard@example.org"] for m in mail.outbox)


def test_register_for_a_consultation_with_the_keyboard(keyboard_page):
    consultation = make_consultation()
    person = make_user(Role.STAKEHOLDER)
    page = keyboard_page(person)
    page.goto(f"/en/consultations/{consultation.pk}/")
    tab_to(page, "input[name=attendance]")
    page.keyboard.press("Space")
    tab_to(page, "form[action$='/register/'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Registration.objects.get(user=person).status == "registered"


def test_post_with_an_attachment_then_approve_with_the_keyboard(keyboard_page, open_space, tmp_path):  # noqa: F811
    _space, question, moderator = open_space
    report = tmp_path / "findings.pdf"
    report.write_bytes(b"%PDF-1.7 findings")
    page = keyboard_page(make_user(Role.STAKEHOLDER))
    page.goto(question.get_absolute_url())
    type_into(page, "#id_text", "Our findings on fair recruitment.")
    tab_to(page, "#id_files")
    # The file dialog belongs to the browser and the operating system, not to the page: choose the file there.
    page.locator("#id_files").set_input_files(str(report))
    tab_to(page, "#post-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    post = Post.objects.get()
    assert post.attachments.get().original_name == "findings.pdf"

    queue = keyboard_page(moderator)
    queue.goto("/en/discussions/moderation/")
    tab_to(queue, "button[name=decision][value=approve]")
    with queue.expect_navigation():
        queue.keyboard.press("Enter")
    post.refresh_from_db()
    assert post.status == "approved"
