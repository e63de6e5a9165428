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
- what copied the name or the address goes too: the administration's history of the person's things, and
  their address and the text of their things wherever else that history quotes them (see
  :class:`AdministrationHistory`), registration lists exported to files, mail not yet handed to the mail
  server, second factors and pending proposals of GCM Talks.

A row is the person's own through one link only, the one its part declares (a registration's ``user``, an
application's ``applicant``, a post's ``author``: see :mod:`portal.privacy_registry`). The other links name who
acted on it: the member of staff who decided a registration, screened or decided an application, verified a
profile, moderated a post. Those rows are not the decider's: their copy does not hold them, and erasing the
decider's account leaves them and the administration's history about them whole. The link to the decider
stays: it points at the account row, which the erasure keeps and empties, so the record of every decision
keeps saying that someone decided and when, the separation of duties stays checkable, and nothing names the
decider any more.

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
from collections.abc import Iterator
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from axes.utils import reset as reset_sign_in_locks
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone, translation

from portal import privacy_registry as registry
from portal.cache import public_pages_changed
from portal.enums import AuditAction, DigestFrequency
from portal.models import AuditEntry, OrganisationHistory, Profile, RegionalRole, Translation, UnsentTask, User
from portal.privacy_registry import PersonalData, register, rows, rows_of
from portal.tasks import enqueue, send_account_deleted

ERASED = "[erased]"


@dataclass
class Kind:
    """The kinds of object a text of the person's names: their content types (proxies too), as an entry about
    one is logged, and their names, as a change message writes them (untranslated)."""

    content_types: set[int] = field(default_factory=set)
    names: set[str] = field(default_factory=set)


# Texts are looked for a few at a time: one query for all of a prolific author's posts would not end.
CHUNK = 100


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
        profile.expertise = ""
        profile.time_zone = ""
        profile.digest, profile.digest_sent_until = DigestFrequency.NONE, None
        profile.privacy_consent_at = None
        profile.save()
    user.email = f"erased-{user.pk}@erased.invalid"
    user.set_unusable_password()  # also ends every session: their hash no longer matches
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.save()
    user.groups.clear()
    user.regional_roles.all().delete()
    user.user_permissions.clear()


# --- The portal's own part -------------------------------------------------------------------------------


