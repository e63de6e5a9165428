from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from portal.permissions import can, can_in_region, regions_for
from reviews import selectors, times
from reviews import workspace as workspace_engine
from reviews.filters import EventFilter
from reviews.ical import build_calendar
from reviews.models import Event, Region, ReviewCycle

PAGE_SIZE = 20


def calendar(request):
    """All events, filtered and paginated; the filters stay in the page links."""
    event_filter = EventFilter(request.GET or None, queryset=selectors.events())
    # An unknown filter value shows nothing rather than everything, with the error next to the filter.
    events = Event.objects.none() if event_filter.is_bound and not event_filter.is_valid() else event_filter.qs
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/calendar.html",
        {"filter": event_filter, "page": page, "events": times.attach(page.object_list)},
    )


class RegionView(TemplateView):
    template_name = "reviews/region.html"

    def get_context_data(self, **kwargs):
        region = get_object_or_404(Region, code=self.kwargs["code"])
        cycle = selectors.current_cycle()
        events = times.attach(selectors.events().filter(region=region, cycle=cycle)) if cycle else []
        context = {
            **super().get_context_data(**kwargs),
            "region": region,
            "cycle": cycle,
            "events": events,
            "upcoming": times.attach(selectors.upcoming_events(limit=3, region=region)),
            "conflicting": {e.pk for e in events if selectors.conflicts(e)},
            # Calls for written inputs (004: "posted on the regional landing page"), newest first.
            "input_calls": list(region.input_calls.filter(published=True).select_related("cycle")),
        }
        if cycle and can_in_region(self.request.user, "reviews.manage_calendar", region.pk):
            context["rule_results"] = selectors.rule_results(region=region, cycle=cycle)
        return context


class EventView(DetailView):
    template_name = "reviews/event.html"
    context_object_name = "event"

    def get_queryset(self):
        return selectors.events()

    def get_context_data(self, **kwargs):
        times.attach([self.object])
        return {**super().get_context_data(**kwargs), "conflicts": selectors.conflicts(self.object)}


class RulesOverviewView(TemplateView):
    template_name = "reviews/rules.html"

    def dispatch(self, request, *args, **kwargs):
        if not can(request.user, "reviews.manage_calendar"):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        cycle = selectors.current_cycle()
        regions = regions_for(self.request.user, "reviews.manage_calendar")
        return {
            **super().get_context_data(**kwargs),
            "cycle": cycle,
            # A focal point sees the regions they plan; the secretariat every region.
            "overview": [
                (region, results)
                for region, results in (selectors.rule_overview(cycle=cycle) if cycle else [])
                if regions is None or region.pk in regions
            ],
        }


def _ics_response(request, events, *, name: str, filename: str) -> HttpResponse:
    body = build_calendar(times.attach(events), name=name, base_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    return response


def calendar_ics(request):
    return _ics_response(request, selectors.events(), name=_("GCM Regional Reviews"), filename="gcm-regional-reviews")


def region_ics(request, code: str):
    region = get_object_or_404(Region, code=code)
    return _ics_response(
        request,
        selectors.events().filter(region=region),
        name=_("GCM Regional Review: %(region)s") % {"region": region.name},
        filename=f"gcm-regional-review-{region.code}",
    )


def event_ics(request, pk: int):
    events = selectors.events().filter(pk=pk)
    if not events:
        raise Http404
    event = events[0]
    return _ics_response(request, [event], name=event.label, filename=slugify(event.key))


class HomeView(TemplateView):
    """The portal's front page: the regions and the next events of the calendar."""

    template_name = "reviews/home.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "regions": selectors.regions_for_contacts(),
            "upcoming": times.attach(selectors.upcoming_events(limit=5)),
        }


class ContactsView(TemplateView):
    template_name = "reviews/contacts.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "regions": selectors.regions_for_contacts()}


def workspace(request, code: str, cycle: str):
    """The review's dashboard for one region and cycle: its task team, its focal points and the secretariat.

    Every tile (reviews.workspace) says where one part of the review stands and links to the list behind it.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    found = selectors.region_and_cycle(code=code, cycle=cycle)
    if found is None:
        raise Http404
    region, review_cycle = found
    if not can_in_region(request.user, "reviews.workspace", region.pk):
        raise PermissionDenied
    tiles, deadlines = workspace_engine.rendered(
        region=region, cycle=review_cycle, user=request.user, page=request.GET.get("page")
    )
    return render(
        request,
        "reviews/workspace.html",
        {"region": region, "cycle": review_cycle, "tiles": tiles, "deadlines": deadlines},
    )


def workspaces(request):
    """The review dashboards a person may open: their regions (every region for the secretariat), each cycle."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can(request.user, "reviews.workspace"):
        raise PermissionDenied
    regions = regions_for(request.user, "reviews.workspace")
    shown = Region.objects.order_by("position") if regions is None else Region.objects.filter(pk__in=regions)
    return render(
        request,
        "reviews/workspaces.html",
        {"regions": list(shown.order_by("position")), "cycles": list(ReviewCycle.objects.order_by("-start_year"))},
    )
