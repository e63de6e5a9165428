"""A person's rights over their data: a copy of everything held about them, and erasure.

What erasure does is stated in the privacy notice (portal/templates/portal/privacy.html), and this module is
where that promise is kept:

- the e-mail address, display name, organisation, verification note and password go; the account can no
  longer sign in and every session of it ends;
- posts that were never approved, drafts, follows, reminder settings and pending offers go, with their files;
- approved posts stay in the discussion, shown under a neutral name, as the notice says;
- registrations to consultations still ahead are cancelled (a waiting person gets the place), funding
  applications still under review are withdrawn, and the free text of both is erased;
- the account row stays, emptied, with only constituency, country, sub-region and gender, so the counts by
  sector, sub-region and gender of past consultations and funding rounds stay right;
- what copied the name or the address goes too: the administration's history (the names of objects and the
  change messages), registration lists exported to files, mail not yet handed to the mail server, second
  factors and pending proposals of GCM Talks.

The copy (:func:`personal_data`) is built from the model graph: every row that points at the person, with
their own fields, so a new model holding personal data is in the copy without anyone remembering to add it.
Links to other people are left out.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from portal.enums import AuditAction
from portal.models import AuditEntry, User

# Rows that point at a person but are not theirs to take away: security and staff records.
NOT_IN_THE_COPY = {"admin.logentry", "portal.auditentry", "axes.accessattempt", "axes.accesslog", "discussions.appeal"}
# Fields never copied: secrets and derived copies of other fields.
SECRET_FIELDS = {"password", "html", "approved_html"}


def _field_value(instance, field):
    if isinstance(field, models.ForeignKey):
        if field.related_model is User:
            return None  # another person, or the person themselves: named once, at the top
        return getattr(instance, field.attname)
    value = field.value_from_object(instance)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    if hasattr(value, "code") and hasattr(value, "name"):  # django-countries
        return value.code or None
    return value


def _rows(model, queryset) -> list[dict]:
    fields = [f for f in model._meta.concrete_fields if f.name not in SECRET_FIELDS]
    return [
        {f.name: _field_value(row, f) for f in fields if not (f.primary_key and f.name != "id")}
        for row in queryset.order_by("pk")
    ]


def personal_data(user: User) -> dict:
    """Everything the portal holds about ``user``, as JSON-ready data (dates stay datetimes)."""
    profile = getattr(user, "profile", None)
    data: dict = {
        "generated_at": timezone.now(),
        "account": {"email": user.email, "date_joined": user.date_joined, "last_login": user.last_login},
        "profile": _rows(type(profile), type(profile).objects.filter(pk=profile.pk))[0] if profile else None,
        "roles": sorted(user.groups.values_list("name", flat=True)),
    }
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in NOT_IN_THE_COPY or model._meta.proxy or label in {"portal.profile", "portal.user"}:
            continue
        links = [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey) and f.related_model is User]
        if not links:
            continue
        condition = models.Q()
        for field in links:
            condition |= models.Q(**{field.name: user})
        rows = _rows(model, model._default_manager.filter(condition))
        if rows:
            data[label] = rows
    # Appeals name the moderators who decided them: the copy holds the person's own requests, not their decisions.
    from discussions.models import Appeal

    appeals = _rows(Appeal, Appeal.objects.filter(post__author=user))
    if appeals:
        data["discussions.appeal"] = appeals
    return data


ERASED = "[erased]"


def _linked_objects(user: User) -> models.Q:
    """The administration's history entries about anything of the person's: every row that points at them.

    Read before the erasure deletes some of those rows, so the entries about them are found too. An entry
    written through a proxy model's admin (the moderation queue, say) names the proxy: those count too.
    """
    from django.contrib.contenttypes.models import ContentType

    ids_by_model = {User: [str(user.pk)]}
    for model in apps.get_models():
        if model._meta.proxy or model._meta.label_lower in NOT_IN_THE_COPY:
            continue
        links = [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey) and f.related_model is User]
        if not links:
            continue
        owned = models.Q()
        for field in links:
            owned |= models.Q(**{field.name: user})
        ids = [str(pk) for pk in model._default_manager.filter(owned).values_list("pk", flat=True)]
        if ids:
            ids_by_model[model] = ids
    condition = models.Q(pk__in=[])
    for model in apps.get_models():
        ids = ids_by_model.get(model._meta.concrete_model)
        if ids:
            content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
            condition |= models.Q(content_type=content_type, object_id__in=ids)
    return condition


def _erase_copies(user: User, own: models.Q) -> None:
    """Take the person's name and address out of every place that copied them (before the profile is emptied).

    The administration's history names each object it logged by its text (a registration is "Amina –
    Consultation for Africa") and its change messages name objects added in a form; export files list
    registrants; mail waiting for the broker holds the address and the name. Names are matched as whole
    words, so another person whose name merely contains this one keeps theirs.
    """
    import json
    import re

    from allauth.mfa.models import Authenticator
    from django.contrib.admin.models import LogEntry

    from consultations.models import ExportLog, ExportStatus, Proposal, ProposalStatus, Registration
    from portal.models import OrganisationHistory, UnsentTask

    profile = getattr(user, "profile", None)
    names = [n for n in {getattr(profile, "display_name", ""), user.email} if n and n.strip()]
    patterns = [re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE) for name in names]
    escaped = [re.compile(re.escape(json.dumps(name)[1:-1]), re.IGNORECASE) for name in names]

    mentions = models.Q()
    for name in names:
        mentions |= models.Q(object_repr__icontains=name) | models.Q(change_message__icontains=name)
    for entry in LogEntry.objects.filter(mentions).only("pk", "object_repr", "change_message"):
        object_repr, change_message = entry.object_repr, entry.change_message
        for pattern, in_json in zip(patterns, escaped, strict=True):
            object_repr = pattern.sub(ERASED, object_repr)
            change_message = in_json.sub(ERASED, change_message)
        LogEntry.objects.filter(pk=entry.pk).update(object_repr=object_repr, change_message=change_message)
    # Entries about the person's own things hold whatever name they had then: erased whole, whatever the text.
    LogEntry.objects.filter(own).update(object_repr=ERASED, change_message="[]")

    # Registration lists exported to files: those that may list the person go (they can be exported again).
    consultations = Registration.objects.filter(user=user).values("consultation_id")
    exports = ExportLog.objects.filter(consultation_id__in=consultations).exclude(file_name="")
    folder = settings.PRIVATE_ROOT / "exports"
    for name in list(exports.values_list("file_name", flat=True)):
        (folder / name).unlink(missing_ok=True)
    exports.update(file_name="", status=ExportStatus.REMOVED)

    for task in UnsentTask.objects.all().only("pk", "signature"):
        if user.email.lower() in json.dumps(task.signature).lower():
            task.delete()
    Authenticator.objects.filter(user=user).delete()
    OrganisationHistory.objects.filter(user=user).delete()
    Proposal.objects.filter(proposed_by=user).exclude(status=ProposalStatus.APPROVED).delete()


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Erase ``user`` as the privacy notice says (see the module docstring); mail the old address once."""
    from allauth.account.models import EmailAddress
    from axes.utils import reset as reset_sign_in_locks

    from consultations.enums import InterestStatus, RegistrationStatus
    from consultations.models import ExpressionOfInterest, Follow, Registration
    from consultations.services import registration_cancel
    from discussions.enums import FileStatus, PostStatus
    from discussions.models import Appeal, Attachment, Post, Subscription
    from funding.enums import State
    from funding.models import Application
    from funding.services import application_withdraw
    from portal.cache import public_pages_changed
    from portal.tasks import enqueue, send_account_deleted
    from reminders.models import Preference, Reminder

    user = User.objects.select_for_update(of=("self",)).select_related("profile").get(pk=user.pk)
    address, language = user.email, getattr(getattr(user, "profile", None), "preferred_language", "en")
    own = _linked_objects(user)

    # Discussions: what was never approved goes, with its files; an approved post keeps its approved version.
    unpublished = Post.objects.filter(author=user, approved_at__isnull=True)
    files = list(Attachment.objects.filter(post__in=unpublished).values_list("file", flat=True))
    unapproved_files = Attachment.objects.filter(post__author=user).exclude(status=FileStatus.APPROVED)
    files += list(unapproved_files.values_list("file", flat=True))
    unapproved_files.delete()
    Appeal.objects.filter(post__author=user).update(reason="")
    unpublished.delete()
    Post.objects.filter(author=user, status__in=(PostStatus.PENDING, PostStatus.REJECTED)).update(
        status=PostStatus.APPROVED,
        text=models.F("approved_text"),
        html=models.F("approved_html"),
        rejection_reason="",
    )
    Post.objects.filter(author=user).update(shown_name="")

    # Consultations: places ahead are given back; what stays keeps its counts, not its words.
    ahead = models.Q(consultation__starts_at__isnull=True) | models.Q(consultation__starts_at__gte=timezone.now())
    upcoming = Registration.objects.filter(ahead, user=user).exclude(
        status__in=(RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED)
    )
    for registration in upcoming.select_related("consultation"):
        registration_cancel(registration=registration, notify=False)
    Registration.objects.filter(user=user).update(decision_note="")
    ExpressionOfInterest.objects.filter(user=user, status=InterestStatus.RECEIVED).delete()
    ExpressionOfInterest.objects.filter(user=user).update(statement="")

    # Funding: drafts go; an application still under review is withdrawn; decided ones keep their figures.
    Application.objects.filter(applicant=user, state=State.DRAFT).delete()
    for application in Application.objects.filter(
        applicant=user, state__in=(State.SUBMITTED, State.ELIGIBLE, State.RECOMMENDED, State.NOT_RECOMMENDED)
    ):
        application_withdraw(application=application, applicant=user)
    Application.objects.filter(applicant=user).update(justification="", representation="")

    Follow.objects.filter(user=user).delete()
    Subscription.objects.filter(user=user).delete()
    Preference.objects.filter(user=user).delete()
    Reminder.objects.filter(recipient=user).delete()
    EmailAddress.objects.filter(user=user).delete()

    _erase_copies(user, own)

    profile = getattr(user, "profile", None)
    if profile is not None:
        profile.display_name = ""
        profile.organisation = ""
        profile.verification_note = ""
        profile.privacy_consent_at = None
        profile.save()
    user.email = f"erased-{user.pk}@erased.invalid"
    user.set_unusable_password()  # also ends every session: their hash no longer matches
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    AuditEntry.objects.create(action=AuditAction.ACCOUNT_DELETION, target_type="portal.user", target_id=str(user.pk))
    public_pages_changed()

    def after_commit() -> None:
        reset_sign_in_locks(username=address.lower())
        storage = Attachment._meta.get_field("file").storage
        for name in files:
            storage.delete(name)
        enqueue(send_account_deleted.s(address=address, language=language))

    transaction.on_commit(after_commit)
