from smtplib import SMTPException

from celery import shared_task

from portal.enums import VerificationStatus
from portal.mail import send_templated_mail
from portal.models import Profile


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_kwargs={"max_retries": 5},
)
def send_affiliation_decision(*, profile_id: int) -> None:
    """Tell a person, in their language, whether their affiliation was verified."""
    profile = Profile.objects.select_related("user").filter(pk=profile_id).first()
    if profile is None or profile.verification_status not in (VerificationStatus.APPROVED, VerificationStatus.REJECTED):
        return
    send_templated_mail(
        template="portal/email/affiliation_decision",
        to=[profile.user.email],
        language=profile.preferred_language,
        context={"profile": profile, "approved": profile.verification_status == VerificationStatus.APPROVED},
    )


@shared_task
def ping() -> str:
    """A task that proves a worker is consuming the queue (used by health checks and tests)."""
    return "pong"
