"""Translations of what people write: by a person, or by a machine translation engine.

The engine for every app: a row of ``portal.Translation`` names its original (any model and one of its text
fields) and the version it was made from, a digest of the original text. The app that owns the original
decides who may read and translate it; this module keeps the versions straight:

- A person's translation is bound to the version the translator was shown: if the original changed since,
  it is refused and the translator is shown the new text. When the original changes later, the translation
  stays (nothing a volunteer typed is lost) but is no longer current, so readers stop seeing it.
- An engine's translation is a cache, one per original, field and language, kept while the original's text is
  the one it was made from and deleted as soon as that text changes. Private text (not yet approved, or never
  public) is only sent to an engine on the portal's own machines: ``portal.machine_translation`` enforces it.
"""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Model, Q
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.utils import build_localized_fieldname

from portal import machine_translation
from portal.cache import public_pages_changed
from portal.enums import AuditAction, TranslationKind
from portal.models import Translation
from portal.services import audit_record

MAX_LENGTH = 20_000


def in_every_language(path: str) -> list[str]:
    """``path`` (a translated field, ``"consultation__title"`` say) in each language, for ``only()``: reading the
    field picks the language of the request, with its fallback, among them."""
    head, _sep, field = path.rpartition("__")
    prefix = f"{head}__" if head else ""
    return [prefix + build_localized_fieldname(field, code) for code in AVAILABLE_LANGUAGES]


class TranslationError(Exception):
    """A translation that cannot be saved; the message says why, in the reader's language."""


class OriginalChanged(TranslationError):
    """The original text changed after the translator was shown it."""


def language_name(code: str) -> str:
    """A language's name in the reader's language ("anglais" on a French page), for sentences that name it."""
    return get_language_info(code)["name_translated"]


