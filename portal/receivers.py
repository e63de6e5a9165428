from allauth.account.signals import password_reset, user_logged_in
from axes.utils import reset as reset_sign_in_locks
from django.contrib.auth.models import Group
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from portal.enums import Role
from portal.middleware import remember_preferred_language


@receiver(user_logged_in)
def apply_preferred_language(sender, request, user, **kwargs) -> None:
    profile = getattr(user, "profile", None)
    if profile is not None:
        remember_preferred_language(request, profile.preferred_language)


@receiver(password_reset)
def lift_sign_in_lock(sender, request, user, **kwargs) -> None:
    """Whoever proved they own the mailbox may sign in again at once, wherever the lock was set."""
    reset_sign_in_locks(username=user.email.lower())


@receiver(post_migrate)
def ensure_role_groups(sender, app_config, using="default", **kwargs) -> None:
    """Keep one group per role after every migrate or flush.

    The data migration creates them on a new database; a flush (as between
    transactional tests, or ``manage.py flush``) empties the table and Django
    re-sends post_migrate, so they are recreated here.
    """
    if app_config.label != "portal":
        return

    for role in Role.values:
        Group.objects.using(using).get_or_create(name=role)
