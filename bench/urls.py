"""The portal's URLs plus the reference: a bare Django view, served by the same gunicorn in the same run."""

from django.http import HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def reference(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/reference/", reference), *portal_urlpatterns]
