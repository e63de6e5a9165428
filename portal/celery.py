"""The Celery application: worker and beat both start from here."""

import os

from celery import Celery

from portal import broker  # noqa: F401 - registers the embedded mode's broker transport ("portalfs://")

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
