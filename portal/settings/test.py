"""Settings for the test suite: real PostgreSQL and Redis, tasks run eagerly.

``DATABASE_URL`` and ``REDIS_URL`` are required; ``tests/provision.py``
starts throwaway servers and sets them when they are missing.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("PORTAL_ENV", "test")

from portal.settings.base import *  # noqa: F403
from portal.settings.base import DATABASE_URL, REDIS_URL

if not DATABASE_URL.startswith(("postgres://", "postgresql://")) or not REDIS_URL:
    raise ImproperlyConfigured(
        "The tests run against real PostgreSQL and Redis: set DATABASE_URL and REDIS_URL, "
        "or run them through `make test`, which provisions throwaway servers."
    )

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests run tasks in-process; the deployment tests start a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
ALLOWED_HOSTS = ["*"]
import tempfile  # noqa: E402

PRIVATE_ROOT = Path(tempfile.mkdtemp(prefix="portal-test-private-"))
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="portal-test-media-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": MEDIA_ROOT}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": PRIVATE_ROOT}},
}
# No machine translation unless a test configures an engine: the suite does not depend on the machine's environment.
MACHINE_TRANSLATION_ENGINES: list[str] = []
