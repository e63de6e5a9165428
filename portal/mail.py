"""E-mail rendered from a template trio in the recipient's language."""

from functools import partial
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models.functions import Lower
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation

from portal.models import Profile

# Mail is the portal's main way to reach people, and a mail server is sometimes away for a while: every task
# that sends mail retries what is transient (the server refused or could not be reached), backing off from
# 30 seconds to half an hour, for about two hours in all. One policy for every app: ``@mail_task``.
TRANSIENT_MAIL_ERRORS = (SMTPException, OSError)  # OSError covers ConnectionError and TimeoutError
mail_task = partial(
    shared_task,
    autoretry_for=TRANSIENT_MAIL_ERRORS,
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_kwargs={"max_retries": 8},
)


def language_of(user) -> str:
    """The language a person reads their e-mail in: their preferred one, else the site's default."""
    profile = getattr(user, "profile", None)
    return profile.preferred_language if profile else settings.LANGUAGE_CODE


def _plain(name: str, context: dict) -> str:
    """Plain-text parts are not HTML: an apostrophe or "&" in a title or a translation stays as typed."""
    return get_template(name).template.render(Context(context, autoescape=False))


def send_templated_mail(
    *,
    template: str,
    to: list[str],
    language: str,
    context: dict,
    attachments: list[tuple[str, bytes, str]] = (),
    headers: dict[str, str] | None = None,
) -> None:
    """Render ``<template>.subject.txt``, ``.txt`` and ``.html`` in ``language`` and send them."""
    with translation.override(language):
        context = {
            **context,
            "site_name": settings.PORTAL_SITE_NAME,
            "base_url": settings.PORTAL_BASE_URL,
            "LANGUAGE_CODE": language,
        }
        subject = " ".join(_plain(f"{template}.subject.txt", context).split())
        text = _plain(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to, headers=headers)
    plain = wants_plain_email(to)
    if not plain:
        message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        # Plain-text readers keep what they need (a calendar file), not pictures (a QR code: its text is in the mail).
        if not (plain and mimetype.startswith("image/")):
            message.attach(filename, content, mimetype)
    message.send()


def wants_plain_email(to: list[str]) -> bool:
    """True when every recipient chose plain-text e-mail in their profile (one query; mail to an address with no
    account, or to several people of whom one wants HTML, keeps its HTML part)."""
    if not to:
        return False
    wanted = {address.lower() for address in to}
    chosen = (
        Profile.objects.filter(plain_email=True)
        .annotate(address=Lower("user__email"))
        .filter(address__in=wanted)
        .values_list("address", flat=True)
    )
    return set(chosen) >= wanted
