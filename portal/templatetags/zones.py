"""Meeting times in the meeting's own zone and in the reader's (portal.timezones)."""

from django import template
from django.utils.translation import gettext as _

from portal.timezones import reader_zone, zoned_span

register = template.Library()


def _spans(start, end, zone: str, reader, chosen=None) -> dict:
    own = zoned_span(start, end, zone)
    if chosen is None:
        chosen = reader_zone(reader)
    theirs = zoned_span(start, end, chosen) if chosen and chosen != zone else None
    return {"own": own, "theirs": theirs, "chosen": bool(chosen)}


@register.inclusion_tag("portal/_meeting_time.html", takes_context=True)
def meeting_time(context, start, end, zone: str, reader=None, chosen=None):
    """``start``–``end`` in ``zone``, then in the reader's zone: the profile's, else (on a page) the browser's,
    which a small script fills in (portal/js/local-time.js); nothing more when both are the same.

    A fragment rendered apart from its page (portal.kept) passes the reader's ``chosen`` zone ("" for none) and
    ``on_page`` in its values."""
    if start is None:
        return {"start": None}
    on_page = "request" in context or bool(context.get("on_page"))
    if reader is None and chosen is None and "request" in context:
        reader = context["request"].user
    return {
        **_spans(start, end, zone, reader, chosen),
        "on_page": on_page,
        "start": start,
        "zone": zone,
        "iso_start": start.isoformat(),
        "iso_end": end.isoformat() if end else "",
    }


@register.simple_tag
def meeting_time_text(start, end, zone: str, reader=None) -> str:
    """The same for plain-text e-mails: one line in the meeting's zone, one in the reader's when chosen."""
    if start is None:
        return ""
    spans = _spans(start, end, zone, reader)
    text = str(spans["own"])
    if spans["theirs"]:
        text += "\n" + _("Your time: %(when)s") % {"when": spans["theirs"]}
    return text
