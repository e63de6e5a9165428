"""The consultations' reminders: deadlines for those who follow a consultation, the consultation itself for
those registered, and the deadline of a call for written inputs for those taking part in its review. Found and
registered when the apps load (reminders.registry).
"""

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultations.enums import HOLDS_PLACE, ConsultationStatus, RegistrationStatus
from consultations.models import Consultation, ExpressionOfInterest, InputCall, Registration, WrittenInput
from portal.permissions import CAPABILITIES, can
from reminders.registry import Due, Message, Rule, active_ids, register, split_target, window

User = get_user_model()

# Who gets each kind, in words: anyone signed in may follow a consultation; stakeholders, UN system and Member
# State representatives register for one.
FOLLOWERS = gettext_lazy("People who follow the consultation and have not registered")
POSSIBLE_SPEAKERS = gettext_lazy("People who follow the consultation or hold a place, until they offer to speak")
REGISTERED = gettext_lazy("People registered for the consultation")
# Followers are told three days before a deadline.
DEADLINE_NOTICE = timedelta(days=3)

# The kinds, as written on every reminder and preference: never renamed.
_REGISTRATION = "registration_deadline"
_INTEREST = "interest_deadline"
_WEEK = "consultation_week"
_DAY = "consultation_day"


def _region_of(target: str) -> str | None:
    return Consultation.objects.filter(pk=split_target(target)[1]).values_list("event__region__code", flat=True).first()


def _consultation_day(consultation) -> date | None:
    if consultation.starts_at:
        return timezone.localtime(consultation.starts_at, ZoneInfo(consultation.time_zone)).date()
    return consultation.event.start_earliest


def _deadline_find(field: str, audience: Callable) -> Callable:
    def find(today: date) -> Iterator[Due]:
        start, end = window(today)
        lookup = {f"{field}__date__gte": start + DEADLINE_NOTICE, f"{field}__date__lte": end + DEADLINE_NOTICE}
        for consultation in Consultation.objects.filter(status=ConsultationStatus.OPEN, **lookup):
            due_on = getattr(consultation, field).date() - DEADLINE_NOTICE
            for person in audience(consultation):
                yield Due(person, f"consultation:{consultation.pk}", due_on)

    return find


def _not_registered_followers(consultation) -> list[int]:
    registered = Registration.objects.filter(consultation=consultation).exclude(status=RegistrationStatus.CANCELLED)
    return active_ids(
        User.objects.filter(consultation_follows__consultation=consultation).exclude(
            pk__in=registered.values("user_id")
        )
    )


def _possible_speakers(consultation) -> list[int]:
    offered = ExpressionOfInterest.objects.filter(consultation=consultation).values("user_id")
    return active_ids(
        User.objects.filter(
            Q(consultation_follows__consultation=consultation)
            | Q(registrations__consultation=consultation, registrations__status__in=HOLDS_PLACE)
        )
        .exclude(pk__in=offered)
        .distinct()
    )


def _consultation_message(target: str, kind: str) -> Message | None:
    consultation = Consultation.objects.select_related("event").filter(pk=split_target(target)[1]).first()
    if consultation is None or consultation.status != ConsultationStatus.OPEN:
        return None
    zone = ZoneInfo(consultation.time_zone)
    url = consultation.get_absolute_url()
    if kind == _REGISTRATION:
        if consultation.registration_deadline <= timezone.now():
            return None
        return Message(
            _("Register for “%(title)s”") % {"title": consultation.title},
            _("Registration closes soon."),
            url,
            f"{date_format(timezone.localtime(consultation.registration_deadline, zone), 'DATETIME_FORMAT')} "
            f"({consultation.time_zone})",
        )
    if kind == _INTEREST:
        if not consultation.interest_deadline or consultation.interest_deadline <= timezone.now():
            return None
        return Message(
            _("Offer to speak at “%(title)s”") % {"title": consultation.title},
            _("The deadline to offer to speak is near: panels, open floor, moderation or rapporteur."),
            url,
            f"{date_format(timezone.localtime(consultation.interest_deadline, zone), 'DATETIME_FORMAT')} "
            f"({consultation.time_zone})",
        )
    where = consultation.join_link or consultation.venue
    body = _("Your consultation is in a week.") if kind == _WEEK else _("Your consultation is tomorrow.")
    if where:
        body = _("%(reminder)s Join or venue: %(where)s") % {"reminder": body, "where": where}
    day = _consultation_day(consultation)
    when = (
        f"{date_format(timezone.localtime(consultation.starts_at, zone), 'DATETIME_FORMAT')} ({consultation.time_zone})"
        if consultation.starts_at
        else consultation.event.start.display()
    )
    return (
        Message(
            _("“%(title)s” is coming") % {"title": consultation.title},
            body,
            url,
            when,
            not_final=consultation.starts_at is None and not consultation.event.is_exact,
        )
        if day
        else None
    )


