from django.utils import timezone

from funding.enums import State
from funding.models import Application
from portal.mail import language_of, mail_task, send_templated_mail

TOLD = (State.INELIGIBLE, State.APPROVED, State.REJECTED)


@mail_task
def send_decision(*, application_id: int) -> None:
    """Tell the applicant, in their language, of the screening refusal or the Chair's decision, once."""
    application = (
        Application.objects.select_related("applicant__profile", "call", "consultation")
        .filter(pk=application_id, state__in=TOLD, notified_at__isnull=True)
        .first()
    )
    if application is None:
        return
    reason = application.transitions.filter(target=application.state).values_list("reason", flat=True).last() or ""
    send_templated_mail(
        template="funding/email/decision",
        to=[application.applicant.email],
        language=language_of(application.applicant),
        context={"application": application, "reason": reason},
    )
    Application.objects.filter(pk=application.pk).update(notified_at=timezone.now())


@mail_task
def send_received(*, application_id: int) -> None:
    """Confirm to the applicant, in their language, that their submitted application arrived."""
    application = (
        Application.objects.select_related("applicant__profile", "call")
        .filter(pk=application_id, state=State.SUBMITTED)
        .first()
    )
    if application is None:
        return
    send_templated_mail(
        template="funding/email/received",
        to=[application.applicant.email],
        language=language_of(application.applicant),
        context={"application": application},
    )