def digest(text: str) -> str:
    """The version of a text as translations record it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def of_model(model: type[Model] | Model) -> Q:
    """The translations of rows of ``model``, by a join: no look-up of its content type first, so the query
    count of a page or a bulk moderation does not depend on whether the content type cache is warm."""
    meta = model._meta
    return Q(content_type__app_label=meta.app_label, content_type__model=meta.model_name)


def _rows(original: Model, field: str):
    return Translation.objects.filter(of_model(original), object_id=original.pk, field=field)


def current_human(originals: Iterable[Model], field: str, language: str) -> dict[int, Translation]:
    """The up-to-date translations by a person of ``field`` of ``originals`` into ``language``, by original
    id: one query for a whole page of originals (all of one model)."""
    originals = list(originals)
    if not originals:
        return {}
    rows = Translation.objects.filter(
        of_model(originals[0]),
        object_id__in=[o.pk for o in originals],
        field=field,
        language=language,
        kind=TranslationKind.HUMAN,
        is_current=True,
    ).select_related("translator__profile")
    return {row.object_id: row for row in rows}


def human(original: Model, field: str, language: str) -> Translation | None:
    """A person's translation of ``field`` into ``language``, up to date or not (for the translator's form)."""
    return _rows(original, field).filter(language=language, kind=TranslationKind.HUMAN).first()


def human_languages(original: Model, field: str) -> dict[str, bool]:
    """The languages a person translated ``field`` into, each with whether the translation is up to date."""
    rows = _rows(original, field).filter(kind=TranslationKind.HUMAN).values_list("language", "is_current")
    return dict(rows)


def human_save(
    *,
    translator,
    original: Model,
    field: str,
    source_language: str,
    language: str,
    text: str,
    shown_digest: str,
    source_field: str | None = None,
) -> Translation | None:
    """Save ``translator``'s translation of ``field`` of ``original`` into ``language``; an empty text withdraws it.

    The original's row is locked and its text read again: a translation is of the version the translator was
    shown (``shown_digest``), never attached to a text that changed since (OriginalChanged). The caller checks
    that ``translator`` may translate this original. ``source_field``: the attribute holding the original text,
    when it is not ``field`` itself (a modeltranslation field's English column).
    """
    text = text.strip()
    if language == source_language:
        raise TranslationError(_("Choose a language other than the original's."))
    if len(text) > MAX_LENGTH:
        raise TranslationError(_("A translation may not be longer than %(limit)d characters.") % {"limit": MAX_LENGTH})
    with transaction.atomic():
        locked = type(original).objects.select_for_update().get(pk=original.pk)
        if digest(getattr(locked, source_field or field) or "") != shown_digest:
            raise OriginalChanged(_("The original changed while you were translating it. Here is the new text."))
        rows = _rows(locked, field).filter(language=language, kind=TranslationKind.HUMAN)
        # Published at once, so recorded: who translated which text into which language, or withdrew it.
        audit_record(
            actor=translator,
            action=AuditAction.TRANSLATION,
            target=locked,
            detail=f"{field} → {language}" + ("" if text else " (withdrawn)"),
        )
        if not text:
            rows.delete()
            return None
        row, _created = Translation.objects.update_or_create(
            content_type=ContentType.objects.get_for_model(locked),
            object_id=locked.pk,
            field=field,
            language=language,
            kind=TranslationKind.HUMAN,
            defaults={
                "source_language": source_language,
                "source_digest": shown_digest,
                "text": text,
                "translator": translator,
                "is_current": True,
                "updated_at": timezone.now(),
            },
            create_defaults={
                "source_language": source_language,
                "source_digest": shown_digest,
                "text": text,
                "translator": translator,
            },
        )
    return row


def original_changed(original: Model, field: str, text: str) -> None:
    """Call whenever ``field`` of ``original`` gets a new text (see :func:`originals_changed`)."""
    originals_changed(type(original), field, {original.pk: text})


def originals_changed(model: type[Model], field: str, texts: dict[int, str]) -> None:
    """Call whenever ``field`` of rows of ``model`` gets new texts (``texts``: by id): engine translations of
    other versions are deleted, a person's no longer shown (and shown again if the text comes back to their
    version). At most four statements, whatever the number of rows."""
    if not texts:
        return
    versions = {pk: digest(text) for pk, text in texts.items()}
    stale = Q(pk__in=[])
    same = Q(pk__in=[])
    for pk, version in versions.items():
        stale |= Q(object_id=pk) & ~Q(source_digest=version)
        same |= Q(object_id=pk, source_digest=version)
    rows = Translation.objects.filter(of_model(model), object_id__in=list(versions), field=field)
    if not rows.exists():  # the usual case (a save of a text nobody translated): one query, not three
        return
    rows.filter(stale, kind=TranslationKind.MACHINE).delete()
    hidden = rows.filter(stale, kind=TranslationKind.HUMAN, is_current=True).update(is_current=False)
    shown = rows.filter(same, kind=TranslationKind.HUMAN, is_current=False).update(is_current=True)
    if hidden or shown:
        public_pages_changed()  # a public page may show a person's translation (a space's summary)


def forget(model: type[Model], ids: Iterable[int], *, field: str | None = None) -> None:
    """Delete every translation of the given rows (before they are deleted), or only of one of their fields."""
    rows = Translation.objects.filter(of_model(model), object_id__in=list(ids))
    if field is not None:
        rows = rows.filter(field=field)
    rows.delete()


def machine_available(*, source_language: str, language: str, private: bool) -> bool:
    """Whether an engine may translate such a text: without one, pages offer nothing."""
    return source_language != language and machine_translation.available(source_language, language, private=private)


def machine(*, original: Model, field: str, source_language: str, language: str, private: bool) -> Translation:
    """An engine's translation of the current text of ``field``: from the cache if made from this version,
    else made now and kept. Raises machine_translation's errors (NotAvailable, PrivateTextRefused, EngineFailed…).

    ``private``: the text is not public (pending, rejected, or never meant for the public); the engine layer
    then only uses an engine on the portal's own machines.
    """
    text = getattr(original, field)
    version = digest(text)
    rows = _rows(original, field).filter(language=language, kind=TranslationKind.MACHINE)
    cached = rows.filter(source_digest=version).first()
    if cached is not None:
        return cached
    result = machine_translation.translate(text, source=source_language, target=language, private=private)
    values = {
        "source_language": source_language,
        "source_digest": version,
        "text": result.text,
        "engine": result.engine,
        "is_current": True,
        "updated_at": timezone.now(),
    }
    try:
        with transaction.atomic():
            row, _created = Translation.objects.update_or_create(
                content_type=ContentType.objects.get_for_model(original),
                object_id=original.pk,
                field=field,
                language=language,
                kind=TranslationKind.MACHINE,
                defaults=values,
            )
    except IntegrityError:  # another request stored it first: theirs is as good
        row = rows.get()
    return row


# --- Content the staff write in six languages (modeltranslation), translated by volunteers where a language is missing


@dataclass(frozen=True)
class Translatable:
    """A translated content field (modeltranslation) that volunteers may translate where its text in a language is
    missing: the official text of a language, when the staff write it, always comes first.

    ``key`` names it in URLs; ``may_translate(user, obj)`` and ``may_read(user, obj)`` are the owning app's rules;
    ``back(obj)`` is where the translator returns to. The original is the English text (modeltranslation's
    fallback language).
    """

    key: str
    model: type[Model]
    field: str
    label: Callable[[], str]
    may_translate: Callable[[object, Model], bool]
    may_read: Callable[[object, Model], bool]
    back: Callable[[Model], str]
    # The original's language: English (modeltranslation's fallback), or the row's own (a rapporteur's report).
    source_language: str | Callable[[Model], str] = "en"

    def source(self, obj: Model) -> str:
        return self.source_language(obj) if callable(self.source_language) else self.source_language

    def source_field(self, obj: Model) -> str:
        return f"{self.field}_{self.source(obj).replace('-', '_')}"

    def original(self, obj: Model) -> str:
        return getattr(obj, self.source_field(obj)) or ""

    def missing(self, obj: Model) -> list[str]:
        """The languages without an official text, where a volunteer's translation is shown."""
        return [
            code
            for code, _name in settings.LANGUAGES
            if code != self.source(obj) and not getattr(obj, f"{self.field}_{code.replace('-', '_')}", "")
        ]


