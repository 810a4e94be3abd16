"""Two application servers behind one load balancer: separate gunicorn processes sharing one
database and one Redis (127.0.0.1:6379, db 15, flushed here). Whatever one server stores in the
cache (sessions, cached pages) the other sees, and a purge reaches both."""

import re
import sqlite3

import pytest
import redis
import requests

from benchmarks.run import login
from benchmarks.servers import Server, manage, server_env

REDIS_URL = "redis://127.0.0.1:6379/15"
# The public pages that list published offers. The public portal caches its listing through the
# Django cache and purges it when an offer is published: once it is merged, add "/offres/" here,
# and this test proves the purge reaches both servers (it already proves both read one database).
OFFER_LISTINGS = ["/", "/offres/"]
PUBLISH_OFFER = """
import datetime
from django.utils import timezone
from accounts.models import Structure
from offers.models import Offer, SiteType, Theme
today = timezone.localdate()
offer = Offer.objects.create(
    name={name!r}, description="Ateliers de prévention en collège.", theme=Theme.objects.first(),
    structure=Structure.objects.get(name="Association Prévention Santé Gironde"),
    host_name="Collège Montaigne", address="1 rue du Collège", postcode="33000", city="Bordeaux",
    site_type=SiteType.objects.first(), referent_name="Jeanne Référente", referent_email="ref@example.org",
    referent_phone="0556000000", application_email="candidatures@example.org", modalities="Les lundis.",
    period_kind=Offer.PeriodKind.CONTINUOUS, hosting_range="9h-17h",
    period_start=today + datetime.timedelta(days=60), period_end=today + datetime.timedelta(days=102),
    publication_start=today, publication_end=today + datetime.timedelta(days=90),
    live=False, has_unpublished_changes=True,
)
offer.save_revision().publish()
print(offer.pk)
"""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    directory = tmp_path_factory.mktemp("cluster")
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    database = directory / "db.sqlite3"
    env = server_env(
        "config.settings.test",
        DATABASE_URL=f"sqlite:///{database}",
        REDIS_URL=REDIS_URL,
        MEDIA_ROOT=directory / "media",
        AXES_ENABLED="false",
    )
    manage("migrate", "--noinput", env=env)
    manage("load_demo", env=env)
    first = Server(env, workers=1, log_path=directory / "first.log").start()
    second = Server(env, workers=1, log_path=directory / "second.log").start()
    yield {"servers": (first, second), "env": env, "database": database, "redis": store}
    first.stop()
    second.stop()
    store.flushdb()


def admin_home(server, cookie):
    return requests.get(f"{server.url}/admin/", headers={"Cookie": cookie}, allow_redirects=False, timeout=30)


def test_session_opened_on_one_server_is_kept_in_redis_and_seen_by_the_other(cluster):
    first, second = cluster["servers"]
    cookie = login(first.url)
    session_key = cookie.split("=", 1)[1]

    response = admin_home(second, cookie)
    assert response.status_code == 200
    assert "Régine" in response.text

    assert cluster["redis"].exists(f"sses:1:django.contrib.sessions.cached_db{session_key}")
    # Gone from the database, the session still lives in the shared cache, for both servers.
    with sqlite3.connect(cluster["database"]) as database:
        assert database.execute("DELETE FROM django_session WHERE session_key = ?", [session_key]).rowcount == 1
    assert admin_home(first, cookie).status_code == 200
    assert admin_home(second, cookie).status_code == 200
    # Gone from Redis too: neither server knows it any more.
    cluster["redis"].flushdb()
    for server in (first, second):
        response = admin_home(server, cookie)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("path", OFFER_LISTINGS)
def test_publishing_an_offer_shows_it_on_the_cached_listing_of_every_server(cluster, path):
    name = f"Atelier multi-serveurs {path}"
    servers = cluster["servers"]
    for server in servers:  # Each server renders (and caches) the listing once, without the offer.
        response = requests.get(server.url + path, timeout=30)
        assert response.status_code == 200
        assert name not in response.text

    offer_pk = manage("shell", "-c", PUBLISH_OFFER.format(name=name), env=cluster["env"]).strip().splitlines()[-1]
    assert re.fullmatch(r"\d+", offer_pk)

    for server in servers:
        response = requests.get(server.url + path, timeout=30)
        assert response.status_code == 200
        assert name in response.text
