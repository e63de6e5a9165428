from smtplib import SMTPException

from celery import shared_task

from consultations.enums import RegistrationStatus
from consultations.ical import consultation_ics
from consultations.models import Registration
from portal.mail import send_templated_mail


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_kwargs={"max_retries": 5},
)
def send_registration_mail(*, registration_id: int, reason: str) -> None:
    """Tell a person, in their language, where their registration stands; with an iCal file once they have a place."""
    registration = (
        Registration.objects.select_related("user__profile", "consultation__event").filter(pk=registration_id).first()
    )
    if registration is None:
        return
    profile = getattr(registration.user, "profile", None)
    attachments = []
    if registration.status == RegistrationStatus.REGISTERED:
        attachments.append(("consultation.ics", consultation_ics(registration.consultation), "text/calendar"))
    send_templated_mail(
        template="consultations/email/registration",
        to=[registration.user.email],
        language=profile.preferred_language if profile else "en",
        context={"registration": registration, "consultation": registration.consultation, "reason": reason},
        attachments=attachments,
    )


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_kwargs={"max_retries": 5},
)
def send_interest_decision(*, interest_id: int) -> None:
    """Tell a person whether they were selected to speak."""
    from consultations.models import ExpressionOfInterest

    interest = (
        ExpressionOfInterest.objects.select_related("user__profile", "consultation").filter(pk=interest_id).first()
    )
    if interest is None or interest.status == "received":
        return
    profile = getattr(interest.user, "profile", None)
    send_templated_mail(
        template="consultations/email/interest_decision",
        to=[interest.user.email],
        language=profile.preferred_language if profile else "en",
        context={"interest": interest, "consultation": interest.consultation},
    )
