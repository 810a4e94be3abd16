from config import env

from .base import *  # noqa: F403

DEBUG = env.get_bool("DEBUG", True)
SECRET_KEY = env.get("SECRET_KEY", "dev-only-insecure-key-change-me")
EMAIL_BACKEND = env.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
