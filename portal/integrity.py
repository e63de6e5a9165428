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
one organisation); an empty organisation matches nobody.
"""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext as _


class Refused(Exception):
    """A decision the decider may not take. The message says why; nothing was changed."""


def organisation_key(name: str | None) -> str:
    """The form under which two spellings of one organisation compare equal."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = "".join(char if char.isalnum() else " " for char in text)
    return "".join(text.split())


def _organisation(user) -> str:
    profile = getattr(user, "profile", None)
    return getattr(profile, "organisation", "") or ""


def refusal(*, decider, subject) -> str | None:
    """Why ``decider`` may not take a decision whose subject is the person ``subject``; None if they may."""
    if decider is None or subject is None:
        return None
    if decider.pk == subject.pk:
        return _("You cannot take this decision: it is about you. Another colleague must take it.")
    key = organisation_key(_organisation(decider))
    if key and key == organisation_key(_organisation(subject)):
        return _(
            "You cannot take this decision: it is about someone from your organisation (%(organisation)s). "
            "Another colleague must take it."
        ) % {"organisation": _organisation(subject)}
    return None


def check(*, decider, subject, error: type[Exception] = Refused) -> None:
    """Raise ``error`` with the reason when ``decider`` may not decide a case about ``subject``."""
    reason = refusal(decider=decider, subject=subject)
    if reason:
        raise error(reason)
