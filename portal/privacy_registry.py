"""The registry of personal data: each app's part in a person's copy and in the erasure of their account.

Every app that keeps rows about a person says so in its own ``privacy`` module (found when the portal app
loads, as the admin finds ``admin`` modules) with a :class:`PersonalData` subclass, registered with
:func:`register`. A part declares, for every model it answers for, whether its rows go in the person's copy (or
why not) and what erasure does to them; it then builds its share of the copy and does its share of the
erasure. :mod:`portal.privacy` runs the parts and knows none of them.

A row can point at several people: a registration at the person registered and at the member of staff who
decided it, an appeal at the moderators who decided the post and the appeal. Only one of them is the person
whose row it is, and a part says which, by the lookup from the row to that person (``owner``: ``"user"``,
``"post__author"``, ``"application__applicant"``); a model with one foreign key to a person needs no word,
that key is its owner. Every other link names someone who acted on the row (decided, verified, moderated,
screened): that person's copy does not hold the row as theirs, and erasing their account leaves the row and
the history about it alone, the link pointing at their emptied account (see :mod:`portal.privacy`). What a
person did that concerns nobody else (a date they changed on the calendar, a list they exported) and the roles
they hold (the spaces they moderate) are ``listed`` in their copy without being theirs.

:func:`undeclared` names every model linked to the user model that no part answers for, and
:func:`without_owner` every model whose owner is not told (several links to people and no ``owner``): the
registry's test fails on either, so a new model holding personal data cannot be forgotten by the copy nor by
the erasure, and a decider is never taken for the person decided about. The declarations are written for the
people who maintain the portal (the test and reviewers read them); they are never shown to users, so they are
plain strings, not translated.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
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

    ``owner`` says, by model, which link makes a row a person's own: the lookup from the row to the person
    (``"user"``, ``"post__author"``), or None when no row of the model is anybody's own. Without it, a model's
    only foreign key (or one-to-one link) to a person is its owner; a model with several links to people, or
    only a many-to-many one, must say. ``listed`` names, by copied model whose rows are nobody's own, the link
    to the person whose copy lists them all the same: what they did that concerns nobody else, or a role.
    """

    copied: tuple[str, ...] = ()
    not_copied: dict[str, str] = {}
    erasure: dict[str, str] = {}
    owner: dict[str, str | None] = {}
    listed: dict[str, str] = {}
    order: int = 50

    def owned(self, user: User) -> dict[str, models.QuerySet]:
        """The person's own rows, by model: what their copy holds as theirs, and what the administration's
        history about them is erased for. By default the rows of each copied model whose owner is the person."""
        found = {}
        for label in self.copied:
            lookup = owner_lookup(self, label)
            if lookup is not None:
                found[label] = rows_of(apps.get_model(label), lookup, user)
        return found

    def listed_rows(self, user: User) -> dict[str, models.QuerySet]:
        """The rows the person's copy lists though they are not theirs (``listed``), by model."""
        return {label: rows_of(apps.get_model(label), lookup, user) for label, lookup in self.listed.items()}

    def copy(self, user: User) -> dict[str, list[dict] | dict | list]:
        """This part's share of the copy, by model label; models with no row are left out."""
        data = {}
        for label, queryset in {**self.owned(user), **self.listed_rows(user)}.items():
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


def default_owner(model: type[models.Model]) -> str | None:
    """The lookup to the person whose own a row of ``model`` is when its part says nothing: the user model's
    rows are the person themselves, a model's only foreign key or one-to-one link to a person names them.
    None when that cannot be told (several links, only a many-to-many one, or none)."""
    if is_user_model(model):
        return "pk"
    links = links_to_person(model)
    if len(links) == 1 and not links[0].many_to_many:
        return links[0].name
    return None


def owner_lookup(part: PersonalData | type[PersonalData], label: str) -> str | None:
    """The lookup from a row of ``label`` to the person whose own it is, as ``part`` declares it or by default;
    None when no row of it is anybody's own."""
    if label in part.owner:
        return part.owner[label]
    lookup = default_owner(apps.get_model(label))
    if lookup is None:
        name = part.__name__ if isinstance(part, type) else type(part).__name__
        raise ImproperlyConfigured(f"{name} must say which link makes a row of {label} a person's own (owner).")
    return lookup


def leads_to_a_person(model: type[models.Model], lookup: str) -> bool:
    """Whether ``lookup`` (``"user"``, ``"post__author"``) follows relations from ``model`` to the user model."""
    if lookup == "pk":
        return is_user_model(model)
    for name in lookup.split("__"):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        if not field.is_relation or field.related_model is None:
            return False
        model = field.related_model
    return is_user_model(model)


def rows_of(model: type[models.Model], lookup: str, user: User) -> models.QuerySet:
    """The rows of ``model`` that ``lookup`` leads from to ``user``."""
    return model._default_manager.filter(**{lookup: user.pk})


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


def without_owner(candidates: Iterable[type[models.Model]] | None = None) -> list[str]:
    """The declared models whose owner is not told: a model linked to a person, or copied, whose part neither
    declares an ``owner`` nor can rely on the default (several links to people, only a many-to-many one, or a
    copied model with none); or whose ``owner`` or ``listed`` lookup leads to no person, or lists rows that are
    someone's own, or that the copy does not hold."""
    candidates = apps.get_models() if candidates is None else candidates
    by_label = {model._meta.concrete_model._meta.label_lower: model._meta.concrete_model for model in candidates}
    linked = set(models_linked_to_a_person(by_label.values()))
    missing = []
    for label, model in sorted(by_label.items()):
        part = next((p for p in _parts if label in set(p.copied) | set(p.not_copied) | set(p.erasure)), None)
        if part is None:
            continue  # undeclared() names it
        if label in part.owner:
            told = part.owner[label] is None or leads_to_a_person(model, part.owner[label])
        else:
            told = default_owner(model) is not None or (label not in linked and label not in part.copied)
        if label in part.listed:
            told = told and (
                label in part.copied
                and part.owner.get(label, default_owner(model)) is None
                and leads_to_a_person(model, part.listed[label])
            )
        if not told:
            missing.append(label)
    return missing
