"""The Celery application: worker and beat both start from here."""

import os
import tempfile
from pathlib import Path

from celery import Celery

from portal import broker  # noqa: F401 - registers the embedded mode's broker transport ("portalfs://")

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
# A worker given CELERY_METRICS_PORT serves its task figures, which its pool processes record in files of this
# folder (portal/observability/task_runs.py): prometheus_client reads the variable once, when first imported.
if os.environ.get("CELERY_METRICS_PORT"):
    os.environ.setdefault(
        "PROMETHEUS_MULTIPROC_DIR", str(Path(tempfile.gettempdir()) / f"portal-worker-metrics-{os.getpid()}")
    )

# Imported here, after PROMETHEUS_MULTIPROC_DIR, for the reason above.
from portal.observability import task_runs

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# One log line and the figures of each task run, and the worker's metrics server.
task_runs.connect()
