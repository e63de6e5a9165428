from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context) -> str:
    """The page's own filters, for links to its other pages: the query string without ``page``."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    return query.urlencode()
