from django.core.cache import cache
from django.utils import translation

from reviews.models import Region

FOOTER_CACHE_SECONDS = 300


def regions_for_contacts() -> list[Region]:
    """The five regions with their contact details, in display order."""
    return list(Region.objects.order_by("position"))


def footer_regions() -> list[dict]:
    """Region names and contact addresses for the footer, cached per language."""
    key = f"portal:footer-regions:{translation.get_language()}"
    regions = cache.get(key)
    if regions is None:
        regions = [
            {"name": r.name, "email": r.contact_email, "url": r.get_absolute_url()} for r in regions_for_contacts()
        ]
        cache.set(key, regions, FOOTER_CACHE_SECONDS)
    return regions


def forget_footer_regions() -> None:
    from django.conf import settings

    cache.delete_many([f"portal:footer-regions:{code}" for code, _name in settings.LANGUAGES])
