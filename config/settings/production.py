"""Production: refuses to start without its secrets, and hardens cookies and transport."""

from config import env

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env.require("SECRET_KEY")
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("ALLOWED_HOSTS is required in production.")

# Only `make serve` / `make bench` on plain http://127.0.0.1 turn these off.
SESSION_COOKIE_SECURE = env.get_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env.get_bool("CSRF_COOKIE_SECURE", True)
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.get_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
CONN_MAX_AGE = env.get_int("CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_MAX_AGE"] = CONN_MAX_AGE  # noqa: F405

# Without Redis, gunicorn's workers must still share one cache: rate-limit counters and the public
# pages' purge generation would otherwise live in each worker's memory (one purge, N-1 stale workers).
if not REDIS_URL and not env.get_bool("CACHE_DISABLED", False):  # noqa: F405
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env.get("CACHE_DIR", str(BASE_DIR / "var" / "cache")),  # noqa: F405
        }
    }
