from config import env

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-secret-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
AXES_ENABLED = env.get_bool("AXES_ENABLED", True)
WAGTAILADMIN_BASE_URL = "http://testserver"
# Tasks (e-mails) run at once, so that tests see them in mail.outbox.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A test database in a file rather than in memory: the browser tests' live server answers each
    # request in its own thread, and an in-memory database would make them all share the test's one
    # connection ("database table is locked" when an autosave overlaps a click). In a file, each
    # thread has its own connection and waits for the others' writes (timeout); durability is not
    # needed here (synchronous=OFF).
    (BASE_DIR / "var").mkdir(exist_ok=True)  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-db.sqlite3")}  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {}).update(  # noqa: F405
        timeout=30,
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA synchronous=OFF;",
    )
