"""Settings for the directive-tracking portal: one module, read from the environment.

Unset variables mean the embedded default (SQLite under var/, a broker on the filesystem, email written to
files), so that `make run` works on a fresh machine with nothing else installed. Production sets DEBUG=0 and
the variables below.
"""
import datetime
import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
# A development checkout keeps its settings in .env beside manage.py (`make run` writes DEBUG=1 there), so that
# `python manage.py ...` works as the README writes it. What the process's environment says wins; production sets
# its variables in the service's environment (deploy/systemd), and PORTAL_ENV_FILE="" reads no file at all.
_ENV_FILE = os.environ.get("PORTAL_ENV_FILE", str(BASE_DIR / ".env"))
if _ENV_FILE:
    load_dotenv(_ENV_FILE, override=False)
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var")).resolve()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# --- Core -------------------------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Development only: a fixed key so sessions survive restarts of `make run`.
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-8f3a1c"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Absolute address used in emails and calendar feeds, where there is no request to build links from.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# This installation's name in Message-IDs (core/installation.py); unset: derived from SECRET_KEY and the database.
PORTAL_INSTALLATION_ID = os.environ.get("PORTAL_INSTALLATION_ID", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's form templates, found by the project's template engine (FORM_RENDERER below).
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "import_export",
    # Third-party apps the admin lists, under Vietnamese names (config/apps.py).
    "config.apps.PeriodicScheduleConfig",
    "csp",
    "django_otp",
    "config.apps.AuthenticatorAppConfig",
    "config.apps.BackupCodesConfig",
    # The portal's apps, from the bottom up (docs/architecture.md; .importlinter holds the arrows to this order).
    "core",
    "jobs",
    "units",
    "accounts",
    "resolutions",
    "tasks",
    "intake",
    "notifications",
    "oversight",
    # The load generator and the benchmarks (generate_load, bench, bench_mail): development and measuring only.
    *(["devtools"] if DEBUG or env_bool("PORTAL_DEVTOOLS", False) else []),
    # Last, as django-axes asks: it wraps the other apps' login signals (named in Vietnamese by config/apps.py).
    "config.apps.LoginThrottlingConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.security.SecurityEventMiddleware",
    # Serves collected static files in production; with DEBUG on, Django's own server does (and the test server).
    *([] if DEBUG else ["whitenoise.middleware.WhiteNoiseMiddleware"]),
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The idle timeout: pushes the session's expiry forward at most once a minute (accounts/sessions.py).
    "accounts.sessions.IdleTimeoutMiddleware",
    # LocaleMiddleware, but the language is Vietnamese unless the person picked English (config/language.py).
    "config.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # no-store on every answer to a signed-in person (shared office computers: accounts/sessions.py).
    "accounts.sessions.SignedInNoStoreMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.security.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "accounts.context_processors.portal",
            ],
        },
    },
]

