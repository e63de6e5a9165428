"""The consultations' section of the digest (portal.digest): for each consultation a person follows, its deadlines
before the next digest and what changed since the last one that is worth knowing (registration opened, the
summary published).

A deadline is listed once, in the last digest before it, and only to those it still concerns: the registration
deadline to followers not registered, the deadline to offer to speak to those who have not offered (as the
reminders of the same deadlines, consultations.reminders, which still come a few days before). Draft
consultations are never in a digest.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from consultations.enums import ConsultationStatus, RegistrationStatus
from consultations.models import ExpressionOfInterest, Follow, Registration
from portal.digest import Group, Part, Period, Section, absolute, register, when
from portal.models import User


def _notes(consultation, follow: Follow, user: User, period: Period, registered: set, offered: set) -> list[str]:
    notes = []
    start = period.start(follow.created_at)
    is_open = consultation.status == ConsultationStatus.OPEN
    if is_open and start < consultation.registration_opens_at <= period.until:
        notes.append(_("Registration is open."))
    if (
        consultation.status == ConsultationStatus.SUMMARY_PUBLISHED
        and consultation.summary_published_at
        and start < consultation.summary_published_at <= period.until
    ):
        notes.append(_("The summary of the consultation is published."))
    deadlines = []
    if is_open and consultation.pk not in registered:
        deadlines.append((consultation.registration_deadline, _("Registration closes: %s")))
    if is_open and consultation.interest_deadline and consultation.pk not in offered and consultation.takes_offers:
        deadlines.append((consultation.interest_deadline, _("Offers to speak close: %s")))
    for moment, label in sorted(deadlines, key=lambda deadline: deadline[0]):
        if period.now < moment <= period.ahead:
            notes.append(label % when(moment, user, consultation.time_zone))
    return notes


def build(user: User, period: Period) -> Section | None:
    follows = list(
        Follow.objects.filter(user=user)
        .exclude(consultation__status=ConsultationStatus.DRAFT)
        .select_related("consultation__event")
        .order_by("consultation__registration_deadline", "consultation_id")
    )
    if not follows:
        return None
    ids = [follow.consultation_id for follow in follows]
    registered = set(
        Registration.objects.filter(user=user, consultation__in=ids)
        .exclude(status=RegistrationStatus.CANCELLED)
        .values_list("consultation_id", flat=True)
    )
    offered = set(
        ExpressionOfInterest.objects.filter(user=user, consultation__in=ids).values_list("consultation_id", flat=True)
    )
    groups = []
    for follow in follows:
        consultation = follow.consultation
        notes = _notes(consultation, follow, user, period, registered, offered)
        if notes:
            groups.append(Group(title=consultation.title, url=absolute(consultation.get_absolute_url()), notes=notes))
    if not groups:
        return None
    return Section(title=_("Consultations you follow"), url=absolute(reverse("consultations:list")), groups=groups)


CONSULTATIONS = register(
    Part(key="consultations", order=20, followers=lambda: Follow.objects.values("user_id"), build=build)
)
