"""The reminder engine's public API: what a rule is, and the registry each domain app adds its rules to.

The engine (scan, claim, send, preferences, unsubscribe, the log) knows no domain app. Each app declares its
own kinds of reminder in its own ``reminders`` module, imported when the apps load
(:meth:`reminders.apps.RemindersConfig.ready`, as the admin finds ``admin`` modules)::

    FUNDING_DRAFT = register(Rule(kind="funding_draft", label=_("..."), audience=_("Stakeholders"), ...))

so adding a reminder touches that app only. A rule reads the current data and yields the reminders due on a
given day, so a date changed in the calendar moves its reminders with nothing to reschedule (001, 002). At send
time it says whether the reminder is still needed, and what the e-mail says. A date known only to the week or
month counts from its earliest possible day, and the e-mail says that date is not final.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.functional import Promise

# A scan that runs late still sends what fell due in the last days; older reminders are not sent after the fact.
LOOKBACK = timedelta(days=2)
# The length of Reminder.kind and Preference.kind.
KIND_MAX_LENGTH = 40


@dataclass(frozen=True)
class Due:
    """A reminder a rule finds due: to whom, about what (``type:id``), on which day."""

    recipient_id: int
    target: str
    due_on: date


@dataclass
class Message:
    """What the e-mail says; ``when`` is the date it is about, ``not_final`` when that date may still move.

    A meeting with real times gives ``starts_at`` (and ``ends_at``) with its ``time_zone``: the e-mail then
    states them in that zone and in the recipient's, when they chose one."""

    subject: str
    body: str
    url: str
    when: str = ""
    not_final: bool = False
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    time_zone: str = "UTC"


@dataclass(frozen=True)
class Rule:
    """One kind of reminder.

    ``kind`` is written on every reminder and preference: once in use, it never changes. ``label`` names the
    kind on the preferences page, in the e-mail, on the unsubscribe page and in the log: a translatable string,
    or a function returning one when it names the value of a live setting. ``audience`` says who gets it, in
    words; ``for_user(user)`` says it for one person: True when ``find`` may name them (their role, a space they
    moderate...), so the preferences page offers them only the kinds they can receive. Without it, anyone
    signed in may receive the kind (a consultation anyone may follow). It may be wider than ``find``, never
    narrower: a person must always be able to turn off what they get.

    ``find(today)`` yields the reminders due; ``message(target)`` builds the e-mail at send time, or returns
    None when the reminder is no longer needed. ``still_needed_by(recipient_id, target)``, when given, checks at
    send time what depends on the person. ``region_of(target)``, when given, names the region (its code) the
    target belongs to; without it, the target belongs to every region.
    """

    kind: str
    label: str | Promise | Callable[[], str]
    audience: str | Promise
    find: Callable[[date], Iterable[Due]]
    message: Callable[[str], Message | None]
    still_needed_by: Callable[[int, str], bool] | None = None
    region_of: Callable[[str], str | None] | None = None
    for_user: Callable[[Any], bool] | None = None

    def title(self) -> str:
        """The label in the active language, with the live settings it names as they are now."""
        return str(self.label()) if callable(self.label) else str(self.label)

    def receivable_by(self, user) -> bool:
        """True when ``user`` (an active account) can receive this kind of reminder."""
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        return True if self.for_user is None else bool(self.for_user(user))


_rules: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    """Add ``rule`` to the reminders the scan runs; returns it, so a module can keep it under a name."""
    if not rule.kind or len(rule.kind) > KIND_MAX_LENGTH:
        raise ImproperlyConfigured(f"A reminder kind has 1 to {KIND_MAX_LENGTH} characters: {rule.kind!r}.")
    known = _rules.get(rule.kind)
    if known is not None and known is not rule:
        raise ImproperlyConfigured(f"Two reminder rules have the kind {rule.kind!r}: each kind is one rule.")
    _rules[rule.kind] = rule
    return rule


def rules() -> dict[str, Rule]:
    """Every registered rule by kind, in the order the apps registered them."""
    return dict(_rules)


def rule(kind: str) -> Rule | None:
    return _rules.get(kind)


def label(kind: str) -> str:
    """The label of ``kind``; a kind no rule declares any more (an old row in the log) shows as its code."""
    found = _rules.get(kind)
    return found.title() if found else kind


def rules_for(user) -> dict[str, Rule]:
    """The rules whose reminders ``user`` can receive, in the order the apps registered them."""
    return {kind: found for kind, found in _rules.items() if found.receivable_by(user)}


def labels() -> dict[str, str]:
    """Every kind's label, each read once: for pages that show many (the log, the preferences)."""
    return {kind: found.title() for kind, found in _rules.items()}


# --- Helpers for the rules --------------------------------------------------------------------------------


def window(today: date) -> tuple[date, date]:
    """The days a scan on ``today`` sends reminders for: today and the ``LOOKBACK`` days before."""
    return today - LOOKBACK, today


def today_of(now: datetime) -> date:
    return timezone.localdate(now)


def active_ids(users) -> list[int]:
    """The ids of the active accounts among ``users`` (a queryset of the user model)."""
    return list(users.filter(is_active=True).values_list("pk", flat=True))


def split_target(target: str) -> tuple[str, int]:
    """``"event:12"`` → ``("event", 12)``."""
    name, _sep, pk = target.partition(":")
    return name, int(pk)
