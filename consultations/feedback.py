"""The feedback form after a meeting (000: the consultations are "subject to feedback … on the
organizational aspects").

Everyone who held a place is invited once the meeting has ended (a reminder rule, consultations.reminders) and
may answer once, for FEEDBACK_DAYS days. An answer is tied to no one: it has a random key and the day only,
and FeedbackGiven records that the person answered, not what, so nobody answers twice. The organisers read the
answers only in aggregate and only from FEEDBACK_MIN_ANSWERS answers on, so that a meeting with one or two
answers does not show what a known person thought; the export has no names and no times.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from consultations.enums import Rating, RegistrationStatus
from consultations.exports import Echo, neutralise
from consultations.models import Consultation, FeedbackGiven, FeedbackResponse, Registration

# How long after the meeting the form stays open: the portal's choice, long enough for a slow connection and a
# busy month, short enough that answers are about the meeting people remember.
FEEDBACK_DAYS = 30
# Fewer answers than this are not shown, even in aggregate.
FEEDBACK_MIN_ANSWERS = 3
QUESTIONS = ("overall", "information", "access", "interpretation", "speaking_time")


class FeedbackError(Exception):
    """An answer the rules refuse; the message says why."""


def meeting_end(consultation: Consultation) -> datetime:
    """When the meeting ends: its end time, else the end of its last possible day in its zone."""
    if consultation.ends_at:
        return consultation.ends_at
    if consultation.starts_at:
        return consultation.starts_at + timedelta(hours=8)
    last: date = consultation.event.latest
    return datetime.combine(last + timedelta(days=1), time.min, tzinfo=ZoneInfo(consultation.time_zone))


def window(consultation: Consultation) -> tuple[datetime, datetime]:
    end = meeting_end(consultation)
    return end, end + timedelta(days=FEEDBACK_DAYS)


def is_open(consultation: Consultation, now=None) -> bool:
    now = now or timezone.now()
    opens, closes = window(consultation)
    return opens <= now < closes


def held_place(consultation: Consultation, user) -> bool:
    return Registration.objects.filter(
        consultation=consultation, user=user, status=RegistrationStatus.REGISTERED
    ).exists()


def refusal(*, consultation: Consultation, user) -> str | None:
    """Why ``user`` may not answer now, or None."""
    if not user.is_authenticated or not held_place(consultation, user):
        return _("The feedback form is for the people who had a place at this meeting.")
    now = timezone.now()
    opens, closes = window(consultation)
    if now < opens:
        return _("The feedback form opens when the meeting ends.")
    if now >= closes:
        return _("The feedback form for this meeting has closed.")
    if FeedbackGiven.objects.filter(consultation=consultation, user=user).exists():
        return _("You have already answered; thank you.")
    return None


def feedback_submit(*, consultation: Consultation, user, answers: dict) -> None:
    """Record one anonymous answer and that ``user`` answered, together; a second answer is refused."""
    reason = refusal(consultation=consultation, user=user)
    if reason:
        raise FeedbackError(reason)
    values = {name: answers.get(name) for name in QUESTIONS}
    if values["overall"] not in Rating.values:
        raise FeedbackError(_("Rate the meeting as a whole."))
    try:
        with transaction.atomic():
            FeedbackGiven.objects.create(consultation=consultation, user=user)
            FeedbackResponse.objects.create(
                consultation=consultation,
                submitted_on=timezone.localdate(),
                comment=(answers.get("comment") or "").strip(),
                **values,
            )
    except IntegrityError as error:  # two answers sent at once: the second finds the first's row
        raise FeedbackError(_("You have already answered; thank you.")) from error


@dataclass
class Question:
    name: str
    label: str
    answered: int
    average: float | None
    counts: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Results:
    answers: int
    invited: int
    shown: bool
    questions: list[Question] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


def results(consultation: Consultation) -> Results:
    """The answers in aggregate, in three queries whatever their number."""
    invited = Registration.objects.filter(consultation=consultation, status=RegistrationStatus.REGISTERED).count()
    rows = FeedbackResponse.objects.filter(consultation=consultation)
    aggregates = {"answers": Count("pk")}
    for name in QUESTIONS:
        aggregates[f"{name}__avg"] = Avg(name)
        aggregates[f"{name}__n"] = Count(name)
        for value in Rating.values:
            aggregates[f"{name}__{value}"] = Count("pk", filter=Q(**{name: value}))
    totals = rows.aggregate(**aggregates)
    answers = totals["answers"]
    shown = answers >= FEEDBACK_MIN_ANSWERS
    outcome = Results(answers=answers, invited=invited, shown=shown)
    if not shown:
        return outcome
    for name in QUESTIONS:
        outcome.questions.append(
            Question(
                name=name,
                label=str(FeedbackResponse._meta.get_field(name).verbose_name),
                answered=totals[f"{name}__n"],
                average=totals[f"{name}__avg"],
                counts=[(str(label), totals[f"{name}__{value}"]) for value, label in Rating.choices],
            )
        )
    # The random keys put the comments in no order that could match who answered when.
    outcome.comments = list(rows.exclude(comment="").order_by("pk").values_list("comment", flat=True)[:500])
    return outcome


def csv_rows(consultation: Consultation, language: str | None = None) -> Iterator[str]:
    """The answers, one per row, without names or times; nothing below FEEDBACK_MIN_ANSWERS."""
    with translation.override(language or translation.get_language()):
        writer = csv.writer(Echo())
        headings = [str(FeedbackResponse._meta.get_field(name).verbose_name) for name in (*QUESTIONS, "comment")]
        yield "\ufeff" + writer.writerow(headings)
        rows = FeedbackResponse.objects.filter(consultation=consultation)
        if rows.count() < FEEDBACK_MIN_ANSWERS:
            return
        for row in rows.order_by("pk").values_list(*QUESTIONS, "comment").iterator(chunk_size=2000):
            yield writer.writerow(["" if value is None else neutralise(value) for value in row])
