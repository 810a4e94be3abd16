"""Settings shared by every environment. Values that differ per deployment come from the
environment (see `.env.example`); `dev`, `test` and `production` only adjust defaults."""

from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from config import env

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env.get("SECRET_KEY", "")
DEBUG = env.get_bool("DEBUG", False)
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Project apps first so that their templates override the libraries' ones.
    "portal",
    "accounts",
    "offers",
    "calendars",
    "alerts",
    "stats",
    "dsfr",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "axes",
    "csp",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Serves cached public pages before the session, authentication and page routing (portal.cache).
    "portal.cache.PageCacheMiddleware",
    # Gives Wagtail's page serving its site from a cache purged with the public pages (portal.routing).
    "portal.routing.PublicRoutingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.middleware.AuditLogAccessMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "accounts.middleware.ForcePasswordChangeMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]
# Benchmarks only (benchmarks/run.py): an X-Query-Count header on every response.
BENCHMARK_QUERY_COUNT = env.get_bool("BENCHMARK_QUERY_COUNT", False)
if BENCHMARK_QUERY_COUNT:
    MIDDLEWARE.insert(0, "benchmarks.middleware.QueryCountMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.context_processors.site_navigation",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASE_URL = env.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env.get_int("CONN_MAX_AGE", 0),
        # A kept connection is checked before each request reuses it: after a database restart
        # the next request opens a new one instead of failing (tests/test_reliability_postgres.py).
        conn_health_checks=env.get_bool("CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles plans it guesses expensive; for a web page's short queries the
    # compile time is pure cost (25 to 35 ms on the admin offers list sorted by state, with no
    # gain in the run itself). A DATABASE_URL may still set its own `options`.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes must come first to refuse locked-out logins before any check.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.EmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.PasswordPolicyValidator"},
]
LOGIN_URL = "wagtailadmin_login"
LOGIN_REDIRECT_URL = "wagtailadmin_home"

# Login throttling (django-axes): a few failures lock the account/address pair for a while.
AXES_FAILURE_LIMIT = env.get_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env.get_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_VERBOSE = False

# Accounts: clear login refusals, and per-address limits on the public forms (count, seconds).
WAGTAILADMIN_USER_LOGIN_FORM = "accounts.forms.LoginForm"
SIGNUP_RATE_LIMIT = env.get_int("SIGNUP_RATE_LIMIT", 5)
SIGNUP_RATE_PERIOD = 3600
PASSWORD_RESET_RATE_LIMIT = env.get_int("PASSWORD_RESET_RATE_LIMIT", 5)
PASSWORD_RESET_RATE_PERIOD = 3600

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Several application servers: uploaded files on S3-compatible object storage, private, reached
# through signed URLs that expire (django-storages). Local disk (MEDIA_ROOT) otherwise.
AWS_STORAGE_BUCKET_NAME = env.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env.get("AWS_S3_REGION_NAME") or None,
            "access_key": env.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env.get("AWS_SECRET_ACCESS_KEY") or None,
            "location": env.get("AWS_LOCATION", "media"),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env.get_int("AWS_QUERYSTRING_EXPIRE", 300),
            "file_overwrite": False,
            "signature_version": "s3v4",
        },
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

