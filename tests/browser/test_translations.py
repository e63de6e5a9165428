"""Translations in Chromium: a volunteer translates a post in Arabic and readers see it marked, with the original
one click away; a reader in Chinese reads a person's translation; a moderator reads a pending post in English by
Debian's Apertium. axe on every page."""

import re

import pytest

from discussions import services
from portal.enums import Role
from portal.models import Translation
from tests.browser.conftest import assert_accessible
from tests.browser.test_consultations import new_page  # noqa: F401 - shared fixture
from tests.browser.test_discussions import open_space  # noqa: F401 - shared fixture
from tests.factories import make_user, shown

pytestmark = pytest.mark.browser

ENGLISH = "Migrant domestic workers need written contracts in a language they read."
IN_ARABIC = "يحتاج العمال المنزليون المهاجرون إلى عقود مكتوبة بلغة يقرؤونها."
IN_CHINESE = "移民家政工人需要用他们能读懂的语言写成的书面合同。"


def publish(question, moderator, text=ENGLISH, language="en"):
    post = services.post_create(
        question=question, author=make_user(Role.STAKEHOLDER), text=text, language=language, tags=()
    )
    services.post_moderate(post=post, shown_revision=shown(post), by=moderator, approve=True)
    return post


def test_a_translator_translates_in_arabic_and_a_reader_opens_the_original(new_page, open_space):  # noqa: F811
    space, question, moderator = open_space
    post = publish(question, moderator)
    translator = make_user(Role.STAKEHOLDER, preferred_language="ar")
    space.translators.add(translator)

    page = new_page(translator, "ar")
    page.goto(f"/ar/discussions/{space.pk}/questions/{question.pk}/")
    page.locator(f"#post-{post.pk}").get_by_role("link", name="ترجمة", exact=True).click()
    page.wait_for_url(re.compile(rf"/ar/discussions/posts/{post.pk}/translate/"))
    assert_accessible(page)
    page.locator("textarea[name=text]").fill(IN_ARABIC)
    page.get_by_role("button", name="حفظ الترجمة").click()
    page.wait_for_url(re.compile(rf"/ar/discussions/{space.pk}/questions/{question.pk}/"))

    reader = new_page(make_user(Role.STAKEHOLDER, preferred_language="ar"), "ar")
    reader.goto(f"/ar/discussions/{space.pk}/questions/{question.pk}/")
    article = reader.locator(f"#post-{post.pk}")
    assert article.get_by_text("ترجمة بشرية").is_visible()
    assert article.locator('div[lang="ar"]').inner_text().strip() == IN_ARABIC
    assert not article.get_by_text(ENGLISH).is_visible()
    assert_accessible(reader)
    article.get_by_text("عرض النص الأصلي").click()
    assert article.get_by_text(ENGLISH).is_visible()
    assert Translation.objects.get().translator == translator


def test_a_reader_in_chinese_reads_a_persons_translation(new_page, open_space):  # noqa: F811
    space, question, moderator = open_space
    post = publish(question, moderator)
    translator = make_user(Role.STAKEHOLDER, preferred_language="zh-hans")
    space.translators.add(translator)
    page = new_page(translator, "zh-hans")
    page.goto(f"/zh-hans/discussions/posts/{post.pk}/translate/?language=zh-hans")
    page.locator("textarea[name=text]").fill(IN_CHINESE)
    page.get_by_role("button", name="保存译文").click()
    page.wait_for_url(re.compile(rf"/zh-hans/discussions/{space.pk}/questions/{question.pk}/"))

    reader = new_page(make_user(Role.STAKEHOLDER, preferred_language="zh-hans"), "zh-hans")
    reader.goto(f"/zh-hans/discussions/{space.pk}/questions/{question.pk}/")
    article = reader.locator(f"#post-{post.pk}")

    assert article.get_by_text("人工翻译").is_visible()
    assert article.locator('div[lang="zh-hans"]').inner_text().strip() == IN_CHINESE
    assert_accessible(reader)


def test_a_moderator_reads_a_pending_spanish_post_in_english(new_page, open_space, apertium):  # noqa: F811
    _space, question, moderator = open_space
    pending = services.post_create(
        question=question,
        author=make_user(Role.STAKEHOLDER),
        text="Los trabajadores migrantes necesitan contratos escritos.",
        language="es",
    )
    page = new_page(moderator)
    page.goto("/en/discussions/moderation/")
    assert_accessible(page)
    page.locator(f"#post-{pending.pk}").get_by_role("link", name="Machine translation").click()
    page.wait_for_url(re.compile(rf"/en/discussions/posts/{pending.pk}/machine-translation/"))

    assert "workers" in page.locator("main div[lang=en]").inner_text()
    assert page.get_by_text("Translated by machine (Apertium) from Spanish").is_visible()
    assert not page.get_by_text("Los trabajadores migrantes").is_visible()  # the original: one click away
    page.get_by_text("The original, in Spanish").click()
    assert page.get_by_text("Los trabajadores migrantes necesitan contratos escritos.").is_visible()
    assert_accessible(page)
