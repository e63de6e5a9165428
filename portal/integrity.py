"""Separation of duties: nobody decides a case in which they are the subject, whatever roles they hold.

Every service that decides (verify an affiliation, moderate a post or an
appeal, accredit, select speakers, approve a talk, screen, recommend or decide
funding, reset a second factor) asks :func:`refusal` before it changes
anything. A decider may not decide their own case, nor the case of someone
from their own organisation: a committee member or the Chair is treated as
conflicted with an applicant of their organisation without having to declare
it (001: the allocation must be trusted by all stakeholders).

Organisations are compared by :func:`organisation_key`, which ignores letter
case, accents' composition, punctuation and spacing ("I.O.M." and "iom" are
one organisation); an empty organisation matches nobody. Every organisation a
person has ever named counts (portal.models.OrganisationHistory), so editing the
field before a decision hides nothing.
"""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext as _

from portal.models import OrganisationHistory


class Refused(Exception):
    """A decision the decider may not take. The message says why; nothing was changed."""


# Cyrillic and Greek letters drawn like Latin ones: "UNHCR" typed with a Cyrillic "Н" is the same name.
LOOKALIKES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
        "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w",
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "m", "ν": "v", "ο": "o", "ρ": "p",
        "τ": "t", "υ": "u", "χ": "x",
    }
)  # fmt: skip


def organisation_key(name: str | None) -> str:
    """The form under which two spellings of one organisation compare equal.

    Letter case, accents ("Médecins" and "Medecins"), compatibility forms (full-width letters), look-alike
    Cyrillic and Greek letters, punctuation and spacing are all ignored. Two different organisations could
    meet under one key; the rule then errs on the side of asking a colleague to decide.
    """
    text = unicodedata.normalize("NFKD", name or "").casefold()
    text = "".join(char for char in text if not unicodedata.combining(char)).translate(LOOKALIKES)
    text = "".join(char if char.isalnum() else " " for char in text)
    return "".join(text.split())


def organisations(user) -> dict[str, str]:
    """Every organisation ``user`` has named, as {key: name}; read once and kept on the user object."""

    if user is None or getattr(user, "pk", None) is None:
        return {}
    cached = getattr(user, "_portal_organisations", None)
    if cached is None:
        cached = dict(OrganisationHistory.objects.filter(user=user).values_list("key", "name"))
        user._portal_organisations = cached
    return cached


def conflicted(decider, subject_ids) -> set[int]:
    """Of the people ``subject_ids``, those ``decider`` may not decide about: themselves, or someone who has
    named one of the organisations the decider has named. Two queries at most, whatever the number."""

    ids = {pk for pk in subject_ids if pk is not None}
    found = {decider.pk} & ids
    # Read afresh, not from the decider's cached organisations: the same queries on every call.
    keys = list(OrganisationHistory.objects.filter(user=decider).values_list("key", flat=True))
    if keys and ids - found:
        found |= set(
            OrganisationHistory.objects.filter(user_id__in=ids - found, key__in=keys).values_list("user_id", flat=True)
        )
    return found


def refusal(*, decider, subject) -> str | None:
    """Why ``decider`` may not take a decision whose subject is the person ``subject``; None if they may.

    The organisations compared are all those either has ever named on their profile, so changing or
    blanking the field before a decision changes nothing.
    """
    if decider is None or subject is None:
        return None
    if decider.pk == subject.pk:
        return _("You cannot take this decision: it is about you. Another colleague must take it.")
    shared = organisations(decider).keys() & organisations(subject).keys()
    if shared:
        names = organisations(subject)
        current = organisation_key(getattr(getattr(subject, "profile", None), "organisation", ""))
        name = names[current] if current in shared else names[sorted(shared)[0]]
        return _(
            "You cannot take this decision: it is about someone from your organisation (%(organisation)s). "
            "Another colleague must take it."
        ) % {"organisation": name}
    return None


def check(*, decider, subject, error: type[Exception] = Refused) -> None:
    """Raise ``error`` with the reason when ``decider`` may not decide a case about ``subject``."""
    reason = refusal(decider=decider, subject=subject)
    if reason:
        raise error(reason)