EMAIL_BACKEND = env.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = env.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mails"))
EMAIL_HOST = env.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env.get_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.get_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.get("DEFAULT_FROM_EMAIL", "Portail SSES <ne-pas-repondre@sses.example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Cache and sessions in Redis when REDIS_URL is set (e.g. redis://127.0.0.1:6379/0), so that every
# worker of every application server shares them and a purge reaches all; sessions are also written
# to the database (cached_db), which keeps them across a Redis restart. Local memory otherwise.
REDIS_URL = env.get("REDIS_URL", "")
if env.get_bool("CACHE_DISABLED", False):
    # Benchmarks only (the "uncached" figures): nothing is ever found in the cache.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
elif REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.get("CACHE_KEY_PREFIX", "sses"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Seconds an anonymous public offer page (listing, offer, PDF, feed) stays cached; any offer change purges.
PORTAL_CACHE_TIMEOUT = env.get_int("PORTAL_CACHE_TIMEOUT", 600)
# Seconds the listing's filter counts stay cached (portal.listing.listing_facets), whether the page
# cache is on or not; the same purge makes them unreachable, and they never outlive an offer's end.
PORTAL_FACETS_CACHE_TIMEOUT = env.get_int("PORTAL_FACETS_CACHE_TIMEOUT", 600)
# Seconds the public pages' routing rows (anonymous visitors) and their header and footer stay cached
# (portal.fragments), whether the page cache is on or not; the same purge makes them unreachable.
PORTAL_FRAGMENTS_CACHE_TIMEOUT = env.get_int("PORTAL_FRAGMENTS_CACHE_TIMEOUT", 600)

# Security headers and sessions. A session (admin included) ends when the browser closes and,
# whatever the activity, SESSION_COOKIE_AGE seconds after the login (8 hours by default).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.get_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Content-Security-Policy (django-csp 4, through config.middleware). Public pages: everything from
# our own origin, scripts only from our origin or with the per-request nonce
# (`<script nonce="{{ request.csp_nonce }}">`, as `{% dsfr_js nonce=request.csp_nonce %}` does), no
# inline style attribute or <style> (use static CSS), no plugin, no framing by another site.
# `data:` images: the DSFR stylesheets draw some icons as data: SVG.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# The Wagtail admin (its login page included) replaces two directives, as narrowly as it allows:
# - script-src 'unsafe-inline': Wagtail 8 renders inline <script> blocks without a nonce for
#   InlinePanel/MultipleChooserPanel (wagtailadmin/panels/inline_panel.html) and the date/time
#   widgets (wagtailadmin/widgets/date_input.html, time_input.html, datetime_input.html), which the
#   offer form uses; no nonce is sent there, since a nonce would make browsers ignore
#   'unsafe-inline'. No 'unsafe-eval' and still no foreign origin.
# - style-src 'unsafe-inline': its JavaScript widgets (jQuery UI, the date picker, tooltips, the
#   rich-text editor) write style attributes.
# - img-src blob:: previews of images chosen for upload.
CSP_ADMIN_PATH_PREFIX = "/admin/"
# Audit trail: Wagtail's log (`wagtail.log_actions.log`), read in its "Site history" report,
# which config.middleware keeps for the holders of this permission (the regional role).
AUDIT_LOG_PATH_PREFIX = "/admin/reports/site-history/"
AUDIT_LOG_PERMISSION = "wagtailcore.view_modellogentry"
CSP_ADMIN_DIRECTIVES = {
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
}

# Wagtail
WAGTAIL_SITE_NAME = "Portail SSES"
WAGTAILADMIN_BASE_URL = env.get("SITE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français")]
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# No call from the admin to wagtail.io (privacy, and the CSP allows no foreign origin).
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL
WAGTAIL_USER_CUSTOM_FIELDS = ["first_name", "last_name", "function", "phone"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "ods", "pdf", "pptx", "rtf", "txt", "xlsx", "png", "jpg", "jpeg"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 5 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_PASSWORD_RESET_ENABLED = True
WAGTAILUSERS_PASSWORD_ENABLED = True

DSFR_USE_INTEGRITY_CHECKSUMS = True

# Size limit of the documents attached to offers and of structure logos.
OFFER_DOCUMENT_MAX_SIZE = env.get_int("OFFER_DOCUMENT_MAX_SIZE", 10 * 1024 * 1024)
LOGO_MAX_SIZE = env.get_int("LOGO_MAX_SIZE", 2 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django logs the request (and so e-mail addresses in query strings) on 4xx: keep warnings only.
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        # One line per background task and per page action is noise at INFO.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        # WeasyPrint logs each step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Label shown in the admin header and e-mail subjects, e.g. "[Recette]".
ENVIRONMENT_LABEL = env.get("ENVIRONMENT_LABEL", "")
SITE_NAME = _("Portail SSES")

# Background tasks (e-mails, Wagtail's search and reference indexes): a durable queue in the
# database, run by `manage.py db_worker` (started by `make run`). Tests run tasks immediately.
TASKS = {"default": {"BACKEND": env.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# When the mail server fails, `accounts.emails.deliver_email` tries again after these delays
# (seconds), then gives up and logs an error: about a day of retries by default.
EMAIL_RETRY_DELAYS = [
    int(d) for d in env.get_list("EMAIL_RETRY_DELAYS", ["60", "300", "900", "3600", "21600", "64800"])
]
