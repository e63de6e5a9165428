"""Bulk decisions in the admin, bound to what the decider saw.

A decision action first shows every selected item as it is now (the text, tags
and files of a post, the affiliation a person claims...) together with its
version. Only the confirmation of that page decides, and for the version shown:
an item that changed in between is refused by the service and the changelist
says so, so its new version is read before anyone decides on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from portal.validators import whole_number

CONFIRM_FIELD = "confirm_decision"
SHOWN_PREFIX = "shown-"


@dataclass
class Shown:
    """One item on the confirmation page: the object, the version shown and anything the template needs."""

    obj: object
    version: str
    extra: dict = field(default_factory=dict)


def confirmed_versions(request) -> dict[int, str] | None:
    """The version of each item shown on the confirmation page, by primary key; None until it is confirmed."""
    if request.POST.get(CONFIRM_FIELD) != "yes":
        return None
    versions = {}
    for key, value in request.POST.items():
        pk = whole_number(key.removeprefix(SHOWN_PREFIX))
        if key.startswith(SHOWN_PREFIX) and pk is not None:
            versions[pk] = value
    return versions


def confirmation_page(
    modeladmin,
    request,
    *,
    action: str,
    heading: str,
    question: str,
    button: str,
    items: list[Shown],
    item_template: str,
    carry: dict[str, str] | None = None,
) -> TemplateResponse:
    """The page that shows each item as it is now, with the version bound to the decision."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": heading,
        "question": question,
        "button": button,
        "opts": modeladmin.model._meta,
        "items": items,
        "item_template": item_template,
        "action": action,
        "carry": carry or {},
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "confirm_field": CONFIRM_FIELD,
        "shown_prefix": SHOWN_PREFIX,
    }
    return TemplateResponse(request, "admin/portal/confirm_decision.html", context)
