from django.utils.functional import SimpleLazyObject

from reviews.selectors import footer_regions


def regions(request) -> dict:
    """The regions and their contact addresses for every page's footer (read only when the footer shows)."""
    return {"footer_regions": SimpleLazyObject(footer_regions)}
