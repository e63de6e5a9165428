"""The portal's URLs plus two yardsticks served by the same gunicorn in the same run.

- the reference: a bare Django view behind the portal's own middleware, against which every page's speed is a ratio;
- the signed-in reference: the least a signed-in Django page does (the session read from the database, the person
  loaded, CSRF and messages, one 20-row query, a small template with a form), for scale: what a signed-in page of
  any Django site costs on the same machine, in the same run.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from consultations.models import Consultation
from portal.urls import urlpatterns as portal_urlpatterns

SIGNED_IN_PAGE = engines["django"].from_string(
    """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signed in</title></head><body>
{% for message in messages %}<p>{{ message }}</p>{% endfor %}
<p>{{ request.user.email }}</p>
<ul>{% for row in rows %}
<li><a href="/consultations/{{ row.pk }}/">{{ row.title }}</a> {{ row.registration_deadline|date }}</li>
{% endfor %}</ul>
<form method="post">{% csrf_token %}{{ form }}<button>Send</button></form>
</body></html>"""
)


class Form(forms.Form):
    text = forms.CharField(label="Text", max_length=200)


def reference(request):
    return HttpResponse("ok", content_type="text/plain")


@login_required
def signed_in_reference(request):
    rows = Consultation.objects.order_by("-pk").only("pk", "title", "registration_deadline")[:20]
    return HttpResponse(SIGNED_IN_PAGE.render({"rows": rows, "form": Form()}, request))


urlpatterns = [
    path("bench/reference/", reference),
    path("bench/signed-in/", signed_in_reference),
    *portal_urlpatterns,
]
