import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def read_setting(settings_module, expression, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS"}}
    environment.update(env, DJANGO_SETTINGS_MODULE=settings_module)
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )


def test_database_url_comes_from_the_environment():
    result = read_setting(
        "config.settings.dev",
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME']",
        DATABASE_URL="postgres://u:p@db.example.org:5432/sses",
    )
    assert result.stdout.strip() == "django.db.backends.postgresql sses"


def test_sqlite_under_var_is_the_default():
    result = read_setting("config.settings.dev", "settings.DATABASES['default']['NAME']")
    assert result.stdout.strip() == str(ROOT / "var" / "db.sqlite3")


def test_email_and_hosts_come_from_the_environment():
    result = read_setting(
        "config.settings.dev",
        "settings.EMAIL_BACKEND, settings.ALLOWED_HOSTS, settings.DEFAULT_FROM_EMAIL",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        ALLOWED_HOSTS="a.example.org,b.example.org",
        DEFAULT_FROM_EMAIL="sses@example.org",
    )
    assert result.stdout.strip() == (
        "django.core.mail.backends.filebased.EmailBackend ['a.example.org', 'b.example.org'] sses@example.org"
    )


def test_dev_prints_emails_to_the_console():
    result = read_setting("config.settings.dev", "settings.EMAIL_BACKEND")
    assert result.stdout.strip() == "django.core.mail.backends.console.EmailBackend"


def test_production_refuses_to_start_without_secret_key():
    result = read_setting("config.settings.production", "settings.SECRET_KEY", ALLOWED_HOSTS="x.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_cookies_are_secure():
    result = read_setting(
        "config.settings.production",
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS > 0",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="x.example.org",
    )
    assert result.stdout.strip() == "True True True"
