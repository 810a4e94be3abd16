"""Deployment switches read from the environment: Redis cache and sessions, S3 media storage,
the benchmark query counter, gunicorn's workers."""

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLEARED = {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL", "AWS_STORAGE_BUCKET_NAME", "CACHE_DISABLED"}
S3_ENV = {
    "AWS_STORAGE_BUCKET_NAME": "sses-media",
    "AWS_S3_ENDPOINT_URL": "https://s3.example.org",
    "AWS_S3_REGION_NAME": "fr-par",
    "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "secret-example",
}


def read(code, settings_module="config.settings.production", **env):
    """Run `code` after django.setup() in a fresh interpreter; return what it printed as JSON."""
    environment = {key: value for key, value in os.environ.items() if key not in CLEARED}
    environment.update(
        {"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "sses.example.org"}, **env, DJANGO_SETTINGS_MODULE=settings_module
    )
    script = f"import django, json; django.setup(); from django.conf import settings; {code}"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


CACHE_AND_SESSIONS = (
    "print(json.dumps([settings.CACHES['default']['BACKEND'], settings.CACHES['default'].get('LOCATION'),"
    " settings.SESSION_ENGINE]))"
)


def test_without_redis_production_workers_share_a_file_cache_and_sessions_are_in_database(tmp_path):
    assert read(CACHE_AND_SESSIONS, CACHE_DIR=str(tmp_path)) == [
        "django.core.cache.backends.filebased.FileBasedCache",
        str(tmp_path),
        "django.contrib.sessions.backends.db",
    ]


def test_without_redis_development_cache_is_local_memory():
    assert read(CACHE_AND_SESSIONS, "config.settings.dev") == [
        "django.core.cache.backends.locmem.LocMemCache",
        None,
        "django.contrib.sessions.backends.db",
    ]


@pytest.mark.parametrize("settings_module", ["config.settings.production", "config.settings.dev"])
def test_redis_url_puts_cache_and_sessions_in_redis(settings_module):
    assert read(CACHE_AND_SESSIONS, settings_module, REDIS_URL="redis://127.0.0.1:6379/15") == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/15",
        "django.contrib.sessions.backends.cached_db",
    ]


def test_redis_cache_really_stores_in_redis():
    code = (
        "from django.core.cache import cache; import redis;"
        " cache.set('ops-probe', {'offres': 3}, 30);"
        " raw = redis.Redis.from_url(settings.REDIS_URL);"
        " keys = [k.decode() for k in raw.keys('*ops-probe')];"
        " print(json.dumps([cache.get('ops-probe'), keys])); cache.delete('ops-probe')"
    )
    value, keys = read(code, REDIS_URL="redis://127.0.0.1:6379/14")
    assert value == {"offres": 3}
    assert keys == ["sses:1:ops-probe"]


def test_cache_can_be_disabled_for_uncached_benchmarks():
    result = read(CACHE_AND_SESSIONS, CACHE_DISABLED="true", REDIS_URL="redis://127.0.0.1:6379/14")
    assert result[0] == "django.core.cache.backends.dummy.DummyCache"


def test_local_disk_is_the_default_media_storage():
    code = "from django.core.files.storage import storages; print(json.dumps(type(storages['default']).__name__))"
    assert read(code) == "FileSystemStorage"


def test_bucket_name_moves_media_to_private_s3_with_signed_urls():
    code = (
        "from django.core.files.storage import storages; s = storages['default'];"
        " print(json.dumps([type(s).__module__ + '.' + type(s).__name__, s.bucket_name, s.default_acl,"
        " s.querystring_auth, s.file_overwrite, s.location, s.url('offers/convention.pdf')]))"
    )
    backend, bucket, acl, signed, overwrite, location, url = read(code, **S3_ENV)
    assert backend == "storages.backends.s3.S3Storage"
    assert (bucket, acl, signed, overwrite, location) == ("sses-media", "private", True, False, "media")
    # A signed, expiring URL on the configured endpoint (computed locally, no request sent).
    assert url.startswith("https://s3.example.org/sses-media/media/offers/convention.pdf?")
    assert "X-Amz-Signature=" in url
    assert "X-Amz-Expires=300" in url


MIDDLEWARE = "print(json.dumps(settings.MIDDLEWARE[:2]))"


def test_query_count_middleware_only_when_benchmarking():
    assert "benchmarks.middleware.QueryCountMiddleware" not in read(MIDDLEWARE)
    assert read(MIDDLEWARE, BENCHMARK_QUERY_COUNT="true")[0] == "benchmarks.middleware.QueryCountMiddleware"


def test_production_keeps_connections_with_health_checks():
    code = "print(json.dumps([settings.DATABASES['default'][k] for k in ('CONN_MAX_AGE', 'CONN_HEALTH_CHECKS')]))"
    assert read(code) == [60, True]
    assert read(code, CONN_MAX_AGE="300") == [300, True]


def load_gunicorn_conf(monkeypatch, **env):
    for key in ("GUNICORN_WORKERS", "GUNICORN_BIND", "GUNICORN_ACCESS_LOG"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))


def test_gunicorn_workers_default_to_twice_the_cores_plus_one_capped(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch)
    assert conf["default_workers"](1) == 3
    assert conf["default_workers"](2) == 5
    assert conf["default_workers"](64) == 8
    assert conf["workers"] == conf["default_workers"](os.cpu_count())
    assert conf["bind"] == "127.0.0.1:8000"
    assert conf["wsgi_app"] == "config.wsgi:application"


def test_gunicorn_workers_and_bind_come_from_the_environment(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch, GUNICORN_WORKERS="2", GUNICORN_BIND="0.0.0.0:9000")
    assert (conf["workers"], conf["bind"]) == (2, "0.0.0.0:9000")
    with pytest.raises(ValueError, match="GUNICORN_WORKERS"):
        load_gunicorn_conf(monkeypatch, GUNICORN_WORKERS="0")


def test_gunicorn_access_log_format_has_no_query_string_nor_client(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch)
    for atom in ("%(r)s", "%(q)s", "%(h)s", "%(a)s", "%(f)s", "%(u)s"):
        assert atom not in conf["access_log_format"]
    assert "%(U)s" in conf["access_log_format"]
    assert load_gunicorn_conf(monkeypatch, GUNICORN_ACCESS_LOG="")["accesslog"] is None
