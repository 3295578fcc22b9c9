"""Settings for FirstContact, read from the environment.

Defaults are safe for production (DEBUG off, a secret key required); `make run` and the
test suite set DEBUG and a throwaway key explicitly.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def tile_origins(url_template: str) -> list[str]:
    """The CSP source for a Leaflet tile URL template: its scheme and host, with a "{s}"
    subdomain label as a wildcard; none when the map has no tiles."""
    parts = urlsplit(url_template)
    if not parts.scheme or not parts.netloc:
        return []
    labels = parts.netloc.split(".")
    if labels[0].startswith("{"):
        labels[0] = "*"
    if any("{" in label for label in labels):
        return [f"{parts.scheme}:"]  # a placeholder elsewhere in the host: the scheme alone
    return [f"{parts.scheme}://{'.'.join(labels)}"]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
    else:
        raise ImproperlyConfigured(
            "Set SECRET_KEY in the environment (or DEBUG=1 for development)."
        )

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
if DEBUG:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "testserver"]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    # Staff sign-in: second factors (django-otp) and lockout (django-axes), firstcontact.accounts.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "firstcontact.accounts",
    "django_tasks_db",
    "django_htmx",
    "firstcontact.partners",
    "firstcontact.privacy",
    "firstcontact.catalogue",
    "firstcontact.customers",
    "firstcontact.contacts",
    "firstcontact.servicerequests",
    "firstcontact.notify",
    "firstcontact.demo",
    "firstcontact.desk",
    "firstcontact.open311",
    "firstcontact.telephony",
    "firstcontact.insight",
    "firstcontact.lifeevents",
    "firstcontact.portal",
    "firstcontact.dpo",
    "firstcontact.retention",
    "firstcontact.inbox",
    "firstcontact.directory",
    "firstcontact.translations",
    "firstcontact.linkage",
    "firstcontact.steward",
    "firstcontact.casework",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy from SECURE_CSP (a fresh nonce per response), then the headers
    # Django lacks: Permissions-Policy, no-store on personal pages (firstcontact/security.py).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "firstcontact.security.SecurityHeadersMiddleware",
    # The Open311 API (api_key on each request, no cookies) skips the session, locale, CSRF,
    # auth, messages and htmx middleware below (firstcontact/open311/middleware.py).
    "firstcontact.open311.middleware.Open311APIMiddleware",
    # The same for the inbound mail and SMS webhooks under /inbound/ (firstcontact/inbox/).
    "firstcontact.inbox.middleware.InboundWebhookMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware on the resident site's pages only (staff pages stay English).
    "firstcontact.portal.middleware.ResidentLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session gave its second factor.
    "django_otp.middleware.OTPMiddleware",
    # Staff sessions end after FIRSTCONTACT["STAFF_IDLE_MINUTES"] idle, and reach no staff
    # page before their second factor (firstcontact/accounts/middleware.py).
    "firstcontact.accounts.middleware.StaffIdleTimeoutMiddleware",
    "firstcontact.accounts.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.htmx: staff pages answer htmx requests with just the part that changed.
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a locked-out sign-in into the lockout page (last, as axes asks).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "firstcontact.urls"
WSGI_APPLICATION = "firstcontact.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                # csp_nonce, for the few inline <script>s ({% csp_nonce_attr %}).
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # GOV.UK Frontend form fields and error summaries: {% load govuk %}.
            "libraries": {"govuk": "firstcontact.govuk.templatetags"},
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{PROJECT_DIR / 'var' / 'firstcontact.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and the web server write without "database is locked" errors.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Passwords after the NCSC's guidance: length (12 to 128 characters) and no common or
# look-alike passwords; no composition rules.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "firstcontact.accounts.validators.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout (django-axes): 5 failed sign-ins for one login, or 20 from one address (a contact
# centre's staff share one; FIRSTCONTACT["SIGN_IN_FAILURES_PER_ADDRESS"]), within 15 minutes
# lock it for 15 minutes; a partnership administrator can unlock sooner (admin: Axes › Access
# attempts, or "Unlock sign-in" on a staff login). Every failure and lockout is audited.
AXES_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_FAILURES_PER_LOGIN", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("SIGN_IN_LOCKOUT_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "firstcontact.accounts.lockout.AxesHandler"
AXES_LOCKOUT_CALLABLE = "firstcontact.accounts.views.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "firstcontact.accounts.audit.client_address"
AXES_ENABLE_ADMIN = False  # registered on the partnership admin site (accounts/admin.py)
AXES_VERBOSE = False  # the audit trail records each failure and lockout
# Authenticator apps show this name beside the login.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "FirstContact")
# Sessions: at most 12 hours from sign-in; staff are signed out after
# FIRSTCONTACT["STAFF_IDLE_MINUTES"] without activity well before that.
SESSION_COOKIE_AGE = 12 * 60 * 60
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "desk:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
# The resident site's languages (its switch, and the translations in portal/locale/).
LANGUAGES = [("en-gb", "English"), ("pl", "Polski")]
LOCALE_PATHS = [BASE_DIR / "portal" / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = PROJECT_DIR / "var" / "static"
# Front-end assets built from npm packages by `make frontend` (frontend/build.mjs): GOV.UK
# Frontend's JavaScript and images, and the project stylesheet compiled from frontend/*.scss.
# The project's own scripts (src/firstcontact/static/) are kept in git beside the templates
# that load them: pages have no inline scripts (Content-Security-Policy, below).
STATICFILES_DIRS = [PROJECT_DIR / "var" / "frontend", BASE_DIR / "static"]

# Uploaded files (Open311 photos) through Django's default storage.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", PROJECT_DIR / "var" / "media"))
MEDIA_URL = "media/"

# Background work: django.tasks with the database backend; `make worker` runs db_worker.
# TASKS_BACKEND=immediate runs tasks in the web process (development, tests).
if os.environ.get("TASKS_BACKEND", "database") == "immediate":
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Email through Django's mailers: SMTP in production (EMAIL_HOST, default localhost), the console
# in development unless EMAIL_HOST is set.
if os.environ.get("EMAIL_HOST") or not DEBUG:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "firstcontact@localhost")

# GOV.UK Notify: used for email when configured, and the only way to send text messages.
NOTIFY = {
    "API_KEY": os.environ.get("NOTIFY_API_KEY", ""),
    "EMAIL_TEMPLATE_ID": os.environ.get("NOTIFY_EMAIL_TEMPLATE_ID", ""),
    "SMS_TEMPLATE_ID": os.environ.get("NOTIFY_SMS_TEMPLATE_ID", ""),
}

SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
# HTTPS: opt in where the site is only served over TLS (behind a proxy that sets
# X-Forwarded-Proto, set BEHIND_TLS_PROXY=1 too).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

# Partnership-wide settings.
FIRSTCONTACT = {
    # Country and subdivision for bank holidays in SLA clocks (the `holidays` package).
    "HOLIDAY_COUNTRY": os.environ.get("HOLIDAY_COUNTRY", "GB"),
    "HOLIDAY_SUBDIV": os.environ.get("HOLIDAY_SUBDIV", "ENG"),
    "PHONE_REGION": "GB",
    # Staff second factor: "required" (every staff login, set up at the first sign-in) or
    # "optional" (only logins that have set one up; `make run`'s demo). Required unless DEBUG.
    "STAFF_TWO_FACTOR": os.environ.get("STAFF_TWO_FACTOR", "optional" if DEBUG else "required"),
    # Staff sessions end after this many minutes without a request.
    "STAFF_IDLE_MINUTES": int(os.environ.get("STAFF_IDLE_MINUTES", "30")),
    # A desk contact still "in progress" after this many minutes is closed as timed out
    # (close_timed_out_contacts), as are an adviser's open contacts when they next sign in.
    "CONTACT_TIMEOUT_MINUTES": int(os.environ.get("CONTACT_TIMEOUT_MINUTES", "240")),
    "SIGN_IN_FAILURES_PER_ADDRESS": int(os.environ.get("SIGN_IN_FAILURES_PER_ADDRESS", "20")),
    # The partnership's first-contact resolution target, 0–1; a client partner's shared-service
    # agreement may set its own (ServiceAgreement.fcr_target; insight/targets.py).
    "FCR_TARGET": float(os.environ.get("FCR_TARGET", "0.8")),
    # "Already reported nearby": open requests of the same service within this many metres
    # are offered before a new fault report is raised (servicerequests/nearby.py).
    "NEARBY_METRES": int(os.environ.get("NEARBY_METRES", "50")),
    # Resident reopen (servicerequests/reopen.py): "this is not fixed" within this many days
    # of closure reopens the request; after REOPEN_LIMIT reopenings, or for the services
    # whose codes are listed, it raises a linked new request instead.
    "REOPEN_DAYS": int(os.environ.get("REOPEN_DAYS", "28")),
    "REOPEN_LIMIT": int(os.environ.get("REOPEN_LIMIT", "2")),
    "REOPEN_AS_NEW_SERVICES": [],
}
if FIRSTCONTACT["STAFF_TWO_FACTOR"] not in {"required", "optional"}:
    raise ImproperlyConfigured('STAFF_TWO_FACTOR must be "required" or "optional".')

# The resident site: the map's tile server (Leaflet; empty for no tiles, e.g. offline tests)
# and its attribution, and rate limits on anonymous submissions and tracking, per client
# address: scope -> (how many, per how many seconds).
LEAFLET_TILE_URL = os.environ.get(
    "LEAFLET_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
LEAFLET_TILE_ATTRIBUTION = os.environ.get(
    "LEAFLET_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
PORTAL_RATE_LIMITS = {
    "submit": (int(os.environ.get("PORTAL_SUBMISSIONS_PER_HOUR", "20")), 3600),
    "track": (int(os.environ.get("PORTAL_TRACKS_PER_10_MINUTES", "30")), 600),
}

# The cache every server process shares; rate limits (the resident site's, Open311 keys') count
# in it. The project's database by default (table created by `migrate`), Redis when REDIS_URL
# is set (e.g. redis://localhost:6379/0; needs the `redis` extra: pip install '.[redis]').
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    import importlib.util

    if importlib.util.find_spec("redis") is None:
        raise ImproperlyConfigured(
            "REDIS_URL is set but the redis package is missing: pip install 'firstcontact[redis]'"
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "firstcontact",
        }
    }
else:
    CACHES = {
        "default": {
            # Django's DatabaseCache with an atomic incr (firstcontact/cache.py).
            "BACKEND": "firstcontact.cache.DatabaseCache",
            "LOCATION": "firstcontact_cache",
            # Counters are culled only past this many rows (expired ones first).
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# Security headers (docs/security.md). Content-Security-Policy: scripts only from this site
# or an inline <script> carrying the response's nonce (no 'unsafe-inline', no 'unsafe-eval':
# htmx's eval is off, see desk/staff_base.html); styles only from this site's stylesheets
# (Leaflet and the admin set styles through the DOM, which style-src allows); images from
# this site, data: URLs (GOV.UK Frontend's and Leaflet's icons) and the map's tile server.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *tile_origins(LEAFLET_TILE_URL)],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# No Referer leaves the site (staff URLs hold references and customer ids); the map's tiles
# send their own (OpenStreetMap's tile policy asks for one), portal/static/portal/map.js.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Permissions-Policy (firstcontact.security.SecurityHeadersMiddleware): nothing the site does
# not use. The resident map does not locate the visitor; a "use my location" button would
# need geolocation=(self). Passkeys (publickey-credentials-*) keep their default, self.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

# Every handler redacts Open311 api_key values (open311/redaction.py): clients send them as
# parameters, so a request line or a form in a log line would otherwise carry one.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_api_keys": {"()": "firstcontact.open311.redaction.RedactAPIKeys"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_api_keys"]},
        # The development server's request lines (Django's own handler, with the filter).
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_api_keys"],
        },
    },
    "loggers": {
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
