"""Serving as in production: gunicorn's access log, WhiteNoise's static headers, the SQL query
counter of the benchmarks, and `load_demo --periods`."""

import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import requests
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from benchmarks import loadgen, run
from benchmarks.servers import Server, server_env
from calendars import demo as calendars_demo
from tests.factories.accounts import UserFactory

ROOT = Path(__file__).resolve().parent.parent
HASHED_CSS = re.compile(r"^/static/css/bench\.[0-9a-f]{12}\.css$")


@pytest.fixture
def gunicorn(tmp_path):
    """One gunicorn worker started with deploy/gunicorn.conf.py, logging to a file."""
    env = server_env("config.settings.test", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    server = Server(env, workers=1, log_path=tmp_path / "gunicorn.log").start()
    yield server
    server.stop()


def test_access_log_has_path_and_status_but_no_query_string_nor_client(gunicorn):
    response = requests.get(f"{gunicorn.url}/healthz?email=jeanne.martin%40example.org&q=secret", timeout=10)
    assert response.status_code == 200
    assert response.text == "ok"
    gunicorn.stop()
    # The last line: Server.start() polled /healthz (without query string) until it answered.
    line = [line for line in gunicorn.log_path.read_text().splitlines() if "/healthz" in line][-1]
    assert re.fullmatch(r'\[[^]]+\] "GET /healthz HTTP/1\.1" 200 2 \d+ms', line)
    for personal in ("jeanne", "example.org", "secret", "email", "127.0.0.1", "python-requests"):
        assert personal not in line


def test_python_load_generator_measures_a_real_server(gunicorn):
    measured = loadgen.run_python(f"{gunicorn.url}/healthz", duration=1, connections=2)
    assert measured["errors"] == 0
    assert measured["requests"] > 5
    assert measured["rps"] > 5
    assert 0 < measured["p50_ms"] <= measured["p99_ms"]


@pytest.fixture
def collected_static(settings, tmp_path):
    """Production's static storage (hashed, compressed names) collected into a temporary root,
    from a style sheet large enough to be worth compressing (portal.css is under 100 bytes)."""
    source = tmp_path / "source" / "css"
    source.mkdir(parents=True)
    rules = "".join(f".fr-offre-{n} {{ margin: {n}px; padding: {n % 7}px; }}\n" for n in range(400))
    (source / "bench.css").write_text(rules)
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATICFILES_DIRS = [ROOT / "static", source.parent]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    return settings.STATIC_ROOT


def test_hashed_static_file_is_cached_for_ten_years_and_compressed(client, collected_static):
    url = staticfiles_storage.url("css/bench.css")
    assert HASHED_CSS.match(url)

    plain = client.get(url)
    assert plain.status_code == 200
    assert plain["Cache-Control"] == "max-age=315360000, public, immutable"
    assert plain.get("Content-Encoding") is None
    assert plain["Content-Type"].startswith("text/css")
    assert b".fr-offre-399" in b"".join(plain.streaming_content)

    gzipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert gzipped["Content-Encoding"] == "gzip"
    assert gzipped["Vary"] == "Accept-Encoding"
    assert int(gzipped["Content-Length"]) < int(plain["Content-Length"])

    brotli = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
    assert brotli["Content-Encoding"] == "br"


def test_unhashed_static_name_is_only_cached_briefly(client, collected_static):
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=60, public"


@pytest.mark.django_db
def test_query_count_header_counts_every_query_of_the_request(client, settings, site):
    settings.MIDDLEWARE = ["benchmarks.middleware.QueryCountMiddleware", *settings.MIDDLEWARE]
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    assert int(response["X-Query-Count"]) == len(queries) > 1
    assert client.get("/healthz")["X-Query-Count"] == "1"


@pytest.mark.django_db
def test_no_query_count_header_by_default(client, site):
    assert "X-Query-Count" not in client.get("/healthz")


@pytest.mark.django_db
def test_load_demo_periods_uses_the_calendar_generator():
    out = StringIO()
    if not hasattr(calendars_demo, "generate"):
        # Until the calendar feature is merged: a clear refusal, not a silent no-op.
        with pytest.raises(CommandError, match=r"calendars\.demo\.generate"):
            call_command("load_demo", "--periods=3", stdout=out)
    else:
        call_command("load_demo", "--periods=3", stdout=out)
        assert "Generated 3 calendar periods." in out.getvalue()


def test_streamed_download_times_first_byte_and_worker_memory(gunicorn):
    download = run.streamed_download(gunicorn, f"{gunicorn.url}/healthz", cookie="")
    assert download["status"] == 200
    assert download["bytes"] == 2
    assert 0 < download["first_byte_s"] <= download["seconds"]
    assert download["peak_rss_mb"] > 10  # a Django worker, read from /proc


def test_url_not_answering_200_becomes_an_error_entry_without_load(gunicorn):
    args = run.parse_args(["--duration", "1"])
    # Without the admin session cookie: the admin redirects to its login page.
    entry, download = run.measure_url(gunicorn, "calendar_month", "/admin/calendrier/", False, None, 100.0, args)
    assert download is None
    assert entry["error"] == "HTTP 302"
    assert (entry["rps"], entry["ratio"]) == (None, None)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/", "/admin/login/"])
def test_admin_is_never_cached_by_browsers_or_proxies(client, site, path):
    client.force_login(UserFactory(roles=[Role.REGIONAL_ADMIN]))
    response = client.get(path)
    assert response.status_code in (200, 302)
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private", "max-age=0"} <= cache_control


def test_recycled_workers_answer_every_request(tmp_path):
    """Workers are recycled after GUNICORN_MAX_REQUESTS (a slow leak never grows unbounded); the
    app is loaded once in the master, so each new worker is forked ready and no request fails."""
    env = server_env(
        "config.settings.test", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", GUNICORN_MAX_REQUESTS="4"
    )
    with Server(env, workers=1, log_path=tmp_path / "gunicorn.log") as server:
        pids = set()
        for _ in range(30):
            response = requests.get(f"{server.url}/healthz", timeout=10)
            assert (response.status_code, response.text) == (200, "ok")
            pids.update(server.worker_pids())
    assert len(pids) > 2
    log = (tmp_path / "gunicorn.log").read_text()
    assert "Autorestarting worker" in log
    assert "Traceback" not in log
    assert "exited with code" not in log  # each recycled worker left with code 0


# A worker's last moments, as gunicorn's arbiter runs them: `sys.exit(code)`, then the `worker_exit`
# hook from its `finally` clause. The atexit handler shows whether the interpreter was finalized.
WORKER_EXIT = """
import atexit, runpy, sys
hooks = runpy.run_path(sys.argv[1])
atexit.register(lambda: print("finalized", flush=True))
try:
    sys.exit(int(sys.argv[2]))
finally:
    hooks["worker_exit"](None, None)
"""


@pytest.mark.parametrize(("code", "finalized"), [(0, False), (3, True)])
def test_a_worker_leaving_normally_skips_finalization_an_error_keeps_its_code(code, finalized):
    """A recycled worker's replacement is forked only once it has exited: the half second Python
    spends tearing down Django and Wagtail made the requests queued for it wait (p99 spikes under
    load). An error exit (3: gunicorn's "worker failed to boot") still runs and reports as usual."""
    done = subprocess.run(
        [sys.executable, "-c", WORKER_EXIT, str(ROOT / "deploy" / "gunicorn.conf.py"), str(code)],
        env=server_env("config.settings.test"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == code, done.stderr
    assert ("finalized" in done.stdout) is finalized
