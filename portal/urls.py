"""The root URL configuration. Every page but the health check and the
language switch lives under a language prefix (/en/, /ar/, ...)."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView
from django.views.i18n import set_language

from portal import translation_views, views
from portal.cache import public_page
from portal.observability.metrics import metrics_view
from reviews import views as reviews_views


def static_page(template_name: str):
    return public_page(TemplateView.as_view(template_name=template_name))


portal_patterns = (
    [
        # The front page and the contacts are the calendar's (reviews), under the portal's names.
        path("", public_page(reviews_views.HomeView.as_view()), name="home"),
        path("principles/", static_page("portal/principles.html"), name="principles"),
        path("privacy/", static_page("portal/privacy.html"), name="privacy"),
        path("contacts/", public_page(reviews_views.ContactsView.as_view()), name="contacts"),
        path("profile/", views.ProfileView.as_view(), name="profile"),
        path("profile/data/", views.my_data, name="my_data"),
        path("profile/data/download/", views.my_data_download, name="my_data_download"),
        path("profile/delete/", views.account_delete, name="account_delete"),
        path("translations/<slug:key>/<int:pk>/", translation_views.content_translate, name="content_translate"),
        path("accounts/confirm-sign-in/<str:token>/", views.confirm_sign_in, name="confirm_sign_in"),
    ],
    "portal",
)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # Prometheus's scrape, for the deployment's own network only (portal/observability/metrics.py).
    path("metrics", metrics_view, name="metrics"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/switch/", views.switch_language, name="switch_language"),
]
urlpatterns += i18n_patterns(
    path("", include(portal_patterns)),
    path("", include("reviews.urls")),
    path("consultations/", include("consultations.urls")),
    path("discussions/", include("discussions.urls")),
    path("funding/", include("funding.urls")),
    path("reminders/", include("reminders.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
)

handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
