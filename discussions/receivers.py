from constance.signals import config_updated
from django.dispatch import receiver

from portal.cache import public_pages_changed


@receiver(config_updated, dispatch_uid="discussions-posting-rule")
def posting_rule_changed(sender, key, **kwargs) -> None:
    """A space's public page says who may post (discussions.permissions.posting_rule): a cached copy goes with it."""
    if key == "MEMBER_STATES_MAY_POST":
        public_pages_changed()
