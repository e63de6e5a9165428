"""Settings for every environment, read from environment variables.

Without any variable set, the portal runs in its *embedded* mode: SQLite, a
local-memory cache, e-mail printed on the console and Celery on kombu's
filesystem transport, so ``make run`` needs no server. Setting
``PORTAL_ENV=production`` switches to the production behaviour: a secret key
and a database URL are then required and DEBUG may not be on.
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from portal.env import env, env_bool, env_list
from portal.observability.sentry import sentry_init

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env("PORTAL_VAR_DIR", str(BASE_DIR / "var")))

PORTAL_ENV = env("PORTAL_ENV", "embedded")
PRODUCTION = PORTAL_ENV == "production"
EMBEDDED = PORTAL_ENV == "embedded"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env("SECRET_KEY", "")
if PRODUCTION:
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when PORTAL_ENV=production.")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when PORTAL_ENV=production.")
elif not SECRET_KEY:
    SECRET_KEY = "embedded-mode-only-not-a-secret"  # noqa: S105 - never used in production

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # modeltranslation must come before the admin to patch its forms.
    "modeltranslation",
    "portal.apps.PortalConfig",
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # allauth.mfa's security-key pages use it
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "django_filters",
    "portal.apps.LiveSettingsConfig",  # django-constance, named for the administration
    "reviews.apps.ReviewsConfig",
    "consultations.apps.ConsultationsConfig",
    "discussions.apps.DiscussionsConfig",
    "funding.apps.FundingConfig",
    "reminders.apps.RemindersConfig",
]

MIDDLEWARE = [
    # First, so a request's time and queries cover everything (portal/observability/middleware.py).
    "portal.observability.middleware.RequestObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before the page cache, so cached pages carry the policy too.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the session, CSRF and language middleware, so it sees every cookie they set.
    "portal.cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Staff who have not set up a second factor reach only the pages that set one up.
    "portal.middleware.SecondFactorRequiredMiddleware",
    "portal.middleware.PreferredLanguageMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# The benchmark serves the same URLs plus a bare reference view (bench/urls.py).
ROOT_URLCONF = env("PORTAL_URLCONF", "portal.urls")
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
                "reviews.context_processors.regions",
            ],
        },
    },
]

DATABASE_URL = env("DATABASE_URL", "")
if PRODUCTION and not DATABASE_URL:
    raise ImproperlyConfigured("DATABASE_URL must be set when PORTAL_ENV=production.")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
        conn_max_age=60 if PRODUCTION else 0,
        conn_health_checks=PRODUCTION,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    # An unreachable Redis is a cache miss, not an error page (portal/cache_backends.py). Short timeouts, so a
    # hung Redis costs one request a fraction of a second; it is then left alone for RETRY_AFTER seconds.
    CACHES = {
        "default": {
            "BACKEND": "portal.cache_backends.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5, "RETRY_AFTER": 5},
        }
    }
    # Sessions read from the shared cache, written through to the database: a signed-in page skips one query.
    # Only with a cache every process shares: one process's own memory would keep a session another signed out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Whole anonymous pages are cached this long (portal/cache.py), and dropped at once on any content change.
# Off unless the cache is shared by every process: with the embedded default each process has its own.
PUBLIC_PAGE_CACHE_SECONDS = int(env("PUBLIC_PAGE_CACHE_SECONDS", "120" if REDIS_URL and PRODUCTION else "0"))

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out address and e-mail never reach the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "portal.permissions.RoleBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"

# django-allauth: the e-mail address is the login and must be verified.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_FORMS = {"signup": "portal.forms.SignupForm"}
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_USER_DISPLAY = "portal.adapters.user_display"
# allauth's own rate limits count in the cache: Redis, shared by every process, in production. Its defaults
# stand (password reset 5 a minute per e-mail...) but for signing in and up, where they are per network
# address only: a limit per e-mail would let a stranger's failures stop the owner's right password. One
# e-mail is protected by django-axes and portal/sign_in.py instead. A consultation venue puts hundreds of
# people behind one address, so signing in and up is sized for a room, failures for a few typos a minute.
ACCOUNT_RATE_LIMITS = {"login_failed": "30/m/ip", "login": "300/m/ip", "signup": "60/m/ip"}
# Guessing one e-mail from many addresses (portal/sign_in.py): failures from at least this many addresses,
# adding up to at least this many within the axes cool-off, pause password sign-ins from unknown browsers.
SIGN_IN_SPREAD_ADDRESSES = int(env("SIGN_IN_SPREAD_ADDRESSES", "3"))
SIGN_IN_SPREAD_FAILURES = int(env("SIGN_IN_SPREAD_FAILURES", "10"))

# Second factors (allauth.mfa): an authenticator app (TOTP) with recovery codes, and security keys (WebAuthn)
# where the browser offers them. Staff must use one (portal.middleware.SecondFactorRequiredMiddleware);
# anybody else may. One step of clock drift either way is accepted, as RFC 6238 advises.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", "GCM Regional Reviews")
MFA_TOTP_TOLERANCE = 1
MFA_PASSKEY_LOGIN_ENABLED = False
# Codes are also limited per account (portal.forms.SecondFactorCodeForm), whatever the address they come from.
MFA_FORMS = {
    "authenticate": "portal.forms.SecondFactorCodeForm",
    "reauthenticate": "portal.forms.SecondFactorReauthenticateForm",
}
# Five wrong codes in five minutes, twenty in a day: guessing a 6-digit code this way takes centuries.
SECOND_FACTOR_CODE_LIMIT = env("SECOND_FACTOR_CODE_LIMIT", "5/5m/key,20/1d/key")
# Security keys need a secure origin; the embedded mode serves http://127.0.0.1, which browsers accept too.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION

# django-axes: after five failed sign-ins for one e-mail address from one address, that pair is locked for
# 30 minutes (the admin signs in through the same page). Attempts live in the database, so the lock holds
# when Redis is down; only failures are stored, and only for the lockout.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "portal.security.sign_in_identifier"
AXES_LOCKOUT_CALLABLE = "portal.security.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_SENSITIVE_PARAMETERS = ["password", "login", "email", "username"]
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False  # the secretariat uses portal.admin.SignInLockAdmin instead
# Behind reverse proxies, the client address is the one the first trusted proxy appended to X-Forwarded-For
# (portal.security.client_ip): django-axes and allauth's rate limits both read it, so a lock holds one
# person's address, never the proxy's (which would lock everybody out at once).
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "portal.security.client_ip"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", "العربية"),
    ("zh-hans", "中文"),
    ("en", "English"),
    ("fr", "Français"),
    ("ru", "Русский"),
    ("es", "Español"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"

MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "GCM Regional Reviews portal <no-reply@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_HOST = env("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(env("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
    EMAIL_TIMEOUT = 20
elif PRODUCTION:
    raise ImproperlyConfigured("EMAIL_HOST must be set when PORTAL_ENV=production.")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport,
# which needs no server and still runs a real worker and beat.
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"socket_connect_timeout": 2}
else:
    _broker_dir = VAR_DIR / "celery"
    # Every process that sends a task needs these folders, not only the worker.
    for _folder in ("queue", "processed", "results", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    # kombu's filesystem transport with whole-message writes (portal/broker.py).
    CELERY_BROKER_URL = "portalfs://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # kombu's exchange tables, which it would otherwise write into the working directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{_broker_dir / 'results'}"
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# With the broker unreachable a publish gives up after these quick retries (about 0.6 s) and
# portal.tasks.enqueue keeps the task or reports it; the page that queued it still succeeds.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 3, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Nobody reads what the tasks return. Storing it is not only waste: each .delay() would also subscribe to
# the result in Redis and, with Redis down, wait 20 s and break the client. ping and the scan keep theirs.
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE: dict = {
    # The digest of what each person follows (portal.digest): every morning for those who chose daily, on
    # DIGEST_WEEKDAY for those who chose weekly.
    "digests": {"task": "portal.tasks.send_digests", "schedule": crontab(hour=6, minute=0)},
    # The reminder scanner: finds what is due from the data itself; nothing is scheduled weeks ahead.
    "reminder-scan": {"task": "reminders.tasks.scan_reminders", "schedule": 300.0},
    # Tasks that could not be queued while the broker was down (portal/tasks.py), queued once it is back.
    "queue-unsent": {"task": "portal.tasks.queue_unsent", "schedule": 60.0},
    # Passport details of visa invitation letters, erased a set time after their meeting (below).
    "erase-passport-details": {
        "task": "consultations.tasks.erase_expired_letters",
        "schedule": crontab(hour=3, minute=15),
    },
}
# The day weekly digests go out: 0 is Monday, 6 Sunday (portal.digest).
DIGEST_WEEKDAY = int(env("DIGEST_WEEKDAY", "0"))
if not 0 <= DIGEST_WEEKDAY <= 6:
    raise ImproperlyConfigured("DIGEST_WEEKDAY is a day of the week: 0 (Monday) to 6 (Sunday).")
DIGEST_LOCK_PEOPLE = True  # switched off only by the control test that proves the race exists
# Days after a meeting ends before the passport details given for its invitation letters are erased.
INVITATION_LETTER_RETENTION_DAYS = int(env("INVITATION_LETTER_RETENTION_DAYS", "30"))
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_HTTPONLY = True  # no script of ours reads it; forms carry the token
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    # Prometheus scrapes /metrics over the deployment's own network, in plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]

# A strict Content-Security-Policy: scripts, styles, fonts and images only from the portal itself, no inline
# script or style anywhere (there is none in the templates; a test keeps it so), no framing, no plugins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap draws form controls with small SVG data: images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        **({"upgrade-insecure-requests": True} if PRODUCTION else {}),
    }
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json_line": {"format": "%(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # The request and task lines (REQUEST_LOG, below): each message is one JSON object, written as it is. To
        # the process's own stderr, so the Celery worker's log prefix, or its stderr redirection, never wraps it.
        "json_lines": {"class": "logging.StreamHandler", "formatter": "json_line", "stream": "ext://sys.__stderr__"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # axes logs every failed sign-in at INFO; the lockouts it logs as warnings are what matters.
        "axes": {"level": "WARNING"},
        # Django logs each 404 with its raw path, which can hold a secret link's token (a calendar feed, a
        # certificate's verification): the request line (status and route) says enough. Errors stay logged.
        "django.request": {"level": "ERROR"},
        # INFO whatever LOG_LEVEL says: REQUEST_LOG turns them off.
        "portal.requests": {"handlers": ["json_lines"], "level": "INFO", "propagate": False},
        "portal.tasks": {"handlers": ["json_lines"], "level": "INFO", "propagate": False},
    },
}

PORTAL_SITE_NAME = _("GCM Regional Reviews")
ADMINS = [("Secretariat", a) for a in env_list("ADMIN_EMAILS", [])]
FORMAT_MODULE_PATH = ["portal.formats"]
PORTAL_ICAL_DOMAIN = env("PORTAL_ICAL_DOMAIN", "gcm-regional-reviews.example.org")
FORMS_URLFIELD_ASSUME_HTTPS = True
CONSULTATIONS_LOCK_PLACES = True  # switched off only by the control test that proves the race exists
PRIVATE_ROOT = Path(env("PRIVATE_ROOT", str(VAR_DIR / "private")))  # never served directly
STORAGES["private"] = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": PRIVATE_ROOT}}
# Where the portal is reached from outside: links in e-mails (digests, reminders) start with it.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
FUNDING_LOCK_BUDGET = True  # switched off only by the control test that proves the race exists

# Machine translation of posts (portal/machine_translation.py): the engines in order of preference, none by
# default, and then the feature is absent. Pending or private text only ever goes to an engine on the portal's
# own machines: Apertium (a local command), or LibreTranslate when declared local here AND its host resolves only
# to loopback or private-network addresses.
MACHINE_TRANSLATION_ENGINES = [name.lower() for name in env_list("MACHINE_TRANSLATION_ENGINES", [])]
if _unknown_engines := set(MACHINE_TRANSLATION_ENGINES) - {"apertium", "libretranslate"}:
    raise ImproperlyConfigured(
        f"MACHINE_TRANSLATION_ENGINES: unknown {', '.join(sorted(_unknown_engines))} (apertium, libretranslate)."
    )
# Seconds one translation may take in all, so a page waiting for it is never held for long.
MACHINE_TRANSLATION_TIMEOUT = float(env("MACHINE_TRANSLATION_TIMEOUT", "10"))
APERTIUM_DATADIR = env("APERTIUM_DATADIR", "/usr/share/apertium")
LIBRETRANSLATE_URL = env("LIBRETRANSLATE_URL", "").rstrip("/")
LIBRETRANSLATE_API_KEY = env("LIBRETRANSLATE_API_KEY", "")
LIBRETRANSLATE_LOCAL = env_bool("LIBRETRANSLATE_LOCAL", default=False)  # the operator's declaration, then checked
if "libretranslate" in MACHINE_TRANSLATION_ENGINES and not LIBRETRANSLATE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("LIBRETRANSLATE_URL must be an http:// or https:// address to use LibreTranslate.")

# Live settings: numbers the portal chose itself, not rules of the planning documents (those are in
# reviews/planning.py), and which of two documents the portal follows where they disagree; the secretariat
# changes them in the administration without a release. Read where they are used, once per page, scan or
# e-mail, never per row, with constance.utils.get_values_for_keys: one query on a small keyed table, never a
# write. constance's own cache is left off: it refuses the local-memory cache of the embedded mode, and a cache
# emptied between two pages would make the first cost more than the next.
CONSTANCE_BACKEND = "constance.backends.database.DatabaseBackend"
# Secretariat members get the page through their role's permissions (constance.view_config and
# constance.change_config in portal.permissions.MODEL_PERMISSIONS); superusers always do; nobody else.
CONSTANCE_SUPERUSER_ONLY = False
CONSTANCE_ADDITIONAL_FIELDS = {
    # The window-opens reminder must come before the one two weeks ahead of the 12-week deadline
    # (reviews.planning.PRE_CONSULTATION_BEFORE_REVIEW): 15 weeks at the least.
    "weeks": ["django.forms.IntegerField", {"min_value": 15, "max_value": 52}],
    "hours": ["django.forms.IntegerField", {"min_value": 1, "max_value": 24 * 14}],
    # Enough for somebody to say who they are and what they would bring: a limit of one word refuses everyone.
    "words": ["django.forms.IntegerField", {"min_value": 50, "max_value": 2000}],
    # The statement is stored in a field of at most 2,000 characters (consultations.models.ExpressionOfInterest).
    "characters": ["django.forms.IntegerField", {"min_value": 300, "max_value": 2000}],
}
# Each help text says the number is the portal's own choice (one sentence, translated once).
_OWN_CHOICE = _("The portal's own choice, not a rule of the planning documents.")
CONSTANCE_CONFIG = {
    "PRE_CONSULTATION_REMINDER_WEEKS": (
        16,
        format_lazy(
            "{} {}",
            _(
                "Weeks before the earliest possible day of a Regional Review when the secretariat is first "
                "reminded to plan the stakeholder pre-consultation."
            ),
            _OWN_CHOICE,
        ),
        "weeks",
    ),
    "MODERATION_BACKLOG_HOURS": (
        48,
        format_lazy(
            "{} {}",
            _("Hours a post may wait for moderation before the moderators of its space are reminded."),
            _OWN_CHOICE,
        ),
        "hours",
    ),
    "INTEREST_WORD_LIMIT": (
        150,
        format_lazy("{} {}", _("Most words in the statement of an offer to speak at a consultation."), _OWN_CHOICE),
        "words",
    ),
    "INTEREST_MAX_CHARS": (
        2000,
        format_lazy(
            "{} {}",
            _(
                "Most characters in the statement of an offer to speak, whatever the script: a wall of text is "
                "refused even within the word limit."
            ),
            _OWN_CHOICE,
        ),
        "characters",
    ),
    # Where two documents disagree (discussions.permissions): off follows the concept note of the spaces (002).
    "MEMBER_STATES_MAY_POST": (
        False,
        _(
            "Member States may post in the discussion spaces, not only read them. The documents disagree: the "
            "concept note of the discussion spaces (GCM Regional Review for UNECE Stakeholder Online Discussion "
            "Space) lets only stakeholders and UN system members post; the practical guide for migrants and other "
            "stakeholders (Migration Justice) has Member States share input too. Off follows the concept note, the "
            "more specific of the two; on follows the guide. The discussion spaces say which one the portal follows."
        ),
        bool,
    ),
}
CONSTANCE_CONFIG_FIELDSETS = (
    (_("Reminders"), ("PRE_CONSULTATION_REMINDER_WEEKS", "MODERATION_BACKLOG_HOURS")),
    (_("Offers to speak"), ("INTEREST_WORD_LIMIT", "INTEREST_MAX_CHARS")),
    (_("Discussion spaces"), ("MEMBER_STATES_MAY_POST",)),
)

# Seeing it in production (portal/observability/, README "Seeing it in production"). One JSON line per request and
# per task run: on in production; off elsewhere, where the console is the developer's.
REQUEST_LOG = env_bool("REQUEST_LOG", default=PRODUCTION)
# The request figures of /metrics: a few microseconds a request.
REQUEST_METRICS = env_bool("REQUEST_METRICS", default=True)
# /metrics answers clients on these networks (loopback and the private ranges; a docker-compose network is in
# 172.16.0.0/12) whose request carries no proxy header, and anybody with the bearer token METRICS_TOKEN.
METRICS_ALLOWED_NETWORKS = env_list(
    "METRICS_ALLOWED_NETWORKS",
    ["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
)
for _network in METRICS_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"METRICS_ALLOWED_NETWORKS: {_network!r} is not a network (10.0.0.0/8).") from None
METRICS_TOKEN = env("METRICS_TOKEN", "")
if METRICS_TOKEN and len(METRICS_TOKEN) < 16:
    raise ImproperlyConfigured("METRICS_TOKEN must be at least 16 characters long.")
# Error reports to Sentry when SENTRY_DSN is set (portal/observability/sentry.py); nothing is loaded otherwise.
SENTRY_ENABLED = sentry_init(os.environ)
