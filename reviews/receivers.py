from django.db.models.signals import post_save
from django.dispatch import receiver

from reviews.models import Region
from reviews.selectors import forget_footer_regions


@receiver(post_save, sender=Region)
def region_saved(sender, **kwargs) -> None:
    forget_footer_regions()
