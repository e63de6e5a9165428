import os
import subprocess
import sys

import pytest

BASE_ENV = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "portal.settings.base", "PORTAL_ENV": "production"}
PRODUCTION = {"SECRET_KEY": "k" * 50, "DATABASE_URL": "postgres://u@127.0.0.1/db", "EMAIL_HOST": "smtp.example.org"}


def load_settings(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.CACHES['default']['BACKEND'])",
        ],
        env={**BASE_ENV, **env},
        capture_output=True,
        text=True,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )


@pytest.mark.parametrize(
    ("env", "error"),
    [
        ({**PRODUCTION, "SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({**PRODUCTION, "DEBUG": "true"}, "DEBUG must be off"),
        ({**PRODUCTION, "DATABASE_URL": ""}, "DATABASE_URL must be set"),
    ],
)
def test_production_refuses_unsafe_configuration(env, error):
    result = load_settings(env)

    assert result.returncode != 0
    assert error in result.stderr


def test_production_uses_redis_cache():
    result = load_settings({**PRODUCTION, "REDIS_URL": "redis://127.0.0.1:6379/0"})

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "portal.cache_backends.ResilientRedisCache"


def test_embedded_mode_uses_local_cache_and_no_server():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.CACHES['default']['BACKEND'], s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, "
            "s.EMAIL_BACKEND, s.CELERY_TASK_ALWAYS_EAGER)",
        ],
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "portal.settings.base"},
        capture_output=True,
        text=True,
    )

    assert result.stdout.split() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.db.backends.sqlite3",
        "portalfs://",
        "django.core.mail.backends.console.EmailBackend",
        "False",
    ]
