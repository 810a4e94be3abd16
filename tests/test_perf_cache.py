"""The benchmarks' "uncached" switch turns off the public page cache, and only it."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks.run import UNCACHED_ENV
from tests.factories.offers import OfferFactory


def queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return response, len(captured)


def test_the_page_cache_serves_the_second_request_without_offer_queries(client, site):
    OfferFactory(name="Atelier sommeil", published=True)
    first, _count = queries(client, "/offres/")
    with CaptureQueriesContext(connection) as captured:
        second = client.get("/offres/")
    assert (first["X-Portal-Cache"], second["X-Portal-Cache"]) == ("miss", "hit")
    # Served by the middleware before the session and Wagtail's routing: no query at all.
    assert len(captured) == 0
    assert "Atelier sommeil" in second.content.decode()


def test_a_zero_timeout_builds_every_page_but_keeps_the_other_caches(client, site, settings):
    settings.PORTAL_CACHE_TIMEOUT = 0
    OfferFactory(name="Atelier sommeil", published=True)
    queries(client, "/offres/")
    second, count = queries(client, "/offres/")
    assert not second.has_header("X-Portal-Cache")
    assert "Atelier sommeil" in second.content.decode()
    # Built again (facets, cards...), but Wagtail's cached site root paths are not read again.
    assert 0 < count <= 12
    with CaptureQueriesContext(connection) as captured:
        client.get("/offres/")
    site_root_paths = [
        query["sql"]
        for query in captured
        if query["sql"].startswith('SELECT "wagtailcore_site"') and "CASE" not in query["sql"]
    ]
    assert site_root_paths == []


def test_the_benchmark_measures_uncached_pages_with_that_switch():
    assert UNCACHED_ENV == {"PORTAL_CACHE_TIMEOUT": "0"}
