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
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultations import feedback
from consultations.enums import (
    HOLDS_PLACE,
    BriefingStatus,
    ConsultationStatus,
    DocumentKind,
    LetterStatus,
    RegistrationStatus,
)
from consultations.models import (
    BriefingRequest,
    Consultation,
    ExpressionOfInterest,
    FeedbackGiven,
    InputCall,
    InvitationLetter,
    Registration,
    SummaryDocument,
    WrittenInput,
)
from portal import integrity
from portal.permissions import CAPABILITIES, can, holder_ids
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
    if consultation.starts_at and consultation.starts_at <= timezone.now():
        return None  # the meeting has begun (or was moved earlier): "in a week" or "tomorrow" is no longer true
    if not consultation.starts_at and consultation.event.start_latest < timezone.localdate():
        return None
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
            starts_at=consultation.starts_at,
            ends_at=consultation.ends_at,
            time_zone=consultation.time_zone,
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


# --- Materials before a meeting, the feedback form after it (000) -------------------------------------------

_MATERIALS_DUE = "materials_due"
_MATERIALS_PUBLISHED = "materials_published"
_FEEDBACK = "meeting_feedback"
ORGANISERS = gettext_lazy("Those who run the meeting: the secretariat and the region's focal points")
HELD_PLACE = gettext_lazy("People who had a place at the meeting, until they answer")
# 000 asks for materials "well in advance": the organisers are told a week before the day they set.
MATERIALS_NOTICE = timedelta(days=7)


def _has_materials(consultation_id: int) -> bool:
    return SummaryDocument.objects.filter(consultation_id=consultation_id, kind=DocumentKind.MATERIAL).exists()


def _materials_due_find(today: date) -> Iterator[Due]:
    start, end = window(today)
    due = (
        Consultation.objects.exclude(status=ConsultationStatus.DRAFT)
        .filter(
            materials_due__date__gte=start + MATERIALS_NOTICE,
            materials_due__date__lte=end + MATERIALS_NOTICE,
        )
        .exclude(documents__kind=DocumentKind.MATERIAL)
        .select_related("event")
    )
    for consultation in due:
        due_on = consultation.materials_due.date() - MATERIALS_NOTICE
        for person in holder_ids("consultations.manage", consultation.event.region_id):
            yield Due(person, f"consultation:{consultation.pk}", due_on)


def _materials_due_message(target: str) -> Message | None:
    consultation = Consultation.objects.filter(pk=split_target(target)[1]).first()
    if consultation is None or consultation.materials_due is None or _has_materials(consultation.pk):
        return None
    return Message(
        _("Publish the materials of “%(title)s”") % {"title": consultation.title},
        _(
            "The meeting's materials are due soon and none is published yet: add them on the consultation's page in "
            "the administration. Registered people are told when they appear."
        ),
        consultation.get_absolute_url(),
        date_format(timezone.localtime(consultation.materials_due, ZoneInfo(consultation.time_zone)), "DATE_FORMAT"),
    )


def _materials_published_find(today: date) -> Iterator[Due]:
    start, end = window(today)
    added = (
        SummaryDocument.objects.filter(kind=DocumentKind.MATERIAL, added_at__date__gte=start, added_at__date__lte=end)
        .exclude(consultation__status=ConsultationStatus.DRAFT)
        .values_list("consultation_id", "added_at")
        .order_by("consultation_id", "added_at")
    )
    first_added: dict[int, date] = {}
    for consultation_id, added_at in added:
        first_added.setdefault(consultation_id, timezone.localdate(added_at))
    for consultation_id, day in first_added.items():
        people = Registration.objects.filter(
            consultation_id=consultation_id, status__in=HOLDS_PLACE, user__is_active=True
        ).values_list("user_id", flat=True)
        for person in people.order_by("user_id"):
            yield Due(person, f"consultation:{consultation_id}", day)


def _materials_published_message(target: str) -> Message | None:
    consultation = Consultation.objects.filter(pk=split_target(target)[1]).first()
    if consultation is None or not _has_materials(consultation.pk):
        return None
    if consultation.starts_at and consultation.starts_at <= timezone.now():
        return None  # the meeting has begun: the notice is no longer news
    return Message(
        _("Materials for “%(title)s” are published") % {"title": consultation.title},
        _("The materials of a meeting you registered for are on its page."),
        consultation.get_absolute_url(),
        starts_at=consultation.starts_at,
        ends_at=consultation.ends_at,
        time_zone=consultation.time_zone,
    )


