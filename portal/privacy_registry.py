"""The registry of personal data: each app's part in a person's copy and in the erasure of their account.

Every app that keeps rows about a person says so in its own ``privacy`` module (found when the portal app
loads, as the admin finds ``admin`` modules) with a :class:`PersonalData` subclass, registered with
:func:`register`. A part declares, for every model it answers for, whether its rows go in the person's copy (or
why not) and what erasure does to them; it then builds its share of the copy and does its share of the
erasure. :mod:`portal.privacy` runs the parts and knows none of them.

:func:`undeclared` names every model linked to the user model that no part answers for: the registry's test
fails on it, so a new model holding personal data cannot be forgotten by the copy nor by the erasure. The
declarations are written for the people who maintain the portal (the test and reviewers read them); they are
never shown to users, so they are plain strings, not translated.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db import models

from portal.models import User

# Fields never copied, whatever the model: secrets.
SECRET_FIELDS = frozenset({"password"})


class PersonalData:
    """One app's part in a person's data, instantiated afresh for each copy or erasure.

    ``copied`` names the models (as ``app_label.modelname``) whose rows about the person go in the copy;
    ``not_copied`` the models left out of it, each with the reason; ``erasure`` every model the part answers
    for, each with what erasing an account does to its rows (deleted, emptied, or kept, and why). ``order``
    says when :meth:`erase` runs: lower first, parts of the same order in the order they were registered.
    """

    copied: tuple[str, ...] = ()
    not_copied: dict[str, str] = {}
    erasure: dict[str, str] = {}
    order: int = 50

    def owned(self, user: User) -> dict[str, models.QuerySet]:
        """The person's own rows, by model: what their copy holds, and what the administration's history about
        them is erased for. By default the rows of each copied model that point at the person."""
        return {label: linked_rows(apps.get_model(label), user) for label in self.copied}

    def copy(self, user: User) -> dict[str, list[dict] | dict | list]:
        """This part's share of the copy, by model label; models with no row are left out."""
        data = {}
        for label, queryset in self.owned(user).items():
            found = rows(queryset)
            if found:
                data[label] = found
        return data

    def erase(self, user: User) -> None:
        """Erase or empty this part's rows about ``user``, inside the erasure's transaction (``user`` is locked).

        Work that must wait for the commit (files on disk, other stores) goes through ``transaction.on_commit``.
        """
        raise NotImplementedError


_parts: list[type[PersonalData]] = []


def register(part: type[PersonalData]) -> type[PersonalData]:
    """Add ``part`` to the registry (usable as a class decorator). A model is answered for by one part only."""
    if part in _parts:
        return part
    declared = set(part.copied) | set(part.not_copied) | set(part.erasure)
    for other in _parts:
        shared = declared & (set(other.copied) | set(other.not_copied) | set(other.erasure))
        if shared:
            raise ValueError(f"{part.__name__} and {other.__name__} both declare {', '.join(sorted(shared))}")
    _parts.append(part)
    return part


def unregister(part: type[PersonalData]) -> None:
    _parts.remove(part)


def registered() -> list[type[PersonalData]]:
    """The registered parts, in registration order (the order of the copy)."""
    return list(_parts)


def parts_in_order() -> list[PersonalData]:
    """Fresh instances of the registered parts, in the order erasure runs them."""
    return [part() for part in sorted(_parts, key=lambda part: part.order)]


# --- Reading rows ----------------------------------------------------------------------------------------


def is_user_model(model) -> bool:
    return model is User


def links_to_person(model: type[models.Model]) -> list[models.Field]:
    """The fields of ``model`` that point at a person: foreign keys, one-to-one and many-to-many links."""
    return [
        field
        for field in model._meta.get_fields()
        if field.is_relation
        and not field.auto_created
        and (field.many_to_one or field.one_to_one or field.many_to_many)
        and is_user_model(field.related_model)
    ]


def linked_rows(model: type[models.Model], user: User) -> models.QuerySet:
    """The rows of ``model`` that point at ``user`` through any of their foreign keys or one-to-one links."""
    condition = models.Q(pk__in=[])
    for field in links_to_person(model):
        if not field.many_to_many:
            condition |= models.Q(**{field.name: user})
    return model._default_manager.filter(condition)


def _field_value(instance, field):
    if field.is_relation:
        if is_user_model(field.related_model):
            return None  # another person, or the person themselves: named once, at the top of the copy
        return getattr(instance, field.attname)
    value = field.value_from_object(instance)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    if hasattr(value, "code") and hasattr(value, "name"):  # django-countries
        return value.code or None
    return value


def rows(queryset: models.QuerySet, *, leave_out: Iterable[str] = ()) -> list[dict]:
    """The rows of ``queryset`` as JSON-ready dicts of their own fields, by primary key.

    Links to people are emptied (the copy names nobody, the person included), secrets and the fields in
    ``leave_out`` (derived copies, keys) are left out.
    """
    model = queryset.model
    hidden = SECRET_FIELDS | set(leave_out)
    fields = [f for f in model._meta.concrete_fields if f.name not in hidden and not (f.primary_key and f.name != "id")]
    return [{f.name: _field_value(row, f) for f in fields} for row in queryset.order_by("pk")]


# --- What the registry's test checks ---------------------------------------------------------------------


def models_linked_to_a_person(candidates: Iterable[type[models.Model]] | None = None) -> list[str]:
    """Labels of the models holding a link to a person (proxies count as their concrete model), and the user
    model itself."""
    candidates = apps.get_models() if candidates is None else candidates
    labels = {User._meta.label_lower}
    for model in candidates:
        if links_to_person(model):
            labels.add(model._meta.concrete_model._meta.label_lower)
    return sorted(labels)


def undeclared(candidates: Iterable[type[models.Model]] | None = None) -> dict[str, list[str]]:
    """The models linked to a person that no registered part declares, for the copy and for the erasure."""
    for_copy, for_erasure = set(), set()
    for part in _parts:
        for_copy |= set(part.copied) | set(part.not_copied)
        for_erasure |= set(part.erasure)
    linked = models_linked_to_a_person(candidates)
    return {
        "copy": [label for label in linked if label not in for_copy],
        "erasure": [label for label in linked if label not in for_erasure],
    }
