"""The review dashboard's tiles, rendered inside its page's template: the context processors run once for the
page, not again for every tile."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def tile(context, tile, values: dict):
    """Render ``tile``'s template with ``values`` on top of the page's context."""
    nested = context.template.engine.get_template(tile.template)
    with context.push(values):
        return nested.render(context)