def _feedback_find(today: date) -> Iterator[Due]:
    start, end = window(today)
    # A meeting ended on one of the window's days: by its end time, or (without times) its last calendar day.
    ended = (
        Consultation.objects.exclude(status=ConsultationStatus.DRAFT)
        .filter(
            Q(ends_at__date__gte=start, ends_at__date__lte=end)
            | Q(ends_at__isnull=True, starts_at__date__gte=start, starts_at__date__lte=end)
            | Q(
                starts_at__isnull=True,
                event__start_latest__gte=start - timedelta(days=1),
                event__start_latest__lte=end,
            )
        )
        .select_related("event")
    )
    for consultation in ended:
        opens = feedback.meeting_end(consultation)
        due_on = timezone.localdate(opens)
        if not start <= due_on <= end or opens > timezone.now():
            continue
        given = FeedbackGiven.objects.filter(consultation=consultation).values("user_id")
        people = (
            Registration.objects.filter(
                consultation=consultation, status=RegistrationStatus.REGISTERED, user__is_active=True
            )
            .exclude(user_id__in=given)
            .values_list("user_id", flat=True)
        )
        for person in people.order_by("user_id"):
            yield Due(person, f"consultation:{consultation.pk}", due_on)


def _feedback_message(target: str) -> Message | None:
    consultation = Consultation.objects.select_related("event").filter(pk=split_target(target)[1]).first()
    if consultation is None or not feedback.is_open(consultation):
        return None
    return Message(
        _("How was “%(title)s”?") % {"title": consultation.title},
        _("A few questions on how the meeting was organised: it takes two minutes and your answer is anonymous."),
        reverse("consultations:feedback", kwargs={"pk": consultation.pk}),
    )


def _feedback_still_needed(recipient_id: int, target: str) -> bool:
    return not FeedbackGiven.objects.filter(consultation_id=split_target(target)[1], user_id=recipient_id).exists()


MATERIALS_DUE = register(
    Rule(
        kind=_MATERIALS_DUE,
        label=gettext_lazy("Materials of a meeting you run are due"),
        audience=ORGANISERS,
        find=_materials_due_find,
        message=_materials_due_message,
        region_of=_region_of,
        for_user=lambda user: can(user, "consultations.manage"),
    )
)
MATERIALS_PUBLISHED = register(
    Rule(
        kind=_MATERIALS_PUBLISHED,
        label=gettext_lazy("Materials published for a meeting you registered for"),
        audience=REGISTERED,
        find=_materials_published_find,
        message=_materials_published_message,
        region_of=_region_of,
        for_user=_may_be_registered,
    )
)
MEETING_FEEDBACK = register(
    Rule(
        kind=_FEEDBACK,
        label=gettext_lazy("Feedback form after a meeting you attended"),
        audience=HELD_PLACE,
        find=_feedback_find,
        message=_feedback_message,
        still_needed_by=_feedback_still_needed,
        region_of=_region_of,
        for_user=_may_be_registered,
    )
)


# --- Requests for a briefing or consultation (000) ---------------------------------------------------------

_BRIEFING_WAITING = "briefing_request_waiting"
# A request is answered within two working days (the portal's own promise, not a rule of the documents).
BRIEFING_ANSWER_WORKING_DAYS = 2


def working_days_after(day: date, count: int) -> date:
    """The day ``count`` working days (Monday to Friday) after ``day``."""
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def _briefing_deciders(request) -> list[int]:
    """Who answers a request: the secretariat and the focal points of its region; never its requester nor
    someone of the requester's organisation (portal.integrity)."""
    ids = holder_ids("consultations.manage", request.region_id)
    return [pk for pk in ids if not integrity.conflicted(User(pk=pk), {request.requester_id})]