_TRANSLATABLE: dict[str, Translatable] = {}


def register_translatable(item: Translatable) -> None:
    """Called by each app's ``translating`` module (autodiscovered by portal.apps): its content volunteers translate."""
    _TRANSLATABLE[item.key] = item
    post_save.connect(_content_saved, sender=item.model, dispatch_uid=f"content-translation-{item.key}")


def translatable(key: str) -> Translatable | None:
    return _TRANSLATABLE.get(key)


def translatables_of(model: type[Model]) -> list[Translatable]:
    return [item for item in _TRANSLATABLE.values() if item.model is model]


def _content_saved(sender, instance, **kwargs) -> None:
    """The staff edited the original (or an official text): volunteers' translations follow its version."""
    for item in translatables_of(sender):
        original_changed(instance, item.field, item.original(instance))


def current_human_of_type(model: type[Model], language: str) -> dict[tuple[int, str], Translation]:
    """Every up-to-date translation by a person of ``model``'s content into ``language``, by (id, field): one
    query for a whole page, however many rows it shows (they are few: the staff's content, not posts)."""
    rows = Translation.objects.filter(
        of_model(model),
        language=language,
        kind=TranslationKind.HUMAN,
        is_current=True,
    ).only("object_id", "field", "text", "language")
    return {(row.object_id, row.field): row for row in rows}


def machine_sections(
    original: Model, fields: Iterable[tuple[str, str]], *, source_language: str, language: str, private: bool, render
) -> tuple[list[dict], bool]:
    """The sections of a machine translation page: for each (field, heading), the engine's translation (or that it
    failed) and the original, both rendered with ``render`` (text → safe HTML). Also whether any failed.

    Raises machine_translation.NotAvailable / PrivateTextRefused when no engine may take the text at all.
    """
    sections, failed = [], False
    for field, heading in fields:
        text = getattr(original, field) or ""
        if not text.strip():
            continue
        section = {"heading": heading, "original_html": render(text), "failed": False}
        try:
            row = machine(
                original=original, field=field, source_language=source_language, language=language, private=private
            )
        except (machine_translation.NotAvailable, machine_translation.PrivateTextRefused):
            raise
        except machine_translation.TranslationError:  # the engine failed or timed out: say so, show the original
            section["failed"] = failed = True
        else:
            section.update(engine=row.engine, translation_html=render(row.text))
        sections.append(section)
    return sections, failed