@register
class AdministrationHistory(PersonalData):
    """The administration's history (admin ``LogEntry``) names each object it logged by its text (a
    registration is "Amina – Consultation for Africa") and its change messages name objects added, changed or
    deleted in a form.

    Entries about the person's own things (their account, and every row their parts count as theirs) are
    erased whole, by content type and object id, whatever text they hold. Elsewhere only two things are taken
    out, each a whole value: the person's address (unique), and the full text of each of their things, read
    before any part deletes some of them, where an entry quotes it (the text of an entry about such an object
    that no longer exists, or an object of that kind named in a change message). Never the bare display name:
    anybody may choose one, and "Config", "Changed" or a consultation's title would otherwise cut words out of
    other people's entries, down to the only record of changes to the live settings. Entries staff wrote, and
    entries about rows the person only decided, stay whole under the emptied account.

    Runs first: the person's things and their texts are read before any part deletes some of them, and the
    address before the account is emptied.
    """

    order = 0
    not_copied = {"admin.logentry": "The administration's record of what staff did, not the person's data."}
    erasure = {
        "admin.logentry": "Entries about anything of the person's are erased whole; their address, and the text of "
        "their things where another entry quotes it whole, are taken out of the others. Entries they wrote as "
        "staff, and entries about what they only decided, stay, under the emptied account.",
    }

    def erase(self, user: User) -> None:

        things = self._things(user)
        own = self._about(things)
        address = user.email
        texts = self._texts(user, things)
        email = re.compile(rf"(?<![\w.+-]){re.escape(address)}(?![\w-]|\.\w)", re.IGNORECASE) if address else None

        others = LogEntry.objects.exclude(own).only(
            "pk", "content_type_id", "object_id", "object_repr", "change_message"
        )
        found = {entry.pk: entry for entry in self._mentioning(others, address, texts)}
        gone = self._gone(entry for entry in found.values() if entry.object_repr in texts)
        for entry in found.values():
            object_repr = entry.object_repr
            kind = texts.get(object_repr)
            if (
                kind
                and entry.content_type_id in kind.content_types
                and (entry.content_type_id, entry.object_id) in gone
            ):
                object_repr = ERASED
            elif email is not None:
                object_repr = email.sub(ERASED, object_repr)
            change_message = _erase_in_message(entry.change_message, texts, email)
            if (object_repr, change_message) != (entry.object_repr, entry.change_message):
                LogEntry.objects.filter(pk=entry.pk).update(object_repr=object_repr, change_message=change_message)
        LogEntry.objects.filter(own).update(object_repr=ERASED, change_message="[]")

    @staticmethod
    def _things(user: User) -> dict[type[models.Model], list[models.Model]]:
        """The person's own rows, by concrete model: their account, and the rows every part counts as theirs."""
        things: dict[type[models.Model], dict] = {User: {user.pk: user}}
        for part in registry.registered():
            for queryset in part().owned(user).values():
                for obj in queryset.order_by("pk"):
                    things.setdefault(queryset.model._meta.concrete_model, {})[obj.pk] = obj
        return {model: list(found.values()) for model, found in things.items()}

    @staticmethod
    def _about(things: dict[type[models.Model], list[models.Model]]) -> models.Q:
        """The history entries about any of ``things``. An entry written through a proxy model's admin (the
        moderation queue, say) names the proxy: those count too."""
        condition = models.Q(pk__in=[])
        for model in apps.get_models():
            found = things.get(model._meta.concrete_model)
            if found:
                content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
                condition |= models.Q(content_type=content_type, object_id__in=[str(obj.pk) for obj in found])
        return condition

    @staticmethod
    def _texts(user: User, things: dict[type[models.Model], list[models.Model]]) -> dict[str, Kind]:
        """The full text of each of the person's things, with the content types and the names (as change messages
        write them) of its kind. Never the bare display name nor the address: the account's own text is one of
        them, and a profile's is the display name."""
        profile = getattr(user, "profile", None)
        bare = {getattr(profile, "display_name", "").strip().casefold(), user.email.strip().casefold()}
        texts: dict[str, Kind] = {}
        for concrete, found in things.items():
            kinds = [model for model in apps.get_models() if model._meta.concrete_model is concrete]
            content_types = {ContentType.objects.get_for_model(model, for_concrete_model=False).pk for model in kinds}
            with translation.override(None):  # change messages name the kind untranslated
                names = {str(model._meta.verbose_name) for model in kinds}
            for obj in found:
                text = str(obj)
                if text.strip() and text.strip().casefold() not in bare:
                    kind = texts.setdefault(text, Kind())
                    kind.content_types |= content_types
                    kind.names |= names
        return texts

    @staticmethod
    def _mentioning(entries: models.QuerySet, address: str, texts: dict[str, Kind]) -> Iterator[LogEntry]:
        """The ``entries`` that may hold the address or quote one of ``texts`` (to be read closely)."""
        if address:
            condition = models.Q(object_repr__icontains=address)
            for encoded in {address, json.dumps(address)[1:-1]}:
                condition |= models.Q(change_message__icontains=encoded)
            yield from entries.filter(condition)
        quoted = list(texts)
        for start in range(0, len(quoted), CHUNK):
            chunk = quoted[start : start + CHUNK]
            condition = models.Q(object_repr__in=chunk)
            for text in chunk:
                for encoded in {json.dumps(text), json.dumps(text, ensure_ascii=False)}:
                    condition |= models.Q(change_message__contains=encoded)
            yield from entries.filter(condition)

    @staticmethod
    def _gone(entries: Iterator[LogEntry]) -> set[tuple[int, str]]:
        """The (content type, object id) of those ``entries`` whose object no longer exists."""
        ids_by_type: dict[int, set[str]] = {}
        for entry in entries:
            ids_by_type.setdefault(entry.content_type_id, set()).add(entry.object_id)
        gone = set()
        for content_type_id, ids in ids_by_type.items():
            if content_type_id is None:
                continue  # an entry about no kind of object is about none of the person's
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            existing: set[str] = set()
            if model is not None:
                model = model._meta.concrete_model
                keys = []
                for object_id in ids:
                    try:
                        keys.append(model._meta.pk.to_python(object_id))
                    except (ValidationError, ValueError, TypeError):
                        continue  # no such row can exist
                existing = {str(pk) for pk in model._base_manager.filter(pk__in=keys).values_list("pk", flat=True)}
            gone |= {(content_type_id, object_id) for object_id in ids - existing}
        return gone