def _waiting_two_working_days(today: date, rows, *, asked: str, deciders, target: str) -> Iterator[Due]:
    """For each of ``rows`` asked (its ``asked`` moment) two working days before a day of the window, a reminder
    to each of its ``deciders`` on that day; the row's target is ``<target>:<pk>``."""
    start, end = window(today)
    # Asked at least two working days before the window's start (weekends in between: up to four days more).
    rows = rows.filter(**{f"{asked}__date__lte": end - timedelta(days=BRIEFING_ANSWER_WORKING_DAYS)}).order_by("pk")
    for row in rows:
        due_on = working_days_after(timezone.localdate(getattr(row, asked)), BRIEFING_ANSWER_WORKING_DAYS)
        if start <= due_on <= end:
            for person in deciders(row):
                yield Due(person, f"{target}:{row.pk}", due_on)


def _briefing_find(today: date) -> Iterator[Due]:
    return _waiting_two_working_days(
        today,
        BriefingRequest.objects.filter(status=BriefingStatus.PENDING),
        asked="created_at",
        deciders=_briefing_deciders,
        target="briefingrequest",
    )


def _briefing_message(target: str) -> Message | None:
    request = BriefingRequest.objects.filter(pk=split_target(target)[1], status=BriefingStatus.PENDING).first()
    if request is None:
        return None
    return Message(
        _("A request for a briefing or consultation waits for an answer: “%(topic)s”") % {"topic": request.topic},
        _("%(network)s asked for it more than two working days ago. Answer it, or ask a colleague to.")
        % {"network": request.network},
        request.get_absolute_url(),
        date_format(timezone.localdate(request.created_at), "DATE_FORMAT"),
    )


BRIEFING_REQUEST_WAITING = register(
    Rule(
        kind=_BRIEFING_WAITING,
        label=gettext_lazy("A request for a briefing or consultation waits more than two working days"),
        audience=gettext_lazy("The secretariat and the region's focal points"),
        find=_briefing_find,
        message=_briefing_message,
        still_needed_by=lambda recipient_id, target: BriefingRequest.objects.filter(
            pk=split_target(target)[1], status=BriefingStatus.PENDING
        ).exists(),
        region_of=lambda target: (
            BriefingRequest.objects.filter(pk=split_target(target)[1]).values_list("region__code", flat=True).first()
        ),
        for_user=lambda user: can(user, "consultations.manage"),
    )
)


# --- Visa invitation letters (issue: attendance) -----------------------------------------------------------

_LETTER_WAITING = "letter_request_waiting"


def _letter_deciders(letter) -> list[int]:
    """Who decides a letter: the secretariat; never its requester nor someone of the requester's organisation."""
    region = letter.registration.consultation.event.region_id
    ids = holder_ids("consultations.letters", region)
    return [pk for pk in ids if not integrity.conflicted(User(pk=pk), {letter.registration.user_id})]


def _letter_find(today: date) -> Iterator[Due]:
    return _waiting_two_working_days(
        today,
        InvitationLetter.objects.filter(status=LetterStatus.REQUESTED).select_related(
            "registration__consultation__event"
        ),
        asked="requested_at",
        deciders=_letter_deciders,
        target="invitationletter",
    )


def _letter_message(target: str) -> Message | None:
    letter = (
        InvitationLetter.objects.filter(pk=split_target(target)[1], status=LetterStatus.REQUESTED)
        .select_related("registration__consultation")
        .first()
    )
    if letter is None:
        return None
    # The reminder names the meeting, never the person or the passport: it travels by e-mail.
    return Message(
        _("A request for a visa invitation letter waits for a decision: “%(title)s”")
        % {"title": letter.registration.consultation.title},
        _("It was asked for more than two working days ago, and visas take time. Decide it, or ask a colleague to."),
        reverse("consultations:letter_queue"),
        date_format(timezone.localdate(letter.requested_at), "DATE_FORMAT"),
    )


LETTER_REQUEST_WAITING = register(
    Rule(
        kind=_LETTER_WAITING,
        label=gettext_lazy("A request for a visa invitation letter waits more than two working days"),
        audience=gettext_lazy("The secretariat"),
        find=_letter_find,
        message=_letter_message,
        still_needed_by=lambda recipient_id, target: InvitationLetter.objects.filter(
            pk=split_target(target)[1], status=LetterStatus.REQUESTED
        ).exists(),
        region_of=lambda target: (
            InvitationLetter.objects.filter(pk=split_target(target)[1])
            .values_list("registration__consultation__event__region__code", flat=True)
            .first()
        ),
        for_user=lambda user: can(user, "consultations.letters"),
    )
)