def _attendance_find(days_before: int) -> Callable:
    def find(today: date) -> Iterator[Due]:
        start, end = window(today)
        soon = Consultation.objects.filter(
            status__in=[ConsultationStatus.OPEN, ConsultationStatus.CLOSED]
        ).select_related("event")
        soon = soon.filter(
            Q(starts_at__date__gte=start, starts_at__date__lte=end + timedelta(days=days_before + 1))
            | Q(
                starts_at__isnull=True,
                event__start_earliest__gte=start,
                event__start_earliest__lte=end + timedelta(days=days_before),
            )
        )
        for consultation in soon:
            day = _consultation_day(consultation)
            due_on = day - timedelta(days=days_before)
            if not start <= due_on <= end:
                continue
            people = Registration.objects.filter(
                consultation=consultation, status=RegistrationStatus.REGISTERED, user__is_active=True
            ).values_list("user_id", flat=True)
            for person in people.order_by("user_id"):
                yield Due(person, f"consultation:{consultation.pk}", due_on)

    return find


def _may_be_registered(user) -> bool:
    """Who may hold a registration: those whose role lets them register, and anyone still registered."""
    return (
        can(user, "consultations.register")
        or Registration.objects.filter(user=user, status=RegistrationStatus.REGISTERED).exists()
    )


def _rule(kind: str, label: Promise, find: Callable, audience: Promise, for_user: Callable[[Any], bool] | None) -> Rule:
    return Rule(
        kind=kind,
        label=label,
        audience=audience,
        find=find,
        message=lambda target: _consultation_message(target, kind),
        region_of=_region_of,
        for_user=for_user,
    )


# Anyone signed in may follow a consultation: the deadlines are for everyone (no for_user).
REGISTRATION_DEADLINE = register(
    _rule(
        _REGISTRATION,
        gettext_lazy("Registration deadline of a consultation you follow"),
        _deadline_find("registration_deadline", _not_registered_followers),
        FOLLOWERS,
        None,
    )
)
INTEREST_DEADLINE = register(
    _rule(
        _INTEREST,
        gettext_lazy("Deadline to offer to speak at a consultation you follow"),
        _deadline_find("interest_deadline", _possible_speakers),
        POSSIBLE_SPEAKERS,
        None,
    )
)
CONSULTATION_WEEK = register(
    _rule(_WEEK, gettext_lazy("Your consultation in 7 days"), _attendance_find(7), REGISTERED, _may_be_registered)
)
CONSULTATION_DAY = register(
    _rule(_DAY, gettext_lazy("Your consultation tomorrow"), _attendance_find(1), REGISTERED, _may_be_registered)
)


# --- Calls for written inputs (004) ------------------------------------------------------------------------

_INPUT_CALL = "input_call_deadline"
INPUT_SENDERS = gettext_lazy(
    "Stakeholders and Member State representatives registered for a meeting of the review, until they send an input"
)


def _input_senders(call: InputCall) -> list[int]:
    """Who is reminded of a call: those holding a place at a consultation of its region and cycle who may send an
    input and have not (the call's natural audience; nobody is written to only because they have an account)."""
    sent = WrittenInput.objects.filter(call=call).values("author_id")
    people = User.objects.filter(
        registrations__consultation__event__region_id=call.region_id,
        registrations__consultation__event__cycle_id=call.cycle_id,
        registrations__status__in=HOLDS_PLACE,
        groups__name__in=CAPABILITIES["consultations.send_input"],
    ).exclude(pk__in=sent)
    return active_ids(people.distinct())


def _input_call_find(today: date) -> Iterator[Due]:
    start, end = window(today)
    calls = InputCall.objects.filter(
        published=True, deadline__date__gte=start + DEADLINE_NOTICE, deadline__date__lte=end + DEADLINE_NOTICE
    )
    for call in calls:
        due_on = call.deadline.date() - DEADLINE_NOTICE
        for person in _input_senders(call):
            yield Due(person, f"inputcall:{call.pk}", due_on)


def _input_call_message(target: str) -> Message | None:
    call = InputCall.objects.filter(pk=split_target(target)[1], published=True).first()
    if call is None or not call.is_open():
        return None
    return Message(
        _("Send a written input to “%(title)s”") % {"title": call.title},
        _("The call for written inputs closes soon; inputs are listed on the region's page once screened."),
        call.get_absolute_url(),
        f"{date_format(timezone.localtime(call.deadline, ZoneInfo(call.time_zone)), 'DATETIME_FORMAT')} "
        f"({call.time_zone})",
    )


def _input_still_needed(recipient_id: int, target: str) -> bool:
    return not WrittenInput.objects.filter(call_id=split_target(target)[1], author_id=recipient_id).exists()


INPUT_CALL_DEADLINE = register(
    Rule(
        kind=_INPUT_CALL,
        label=gettext_lazy("Deadline of a call for written inputs to a review you take part in"),
        audience=INPUT_SENDERS,
        find=_input_call_find,
        message=_input_call_message,
        still_needed_by=_input_still_needed,
        region_of=lambda target: (
            InputCall.objects.filter(pk=split_target(target)[1]).values_list("region__code", flat=True).first()
        ),
        for_user=lambda user: can(user, "consultations.send_input"),
    )
)
