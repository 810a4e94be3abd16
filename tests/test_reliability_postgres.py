"""Faults that only PostgreSQL shows: its connections cut under a running (gunicorn) server, and the
documented backup (pg_dump + media archive) restored into an empty database.

Skipped on SQLite only because they need PostgreSQL; `.ci/run` runs them in its PostgreSQL pass."""

import os
import socket
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from accounts.models import Structure, User
from offers.models import Offer, OfferDocument

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="needs PostgreSQL (DATABASE_URL)"
    ),
    # The live server and pg_dump read the data from their own connections: it must be committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


SERVER_APPLICATION_NAME = "sses-fault-test"


def cut_other_connections():
    """Kill the test server's connections (named by `application_name`): what a PostgreSQL restart
    does to its persistent connections, without touching the test's own or any other process's."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
            " AND application_name = %s",
            [SERVER_APPLICATION_NAME],
        )
        return len(cursor.fetchall())


def start_server(**env):
    """Gunicorn, as in production, on the test database, with the given environment."""
    db = connection.settings_dict
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
        f"?application_name={SERVER_APPLICATION_NAME}",
        **env,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if get(f"{url}/healthz")[0] == 200:
                return server, url
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


@pytest.fixture
def start():
    servers = []

    def _start(**env):
        server, url = start_server(**env)
        servers.append(server)
        return url

    yield _start
    for server in servers:
        server.terminate()
        server.wait(timeout=30)
    # Let PostgreSQL end the server's sessions, so that the test database can be dropped.
    for _ in range(50):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                break
        time.sleep(0.1)


def test_the_server_recovers_when_its_database_connections_are_cut(start, site):
    url = start(CONN_MAX_AGE="600")  # production keeps its connections (CONN_MAX_AGE=60)
    assert get(f"{url}/")[0] == 200

    assert cut_other_connections() >= 1, "the server kept its connection open"

    status, html = get(f"{url}/")
    assert status == 200, "the very next request succeeds, on a new connection"
    assert "Portail SSES" in html
    assert get(f"{url}/healthz") == (200, "ok")


def test_without_health_checks_the_first_request_after_the_cut_would_fail(start, site):
    """Why the health checks are on (CONN_HEALTH_CHECKS, config/settings/base.py): the same cut without them."""
    url = start(CONN_MAX_AGE="600", CONN_HEALTH_CHECKS="false")
    assert get(f"{url}/healthz") == (200, "ok")

    assert cut_other_connections() >= 1
    assert get(f"{url}/healthz")[0] == 500
    assert get(f"{url}/healthz") == (200, "ok"), "Django drops the broken connection afterwards"


def pg_env():
    db = connection.settings_dict
    env = {**os.environ, "PGHOST": db["HOST"] or "127.0.0.1", "PGPORT": str(db["PORT"] or 5432)}
    env["PGUSER"] = db["USER"] or "postgres"
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def run(*command):
    subprocess.run(command, env=pg_env(), check=True, capture_output=True, text=True)


def rows(conninfo_or_connection, query):
    if isinstance(conninfo_or_connection, str):
        with psycopg.connect(conninfo_or_connection) as other:
            return other.execute(query).fetchall()
    with conninfo_or_connection.cursor() as cursor:
        cursor.execute(query)
        return cursor.fetchall()


def test_a_backup_restored_into_an_empty_database_has_the_same_offers(tmp_path, settings):
    from tests.factories.offers import OfferFactory  # imported here: the SQLite run skips this file

    published = OfferFactory(published=True, name="Atelier sommeil et écrans")
    OfferFactory(name="Dépistage visuel en école primaire", structure=published.structure)
    OfferFactory(expired=True, name="Forum santé mentale")
    OfferDocument.objects.create(
        offer=published, title="Programme", file=ContentFile(b"%PDF-1.4 programme", name="programme.pdf")
    )
    source = connection.settings_dict["NAME"]
    restored = f"{source}_restore"[:63]

    # The documented procedure (README "Backup and restore").
    dump = tmp_path / "sses.dump"
    run("pg_dump", "--format=custom", "--no-owner", "--file", str(dump), source)
    with tarfile.open(tmp_path / "media.tar.gz", "w:gz") as archive:
        archive.add(settings.MEDIA_ROOT, arcname=".")

    run("dropdb", "--if-exists", restored)
    run("createdb", restored)
    try:
        run("pg_restore", "--no-owner", "--exit-on-error", "--dbname", restored, str(dump))
        new_media = tmp_path / "restored-media"
        with tarfile.open(tmp_path / "media.tar.gz") as archive:
            archive.extractall(new_media, filter="data")

        env = pg_env()
        conninfo = f"host={env['PGHOST']} port={env['PGPORT']} user={env['PGUSER']} dbname={restored}"
        for query in (
            "SELECT id, name, live, expired, structure_id, publication_start, publication_end"
            " FROM offers_offer ORDER BY id",
            "SELECT id, offer_id, title, file FROM offers_offerdocument ORDER BY id",
            "SELECT id, name, status FROM accounts_structure ORDER BY id",
        ):
            assert rows(conninfo, query) == rows(connection, query)
        names = [name for (name,) in rows(conninfo, "SELECT name FROM offers_offer ORDER BY name")]
        assert names == ["Atelier sommeil et écrans", "Dépistage visuel en école primaire", "Forum santé mentale"]
        document = OfferDocument.objects.get()
        assert (new_media / document.file.name).read_bytes() == b"%PDF-1.4 programme"
        # The restored database is complete enough for the application: its migrations are all there.
        migrations = "SELECT app, name FROM django_migrations ORDER BY app, name"
        assert rows(conninfo, migrations) == rows(connection, migrations)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [restored])
        run("dropdb", "--if-exists", restored)
    assert Offer.objects.count() == 3 and Structure.objects.count() >= 1 and User.objects.count() >= 0


def test_connections_run_without_jit_compilation():
    """A web page's short queries never repay PostgreSQL's JIT compile time (config/settings/base.py)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
