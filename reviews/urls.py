from django.urls import path

from reviews import views

app_name = "reviews"
urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("calendar.ics", views.calendar_ics, name="calendar_ics"),
    path("calendar/rules/", views.RulesOverviewView.as_view(), name="rules"),
    path("calendar/events/<int:pk>/", views.EventView.as_view(), name="event"),
    path("calendar/events/<int:pk>.ics", views.event_ics, name="event_ics"),
    path("regions/<slug:code>/", views.RegionView.as_view(), name="region"),
    path("regions/<slug:code>/calendar.ics", views.region_ics, name="region_ics"),
]
