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

Each app keeps its part of that promise in its own ``privacy`` module, a part registered in
:mod:`portal.privacy_registry`: which of its models go in the copy (or why not) and what erasure does to their
rows. This module only runs the parts, and imports none of them. The copy (:func:`personal_data`) gathers
every part's rows, with their own fields; links to other people are left out. The erasure
(:func:`account_delete`) locks the account, runs every part in one transaction, then empties the account and
mails the confirmation once. The portal's own models and the accounts' third-party ones (addresses, second
factors, sign-in locks, sessions, the administration's history) are declared below. A model linked to a
person that no part declares fails the registry's test (tests/portal/test_privacy_registry.py).
"""

from __future__ import annotations

import json
import re

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from axes.utils import reset as reset_sign_in_locks
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from portal import privacy_registry as registry
from portal.cache import public_pages_changed
from portal.enums import AuditAction
from portal.models import AuditEntry, OrganisationHistory, Profile, UnsentTask, User
from portal.privacy_registry import PersonalData, linked_rows, register, rows
from portal.tasks import enqueue, send_account_deleted

ERASED = "[erased]"


def personal_data(user: User) -> dict:
    """Everything the portal holds about ``user``, as JSON-ready data (dates stay datetimes)."""
    data: dict = {"generated_at": timezone.now()}
    for part in registry.registered():
        data.update(part().copy(user))
    return data


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Erase ``user`` as the privacy notice says (see the module docstring); mail the old address once.

    One transaction: if any part fails, nothing is erased and no mail goes.
    """

    user = User.objects.select_for_update(of=("self",)).select_related("profile").get(pk=user.pk)
    address, language = user.email, getattr(getattr(user, "profile", None), "preferred_language", "en")

    for part in registry.parts_in_order():
        part.erase(user)

    _empty_account(user)
    AuditEntry.objects.create(action=AuditAction.ACCOUNT_DELETION, target_type="portal.user", target_id=str(user.pk))
    public_pages_changed()
    transaction.on_commit(lambda: enqueue(send_account_deleted.s(address=address, language=language)))


def _empty_account(user: User) -> None:
    """What stays of the account: the row, with constituency, country, sub-region and gender for the counts."""
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


# --- The portal's own part -------------------------------------------------------------------------------


@register
class AdministrationHistory(PersonalData):
    """The administration's history (admin ``LogEntry``) names each object it logged by its text (a
    registration is "Amina – Consultation for Africa") and its change messages name objects added in a form.

    Runs first: the entries about the person's things are found through every row that points at them, read
    before any part deletes some of those rows; and the name is read before the account is emptied.
    """

    order = 0
    not_copied = {"admin.logentry": "The administration's record of what staff did, not the person's data."}
    erasure = {
        "admin.logentry": "Entries about anything of the person's are erased whole; their name and address are "
        "taken out of every other entry. Entries they wrote as staff stay, under the emptied account.",
    }

    def erase(self, user: User) -> None:

        own = self._linked_objects(user)
        profile = getattr(user, "profile", None)
        names = [n for n in {getattr(profile, "display_name", ""), user.email} if n and n.strip()]
        # Whole words only, so another person whose name merely contains this one keeps theirs.
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

    @staticmethod
    def _linked_objects(user: User) -> models.Q:
        """The history entries about anything of the person's: the rows every part counts as theirs.

        An entry written through a proxy model's admin (the moderation queue, say) names the proxy: those
        count too.
        """

        ids_by_model: dict[type[models.Model], list[str]] = {User: [str(user.pk)]}
        for part in registry.registered():
            for queryset in part().owned(user).values():
                ids = [str(pk) for pk in queryset.values_list("pk", flat=True)]
                if ids:
                    ids_by_model.setdefault(queryset.model._meta.concrete_model, []).extend(ids)
        condition = models.Q(pk__in=[])
        for model in apps.get_models():
            ids = ids_by_model.get(model._meta.concrete_model)
            if ids:
                content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
                condition |= models.Q(content_type=content_type, object_id__in=ids)
        return condition


@register
class Account(PersonalData):
    """The account, its profile and what the account libraries keep about it (allauth, its second factors, axes).

    Runs last among the parts, while the address is still there to find the mail not yet handed over.
    """

    order = 90
    copied = (
        "portal.user",
        "portal.profile",
        "portal.organisationhistory",
        "account.emailaddress",
        "mfa.authenticator",
    )
    not_copied = {
        "portal.auditentry": "A security record of who did what; it names the account by its number only.",
        "portal.unsenttask": "Mail waiting for the broker: a copy of messages, not a record about the person.",
        "axes.accessattempt": "A security record of failed sign-ins, kept by address, not by account.",
        "sessions.session": "A session holds only the account's number and a digest of its password.",
    }
    erasure = {
        "portal.user": "Emptied once every part has run: the address replaced, the password unusable, no roles, "
        "inactive. The row stays, for the counts.",
        "portal.profile": "Emptied with the account: display name, organisation, verification note and consent "
        "go; constituency, country, sub-region and gender stay, for the counts.",
        "portal.organisationhistory": "Deleted.",
        "portal.auditentry": "Kept: the audit trail names the account by its number, and the account is emptied.",
        "portal.unsenttask": "Mail to the address not yet handed to the mail server is deleted.",
        "account.emailaddress": "Deleted (their confirmations go with them).",
        "mfa.authenticator": "Deleted.",
        "axes.accessattempt": "The address's sign-in locks are lifted once the erasure is committed.",
        "sessions.session": "Ended: the unusable password no longer matches the digest they hold.",
    }

    def owned(self, user: User) -> dict[str, models.QuerySet]:

        return {
            "portal.user": User.objects.filter(pk=user.pk),
            "portal.profile": linked_rows(Profile, user),
            "portal.organisationhistory": OrganisationHistory.objects.filter(user=user),
            "account.emailaddress": EmailAddress.objects.filter(user=user),
            "mfa.authenticator": Authenticator.objects.filter(user=user),
        }

    def copy(self, user: User) -> dict:
        owned = self.owned(user)
        profile = getattr(user, "profile", None)
        data: dict = {
            "account": {"email": user.email, "date_joined": user.date_joined, "last_login": user.last_login},
            "profile": rows(Profile.objects.filter(pk=profile.pk))[0] if profile else None,
            "roles": sorted(user.groups.values_list("name", flat=True)),
        }
        for label in ("portal.organisationhistory", "account.emailaddress", "mfa.authenticator"):
            # A second factor's data is its secret: the copy says which factors there are, not their keys.
            found = rows(owned[label], leave_out=("data",) if label == "mfa.authenticator" else ())
            if found:
                data[label] = found
        return data

    def erase(self, user: User) -> None:

        address = user.email
        for task in UnsentTask.objects.all().only("pk", "signature"):
            if address.lower() in json.dumps(task.signature).lower():
                task.delete()
        Authenticator.objects.filter(user=user).delete()
        EmailAddress.objects.filter(user=user).delete()
        OrganisationHistory.objects.filter(user=user).delete()
        transaction.on_commit(lambda: reset_sign_in_locks(username=address.lower()))
