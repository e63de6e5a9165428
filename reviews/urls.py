from django.urls import path

from portal.cache import public_page
from reviews import views

app_name = "reviews"
urlpatterns = [
    path("calendar/", public_page(views.calendar), name="calendar"),
    path("calendar.ics", public_page(views.calendar_ics), name="calendar_ics"),
    path("calendar/rules/", views.RulesOverviewView.as_view(), name="rules"),
    path("calendar/events/<int:pk>/", public_page(views.EventView.as_view()), name="event"),
    path("calendar/events/<int:pk>.ics", public_page(views.event_ics), name="event_ics"),
    path("regions/<slug:code>/", public_page(views.RegionView.as_view()), name="region"),
    path("workspace/", views.workspaces, name="workspaces"),
    path("regions/<slug:code>/<slug:cycle>/workspace/", views.workspace, name="workspace"),
    path("regions/<slug:code>/calendar.ics", public_page(views.region_ics), name="region_ics"),
]