# Widgets render through the project's templates, so that a widget can have its own under templates/ (the task
# list's filters: templates/tasks/widgets/); Django's come from the django.forms app above.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database ---------------------------------------------------------------------------------------------
# DATABASE_URL unset: SQLite under var/. Production: postgres://user:pass@host:5432/name (psycopg 3).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "portal.sqlite3"}}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Web, worker and beat share the file (the default one, or a sqlite:/// DATABASE_URL): wait for a lock instead
    # of failing at once, and take the write lock when a transaction begins, so that one that read first cannot
    # fail on writing after another process wrote (SQLite answers that "database is locked" at once, no wait).
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ---------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# django-axes checks for a lockout first; Django's ModelBackend then checks the password.
AUTHENTICATION_BACKENDS = [
    "accounts.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tasks:home"
LOGOUT_REDIRECT_URL = "login"

# --- Internationalisation ---------------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as dd/mm/yyyy in both languages (config/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
# Uploaded files are never served as static files: only a view that checks permission hands them out.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Files above 2.5 MB are spooled to a temporary file while the request is read, never held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The non-file part of a request (report text and the other fields; file contents do not count).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880
# A report takes at most PORTAL_MAX_ATTACHMENTS files, each at most PORTAL_MAX_ATTACHMENT_BYTES. The report
# forms read the request through an upload handler (tasks.views.actions.AttachmentLimitHandler) that drops a
# larger file, or one past the count, while it streams in, so it never reaches the disk. The whole request body
# should also be bounded by the reverse proxy (nginx: client_max_body_size 210m = 10 × 20 MB and the text).
DATA_UPLOAD_MAX_NUMBER_FILES = 20
PORTAL_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
PORTAL_MAX_ATTACHMENTS = 10

# --- Email ------------------------------------------------------------------------------------------------
# EMAIL_URL unset: messages are written to files under var/mail/ (and shown in the office's outbox).
# smtp://user:password@host:25, smtp+tls://...:587 (STARTTLS), smtps://...:465 (implicit TLS).
EMAIL_URL = os.environ.get("EMAIL_URL", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Văn phòng Tỉnh ủy <no-reply@tinhuy.haugiang.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 20
if EMAIL_URL:
    _email = urlparse(EMAIL_URL)
    if _email.scheme not in {"smtp", "smtp+tls", "smtps"}:
        raise ImproperlyConfigured(f"EMAIL_URL scheme must be smtp, smtp+tls or smtps, not {_email.scheme!r}")
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or {"smtp": 25, "smtp+tls": 587, "smtps": 465}[_email.scheme]
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_TLS = _email.scheme == "smtp+tls"
    EMAIL_USE_SSL = _email.scheme == "smtps"
    _timeout = parse_qs(_email.query).get("timeout")
    if _timeout:
        EMAIL_TIMEOUT = int(_timeout[0])
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# --- Celery -----------------------------------------------------------------------------------------------
# REDIS_URL unset: kombu's filesystem transport under var/broker/ (no server needed).
REDIS_URL = os.environ.get("REDIS_URL", "")

# --- Cache ------------------------------------------------------------------------------------------------
# The dashboard's board, built at most once a minute per scope and selection (oversight/dashboard). With REDIS_URL,
# shared by every worker process; without it, each process keeps its own in memory. A cache that does not answer
# within a second is skipped (the board is built), never waited on.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal"}}
# What {% cache %} keeps: template fragments that depend only on the code, the language and values in the request
# (the task list's fixed filters, templates/tasks/partials/filter_bar.html). Each process keeps its own: no round
# trip to Redis for them, and a deploy starts afresh.
# After the shared cache fails once (Redis down or frozen), a process does not ask it again for this many seconds
# (core/cache.py): a frozen Redis costs one request about a second, not every request.
PORTAL_CACHE_COOLDOWN = float(os.environ.get("PORTAL_CACHE_COOLDOWN", "30"))
CACHES["template_fragments"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments"}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than any task may take: an unacknowledged message is redelivered after this.
        "visibility_timeout": 3600,
        # A publish from a web request tries once and gives up within about a second when Redis is down (refused)
        # or frozen (no reply); the ledger keeps the work and the sweep hands it over later
        # (tests/reliability/test_broker_outage.py measures it).
        "max_retries": 0,
        "socket_connect_timeout": 1,
        "socket_timeout": 1.5,
    }
else:
    BROKER_DIR = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "results", "control"):
        (BROKER_DIR / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    # kombu reads from data_folder_in and writes to data_folder_out: they must be the same folder.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
        # Broadcast (remote control) messages; the default is a "control" folder in the working directory.
        "control_folder": str(BROKER_DIR / "control"),
        # How often an idle worker looks into the folder. kombu's default (1 s) also paces a busy worker to about
        # one message a second per free pool process; a listdir every 0.1 s costs nothing.
        "polling_interval": 0.1,
    }
    CELERY_RESULT_BACKEND = f"file://{BROKER_DIR / 'results'}"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# At-least-once delivery: a message is acknowledged after the task ran, and requeued if the worker dies.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 3600
# A broker outage must never hang a web request: bound the publish retries.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# One name for the queue that web, workers and beat share (a test run uses its own).
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")

# --- Reminders and the outbox -----------------------------------------------------------------------------
# The policy itself (days, repeat, escalation, send time) is edited by the office in the admin (ReminderPolicy).
# A claimed email whose worker stopped refreshing the claim (a heartbeat every quarter of this) this many seconds
# ago is presumed lost with its worker and sent again by the next pass (every minute).
PORTAL_MAIL_CLAIM_TIMEOUT = int(os.environ.get("PORTAL_MAIL_CLAIM_TIMEOUT", "30"))
# An email handed to the workers this many seconds ago and still pending is handed over again (its message was lost
# with a killed worker or a broker restart; a second message for it finds it done and does nothing).
PORTAL_MAIL_REQUEUE_AFTER = int(os.environ.get("PORTAL_MAIL_REQUEUE_AFTER", "180"))
# Transient SMTP errors (4xx, dropped connections, timeouts): retry after BASE, 2*BASE, 4*BASE ... seconds, at most
# MAX seconds apart (below the broker's visibility timeout), then mark the email failed after MAX_ATTEMPTS tries.
PORTAL_MAIL_RETRY_BASE = float(os.environ.get("PORTAL_MAIL_RETRY_BASE", "60"))
PORTAL_MAIL_RETRY_MAX = float(os.environ.get("PORTAL_MAIL_RETRY_MAX", "1800"))
PORTAL_MAIL_MAX_ATTEMPTS = int(os.environ.get("PORTAL_MAIL_MAX_ATTEMPTS", "8"))
PORTAL_MAIL_TASK_TIME_LIMIT = 4 * EMAIL_TIMEOUT + 30
# The longest a request waits for the broker to take a message (a frozen Redis can take several socket timeouts).
PORTAL_BROKER_PUBLISH_TIMEOUT = float(os.environ.get("PORTAL_BROKER_PUBLISH_TIMEOUT", "1.0"))

# --- Exports and reports in the background (jobs) ---------------------------------------------------------
# An export of the task list with at most this many rows is a direct download; above it (and a report with more
# than PORTAL_REPORT_DIRECT_ROWS tasks in its appendix) the request starts a job and answers with its page.
PORTAL_EXPORT_DIRECT_ROWS = int(os.environ.get("PORTAL_EXPORT_DIRECT_ROWS", "5000"))
PORTAL_REPORT_DIRECT_ROWS = int(os.environ.get("PORTAL_REPORT_DIRECT_ROWS", "1000"))
# A document with more than this many bytes to read (a .docx's document.xml unpacked, a .pdf or .txt as uploaded,
# pasted text) is read by a worker, not the request: the import wizard's step 1 answers at once with the job's page,
# which opens the review when the document is read.
PORTAL_IMPORT_DIRECT_BYTES = int(os.environ.get("PORTAL_IMPORT_DIRECT_BYTES", "150000"))
# A finished file is kept this many hours, then deleted by the periodic pass (portal.tend_jobs); the job's row is
# forgotten after PORTAL_JOBS_KEEP_DAYS.
PORTAL_JOBS_KEEP_HOURS = int(os.environ.get("PORTAL_JOBS_KEEP_HOURS", "24"))
PORTAL_JOBS_KEEP_DAYS = int(os.environ.get("PORTAL_JOBS_KEEP_DAYS", "30"))
# At most this many of one person's jobs waiting or running at once.
PORTAL_JOBS_PER_PERSON = int(os.environ.get("PORTAL_JOBS_PER_PERSON", "3"))
# A job still running after this many seconds is stopped (Celery's soft time limit) and the person told why.
PORTAL_JOB_TIME_LIMIT = int(os.environ.get("PORTAL_JOB_TIME_LIMIT", "900"))

# --- Forms and interface ----------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
IMPORT_EXPORT_USE_TRANSACTIONS = True

# --- Security: transport (HTTPS) --------------------------------------------------------------------------
# Behind a TLS-terminating proxy (nginx), set TRUST_X_FORWARDED_PROTO=1 and have the proxy *overwrite*
# X-Forwarded-Proto; otherwise Django cannot tell HTTPS from HTTP and SECURE_SSL_REDIRECT would loop.
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Client address for lockouts and the security log: REMOTE_ADDR, or with TRUST_X_FORWARDED_FOR=1 the last
# X-Forwarded-For entry (the one our own proxy appended; earlier entries are whatever the client sent).
PORTAL_TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Health probes talk plain HTTP to the app server from the same host or the load balancer.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS") or (0 if DEBUG else 365 * 24 * 3600))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading is a commitment browsers keep for months: opt in deliberately (SECURE_HSTS_PRELOAD=1).
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# --- Security: cookies and sessions -----------------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Pages hand the CSRF token to htmx through the template (hx-headers), so no script needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True
# Idle timeout: SESSION_IDLE_MINUTES without a request logs out. A request pushes the expiry forward when the
# session was last saved a minute or more ago (accounts.sessions.IdleTimeoutMiddleware), not on every request
# (SESSION_SAVE_EVERY_REQUEST cost a write on every page): the timeout holds within a minute.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES") or 30) * 60
# Shared office computers: closing the browser ends the session too.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Security: login throttling (django-axes) -------------------------------------------------------------
# LOGIN_FAILURE_LIMIT wrong passwords for one username from one address lock that pair out for
# LOGIN_COOLOFF_MINUTES. LOGIN_LOCKOUT_BY lists what is counted together: "username+ip_address" (default),
# "username" (also stops guessing spread over many addresses, but lets anyone lock a colleague out), "ip_address";
# several separated by commas. The office unlocks in the admin (Axes → Access attempts) or `manage.py axes_reset`.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT") or 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES") or 15))
AXES_LOCKOUT_PARAMETERS = [
    group.split("+") if "+" in group else group
    for group in env_list("LOGIN_LOCKOUT_BY", ["username+ip_address"])
]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.security.lockout_response"
AXES_ALLOWED_CORS_ORIGINS = SITE_URL

# --- Security: two-factor login (django-otp, TOTP) --------------------------------------------------------
# Staff need a code from a phone app for /admin/; others may enrol. Default on in production, off with DEBUG
# (the demo and the tests sign in without a phone); PORTAL_ADMIN_REQUIRE_2FA=1/0 overrides.
PORTAL_ADMIN_REQUIRE_2FA = env_bool("PORTAL_ADMIN_REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER") or "Tỉnh ủy Hậu Giang"

# --- Security: response headers ---------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp 4): everything from this origin, no inline script or style, no framing.
# data: images are Bootstrap's inline SVG icons (select arrows, check marks) in its stylesheet.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Logging ----------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
# Security events (logins, lockouts, denied access, permission changes: accounts.security) are always kept, whatever
# LOG_LEVEL says; SECURITY_LOG_FILE also writes them to a file of their own (logrotate may move it).
LOGGING["loggers"]["portal.security"] = {"level": "INFO"}
if os.environ.get("SECURITY_LOG_FILE"):
    LOGGING["handlers"]["security_file"] = {
        "class": "logging.handlers.WatchedFileHandler",
        "filename": os.environ["SECURITY_LOG_FILE"],
        "formatter": "plain",
    }
    LOGGING["loggers"]["portal.security"]["handlers"] = ["security_file"]
