"""Every kind of reminder, declared as a small rule: who gets it, about what, on which day (001, 002).

Each rule reads the current data and yields the reminders due on a given day,
so a date changed in the calendar moves its reminders with nothing to
reschedule. Each rule also says, at send time, whether the reminder is still
needed, and what the e-mail says. A date known only to the week or month counts
from its earliest possible day, and the e-mail says that date is not final.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reminders.enums import Kind

User = get_user_model()

# A scan that runs late still sends what fell due in the last days; older reminders are not sent after the fact.
LOOKBACK = timedelta(days=2)
BACKLOG_AGE = timedelta(hours=48)


@dataclass(frozen=True)
class Due:
    recipient_id: int
    target: str
    due_on: date


@dataclass
class Message:
    subject: str
    body: str
    url: str
    when: str = ""
    not_final: bool = False


@dataclass(frozen=True)
class Rule:
    kind: str
    audience: str
    find: Callable[[date], Iterable[Due]]
    # At send time: the message, or None when the reminder is no longer needed.
    message: Callable[[str], Message | None]


def _window(today: date) -> tuple[date, date]:
    return today - LOOKBACK, today


def _ids(queryset) -> list[int]:
    return list(queryset.filter(is_active=True).values_list("pk", flat=True))


def _role(role: str):
    return User.objects.filter(groups__name=role)


def _secretariat() -> list[int]:
    from portal.enums import Role

    return _ids(_role(Role.SECRETARIAT))


def _split(target: str) -> tuple[str, int]:
    name, _sep, pk = target.partition(":")
    return name, int(pk)


# --- Regional Review deadlines (secretariat) -------------------------------------------------------------


def _reviews(today: date):
    from reviews.enums import EventKind
    from reviews.models import Event

    return Event.objects.filter(kind=EventKind.REGIONAL_REVIEW, start_latest__gte=today).select_related(
        "region", "cycle"
    )


PRE_CONSULTATION_WEEKS = 12
WINDOW_OPENS_WEEKS = 16


def _pre_consultation_deadline(review) -> date:
    return review.start_earliest - timedelta(weeks=PRE_CONSULTATION_WEEKS)


def _pre_consultation_planned(review) -> bool:
    from reviews.enums import EventKind
    from reviews.models import Event

    return Event.objects.filter(
        region=review.region_id,
        cycle=review.cycle_id,
        kind=EventKind.PRE_CONSULTATION,
        start_latest__lte=_pre_consultation_deadline(review),
    ).exists()


def _review_rule(kind: str, fire_on: Callable, still_needed: Callable, text: Callable) -> Rule:
    """A reminder to the secretariat on a day counted back from a Regional Review."""

    def find(today: date) -> Iterator[Due]:
        start, end = _window(today)
        reviews = [r for r in _reviews(today) if start <= fire_on(r) <= end and still_needed(r)]
        if reviews:
            people = _secretariat()
            for review in reviews:
                for person in people:
                    yield Due(person, f"event:{review.pk}", fire_on(review))

    def message(target: str) -> Message | None:
        from reviews.models import Event

        review = Event.objects.select_related("region", "cycle").filter(pk=_split(target)[1]).first()
        if review is None or not still_needed(review):
            return None
        subject, body = text(review)
        return Message(subject, body, review.region.get_absolute_url(), review.start.display(), not review.is_exact)

    return Rule(kind, _("Secretariat"), find, message)


def _deadline_text(review, days_before: int) -> str:
    return date_format(review.start_earliest - timedelta(days=days_before), "DATE_FORMAT")


def _space_opens_in_time(review) -> bool:
    from discussions.models import Phase

    deadline = review.start_earliest - timedelta(weeks=8)
    return Phase.objects.filter(
        space__region=review.region_id, space__cycle=review.cycle_id, number=1, opens_at__date__lte=deadline
    ).exists()


def _paper_needed(review) -> bool:
    from discussions.models import AnalysisPaper, Space

    return (
        Space.objects.filter(region=review.region_id, cycle=review.cycle_id).exists()
        and not AnalysisPaper.objects.filter(
            space__region=review.region_id, space__cycle=review.cycle_id, published_at__isnull=False
        ).exists()
    )


# --- Discussion spaces -------------------------------------------------------------------------------------


def _phase_closing_find(today: date) -> Iterator[Due]:
    from discussions.models import Phase

    start, end = _window(today)
    phases = Phase.objects.filter(
        closes_at__date__gte=start + timedelta(days=3), closes_at__date__lte=end + timedelta(days=3)
    ).prefetch_related("space__moderators")
    phases = list(phases)
    if not phases:
        return
    secretariat = _secretariat()
    for phase in phases:
        people = set(secretariat) | {m.pk for m in phase.space.moderators.all() if m.is_active}
        for person in sorted(people):
            yield Due(person, f"phase:{phase.pk}", phase.closes_at.date() - timedelta(days=3))


def _phase_message(target: str, opening: bool) -> Message | None:
    from discussions.models import Phase

    phase = Phase.objects.select_related("space").filter(pk=_split(target)[1]).first()
    if phase is None:
        return None
    if opening:
        if not phase.is_open():
            return None
        return Message(
            _("The discussion space “%(space)s” is open for posts") % {"space": phase.space.title},
            _("%(phase)s is open: share your reports, recommendations, data and research.")
            % {"phase": phase.get_number_display()},
            phase.space.get_absolute_url(),
            date_format(timezone.localtime(phase.opens_at), "DATE_FORMAT"),
        )
    if phase.closes_at is None or phase.closes_at <= timezone.now():
        return None
    return Message(
        _("%(phase)s of “%(space)s” closes soon") % {"phase": phase.get_number_display(), "space": phase.space.title},
        _("Posts are taken until the phase closes; moderate what is waiting and prepare the analysis."),
        phase.space.get_absolute_url(),
        date_format(timezone.localtime(phase.closes_at), "DATETIME_FORMAT"),
    )


def _backlog_find(today: date) -> Iterator[Due]:
    from discussions.enums import PostStatus
    from discussions.models import Post, Space

    old = timezone.now() - BACKLOG_AGE
    waiting = Post.objects.filter(space=OuterRef("pk"), status=PostStatus.PENDING, submitted_at__lt=old)
    for space in Space.objects.filter(Exists(waiting)).prefetch_related("moderators"):
        for moderator in space.moderators.all():
            if moderator.is_active:
                yield Due(moderator.pk, f"space:{space.pk}", today)


def _backlog_message(target: str) -> Message | None:
    from discussions.enums import PostStatus
    from discussions.models import Post, Space

    space = Space.objects.filter(pk=_split(target)[1]).first()
    if space is None:
        return None
    waiting = Post.objects.filter(
        space=space, status=PostStatus.PENDING, submitted_at__lt=timezone.now() - BACKLOG_AGE
    ).count()
    if not waiting:
        return None
    from django.urls import reverse

    return Message(
        _("Posts are waiting for moderation in “%(space)s”") % {"space": space.title},
        _("%(count)s posts have waited more than 48 hours for a moderator.") % {"count": waiting},
        reverse("discussions:moderation"),
    )


def _phase_opening_find(today: date) -> Iterator[Due]:
    from discussions.models import Phase
    from portal.enums import Role
    from portal.models import Profile

    start, end = _window(today)
    for phase in Phase.objects.filter(opens_at__date__gte=start, opens_at__date__lte=end).select_related(
        "space__region"
    ):
        countries = [country.code for country in phase.space.region.countries]
        people = Profile.objects.filter(
            country__in=countries,
            user__is_active=True,
            user__groups__name__in=[Role.STAKEHOLDER, Role.UN_SYSTEM],
        ).values_list("user_id", flat=True)
        for person in people.distinct().order_by("user_id"):
            yield Due(person, f"phase:{phase.pk}", phase.opens_at.date())


# --- Consultations ---------------------------------------------------------------------------------------


def _consultation_day(consultation) -> date | None:
    if consultation.starts_at:
        return timezone.localtime(consultation.starts_at, ZoneInfo(consultation.time_zone)).date()
    return consultation.event.start_earliest


def _deadline_find(field: str, audience: Callable) -> Callable:
    def find(today: date) -> Iterator[Due]:
        from consultations.enums import ConsultationStatus
        from consultations.models import Consultation

        start, end = _window(today)
        lookup = {f"{field}__date__gte": start + timedelta(days=3), f"{field}__date__lte": end + timedelta(days=3)}
        for consultation in Consultation.objects.filter(status=ConsultationStatus.OPEN, **lookup):
            due_on = getattr(consultation, field).date() - timedelta(days=3)
            for person in audience(consultation):
                yield Due(person, f"consultation:{consultation.pk}", due_on)

    return find


def _not_registered_followers(consultation) -> list[int]:
    from consultations.enums import RegistrationStatus
    from consultations.models import Registration

    registered = Registration.objects.filter(consultation=consultation).exclude(status=RegistrationStatus.CANCELLED)
    return _ids(
        User.objects.filter(consultation_follows__consultation=consultation).exclude(
            pk__in=registered.values("user_id")
        )
    )


def _possible_speakers(consultation) -> list[int]:
    from consultations.enums import HOLDS_PLACE
    from consultations.models import ExpressionOfInterest

    offered = ExpressionOfInterest.objects.filter(consultation=consultation).values("user_id")
    return _ids(
        User.objects.filter(
            Q(consultation_follows__consultation=consultation)
            | Q(registrations__consultation=consultation, registrations__status__in=HOLDS_PLACE)
        )
        .exclude(pk__in=offered)
        .distinct()
    )


def _consultation_message(target: str, kind: str) -> Message | None:
    from consultations.enums import ConsultationStatus
    from consultations.models import Consultation

    consultation = Consultation.objects.select_related("event").filter(pk=_split(target)[1]).first()
    if consultation is None or consultation.status != ConsultationStatus.OPEN:
        return None
    zone = ZoneInfo(consultation.time_zone)
    url = consultation.get_absolute_url()
    if kind == Kind.REGISTRATION_DEADLINE:
        if consultation.registration_deadline <= timezone.now():
            return None
        return Message(
            _("Register for “%(title)s”") % {"title": consultation.title},
            _("Registration closes soon."),
            url,
            f"{date_format(timezone.localtime(consultation.registration_deadline, zone), 'DATETIME_FORMAT')} "
            f"({consultation.time_zone})",
        )
    if kind == Kind.INTEREST_DEADLINE:
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
    body = (
        _("Your consultation is in a week.") if kind == Kind.CONSULTATION_WEEK else _("Your consultation is tomorrow.")
    )
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
        from consultations.enums import ConsultationStatus, RegistrationStatus
        from consultations.models import Consultation, Registration

        start, end = _window(today)
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


# --- Funding ---------------------------------------------------------------------------------------------


def _funding_find(today: date) -> Iterator[Due]:
    from funding.enums import State
    from funding.models import Application

    start, end = _window(today)
    drafts = Application.objects.filter(
        state=State.DRAFT,
        call__published=True,
        call__closes_at__date__gte=start + timedelta(days=3),
        call__closes_at__date__lte=end + timedelta(days=3),
        applicant__is_active=True,
    ).values_list("applicant_id", "call_id", "call__closes_at")
    for person, call_id, closes_at in drafts.order_by("pk"):
        yield Due(person, f"call:{call_id}", closes_at.date() - timedelta(days=3))


def _funding_message(target: str) -> Message | None:
    from funding.models import Call

    call = Call.objects.filter(pk=_split(target)[1]).first()
    if call is None or call.closes_at <= timezone.now():
        return None
    zone = ZoneInfo(call.time_zone)
    return Message(
        _("Your funding application is still a draft: %(call)s") % {"call": call.title},
        _("Submit it before the call closes; a draft is not considered."),
        call.get_absolute_url(),
        f"{date_format(timezone.localtime(call.closes_at, zone), 'DATETIME_FORMAT')} ({call.time_zone})",
    )


def _funding_still_needed(reminder) -> bool:
    from funding.enums import State
    from funding.models import Application

    return Application.objects.filter(
        applicant=reminder.recipient_id, call=_split(reminder.target)[1], state=State.DRAFT
    ).exists()


# --- The table ---------------------------------------------------------------------------------------------


def rules() -> dict[str, Rule]:
    stakeholders = _("Stakeholders")
    return {
        rule.kind: rule
        for rule in [
            _review_rule(
                Kind.PRE_CONSULTATION_OPENS,
                lambda r: r.start_earliest - timedelta(weeks=WINDOW_OPENS_WEEKS),
                lambda r: not _pre_consultation_planned(r),
                lambda r: (
                    _("Plan the stakeholder pre-consultation: %(region)s") % {"region": r.region.name},
                    _("The pre-consultation must take place at least 12 weeks before the Regional Review, by %(date)s.")
                    % {"date": _deadline_text(r, 84)},
                ),
            ),
            _review_rule(
                Kind.PRE_CONSULTATION_CLOSING,
                lambda r: _pre_consultation_deadline(r) - timedelta(weeks=2),
                lambda r: not _pre_consultation_planned(r),
                lambda r: (
                    _("Two weeks left for the pre-consultation: %(region)s") % {"region": r.region.name},
                    _("The pre-consultation must take place at least 12 weeks before the Regional Review, by %(date)s.")
                    % {"date": _deadline_text(r, 84)},
                ),
            ),
            _review_rule(
                Kind.DISCUSSION_SPACE_DUE,
                lambda r: r.start_earliest - timedelta(weeks=9),
                lambda r: not _space_opens_in_time(r),
                lambda r: (
                    _("Open the discussion space: %(region)s") % {"region": r.region.name},
                    _("The online discussion space must open at least 8 weeks before the Regional Review, by %(date)s.")
                    % {"date": _deadline_text(r, 56)},
                ),
            ),
            _review_rule(
                Kind.ANALYSIS_PAPER_DUE,
                lambda r: r.start_earliest - timedelta(weeks=3),
                _paper_needed,
                lambda r: (
                    _("The analysis paper is due in a week: %(region)s") % {"region": r.region.name},
                    _(
                        "Share the analysis paper of the discussion space at least 2 weeks before the Regional Review, "
                        "by %(date)s."
                    )
                    % {"date": _deadline_text(r, 14)},
                ),
            ),
            Rule(
                Kind.PHASE_CLOSING,
                _("Secretariat and the space's moderators"),
                _phase_closing_find,
                lambda t: _phase_message(t, opening=False),
            ),
            Rule(Kind.MODERATION_BACKLOG, _("The space's moderators"), _backlog_find, _backlog_message),
            Rule(
                Kind.REGISTRATION_DEADLINE,
                stakeholders,
                _deadline_find("registration_deadline", _not_registered_followers),
                lambda t: _consultation_message(t, Kind.REGISTRATION_DEADLINE),
            ),
            Rule(
                Kind.INTEREST_DEADLINE,
                stakeholders,
                _deadline_find("interest_deadline", _possible_speakers),
                lambda t: _consultation_message(t, Kind.INTEREST_DEADLINE),
            ),
            Rule(
                Kind.CONSULTATION_WEEK,
                stakeholders,
                _attendance_find(7),
                lambda t: _consultation_message(t, Kind.CONSULTATION_WEEK),
            ),
            Rule(
                Kind.CONSULTATION_DAY,
                stakeholders,
                _attendance_find(1),
                lambda t: _consultation_message(t, Kind.CONSULTATION_DAY),
            ),
            Rule(Kind.PHASE_OPENING, stakeholders, _phase_opening_find, lambda t: _phase_message(t, opening=True)),
            Rule(Kind.FUNDING_DRAFT, stakeholders, _funding_find, _funding_message),
        ]
    }


# Extra per-recipient checks at send time, for rules whose need depends on the person.
PERSONAL_CHECKS: dict[str, Callable] = {Kind.FUNDING_DRAFT: _funding_still_needed}


def today_of(now: datetime) -> date:
    return timezone.localdate(now)