def _erase_in_message(message: str, texts: dict[str, Kind], email: re.Pattern | None) -> str:
    """``message`` without the address, nor the quotes of ``texts``: the objects a change message names by their
    text (``{"added": {"name": "registration", "object": "Amina – Consultation for Africa"}}``), of the same kind."""
    try:
        parsed = json.loads(message)
    except ValueError:
        return email.sub(ERASED, message) if email is not None else message
    if not isinstance(parsed, list):
        return email.sub(ERASED, message) if email is not None else message
    for item in parsed:
        for detail in item.values() if isinstance(item, dict) else ():
            if isinstance(detail, dict) and isinstance(detail.get("object"), str):
                kind = texts.get(detail["object"])
                if kind and detail.get("name") in kind.names:
                    detail["object"] = ERASED
    if email is not None:
        parsed = _substitute(parsed, email)
    changed = json.dumps(parsed)
    return message if json.loads(changed) == json.loads(message) else changed


def _substitute(value, pattern: re.Pattern):
    """``value`` (parsed JSON) with ``pattern`` replaced in every string it holds."""
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, list):
        return [_substitute(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: _substitute(item, pattern) for key, item in value.items()}
    return value


@register
class Translations(PersonalData):
    """The translations a person wrote of texts others published (posts, questions, summaries)."""

    owner = {"portal.translation": "translator"}
    copied = ("portal.translation",)
    erasure = {
        "portal.translation": "Kept without the link to the translator: the translation of a published text, "
        "shown as translated by a person, as approved posts stay under a neutral name. An engine's translations "
        "name nobody; those of the person's own texts go with the texts.",
    }

    def copy(self, user: User) -> dict:
        found = rows(Translation.objects.filter(translator=user).order_by("pk"), leave_out=("search_vector",))
        return {"translations": found} if found else {}

    def erase(self, user: User) -> None:
        Translation.objects.filter(translator=user).update(translator=None)


@register
class Account(PersonalData):
    """The account, its profile and what the account libraries keep about it (allauth, its second factors, axes).

    Runs last among the parts, while the address is still there to find the mail not yet handed over.
    """

    order = 90
    owner = {"portal.profile": "user"}  # not ``verified_by``: the member of staff who verified it
    copied = (
        "portal.user",
        "portal.profile",
        "portal.organisationhistory",
        "portal.regionalrole",
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
        "go; constituency, country, sub-region and gender stay, for the counts; the areas of expertise and the "
        "time zone go, and the digest is set to none. Profiles the person verified as staff keep the link to the "
        "emptied account.",
        "portal.organisationhistory": "Deleted.",
        "portal.regionalrole": "Deleted with the other roles.",
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
            "portal.profile": rows_of(Profile, "user", user),
            "portal.organisationhistory": OrganisationHistory.objects.filter(user=user),
            "portal.regionalrole": RegionalRole.objects.filter(user=user),
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
        for label in ("portal.organisationhistory", "portal.regionalrole", "account.emailaddress", "mfa.authenticator"):
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
