"""Wagtail's routing rows (anonymous visitors) and the header and footer come from the fragments
cache (portal.fragments, portal.routing), page cache on or off; every change of a page, a site or
a view restriction shows at once."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction, Site

from portal import cache as portal_cache
from portal.models import DocumentationPage, HomePage, OfferIndexPage
from tests.factories.accounts import UserFactory
from tests.factories.offers import OfferFactory

pytestmark = pytest.mark.django_db

PAGE_TABLES = ('"wagtailcore_site"', '"wagtailcore_page"', '"wagtailcore_pageviewrestriction"')


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Every page is built: what is measured here is the fragments cache, not the page cache."""
    settings.PORTAL_CACHE_TIMEOUT = 0


def get(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response, [query["sql"] for query in captured]


def page_rows(queries):
    """The queries reading sites, pages or view restrictions: routing, menus."""
    return [sql for sql in queries if any(table in sql for table in PAGE_TABLES)]


def header(response):
    return response.content.decode().split("</header>")[0]


def footer(response):
    return response.content.decode().split('<footer class="fr-footer"')[1]


def test_the_listing_and_an_offer_page_read_no_page_row_once_cached(client, site):
    offer = OfferFactory(published=True)
    for path in ("/offres/", f"/offres/{offer.pk}/", "/offres/?page=1&departement=33"):
        cache.clear()
        response, first = get(client, path)
        assert response.status_code == 200
        assert page_rows(first), path  # built once per purge generation
        response, again = get(client, path)
        assert response.status_code == 200
        assert page_rows(again) == [], path
        assert len(again) < len(first)


def test_the_home_page_comes_with_the_cached_site(client, site):
    client.get("/")
    response, queries = get(client, "/")
    assert response.status_code == 200
    # Neither the site, nor the home page as its own type, nor the menu links are read again.
    for table in ('FROM "wagtailcore_site"', 'FROM "portal_homepage"', '"wagtailcore_page"."slug" IN'):
        assert not [sql for sql in queries if table in sql], table


def test_logged_in_users_are_routed_from_the_database(client, site):
    client.force_login(UserFactory())
    client.get("/offres/")
    response, queries = get(client, "/offres/")
    assert response.status_code == 200
    routing = page_rows(queries)
    assert any('FROM "wagtailcore_site"' in sql for sql in routing)
    assert any('FROM "wagtailcore_pageviewrestriction"' in sql for sql in routing)


def test_a_zero_timeout_turns_the_fragments_cache_off(client, site, settings):
    settings.PORTAL_FRAGMENTS_CACHE_TIMEOUT = 0
    client.get("/offres/")  # Wagtail's own cache of the site root paths
    _response, first = get(client, "/offres/")
    _response, again = get(client, "/offres/")
    # The site, its home page, the listing page, its view restrictions, the menu links: every time.
    assert len(page_rows(again)) == len(page_rows(first)) == 5


def test_the_header_marks_the_current_section_from_the_cache(client, site):
    current = {
        "/": 'href="/" aria-current="page"',
        "/offres/": 'href="/offres/" aria-current="page"',
        "/documentation/": 'href="/documentation/" aria-current="page"',
        "/documentation/creer-un-compte-offreur/": 'href="/documentation/" aria-current="page"',
        "/mentions-legales/": None,
    }
    for _twice in range(2):
        for path, marked in current.items():
            response = client.get(path)
            assert response.status_code == 200, path
            assert header(response).count('aria-current="page"') == (1 if marked else 0), path
            if marked:
                assert marked in header(response), path
    # The second round read no menu link: the header and footer came from the cache.
    _response, queries = get(client, "/mentions-legales/")
    assert not [sql for sql in queries if '"wagtailcore_page"."slug" IN' in sql]


def test_a_page_unpublished_or_published_shows_in_the_menu_at_once(client, site):
    assert 'href="/documentation/"' in header(client.get("/offres/"))
    docs = DocumentationPage.objects.get(slug="documentation")
    docs.unpublish()
    assert 'href="/documentation/"' not in header(client.get("/offres/"))
    docs.refresh_from_db()
    docs.save_revision().publish()
    assert 'href="/documentation/"' in header(client.get("/offres/"))


def test_the_footer_is_cached_with_the_header(client, site):
    client.get("/offres/")
    response, queries = get(client, "/offres/")
    assert 'href="/mentions-legales/"' in footer(response) and 'href="/accessibilite/"' in footer(response)
    assert not [sql for sql in queries if '"wagtailcore_page"."slug" IN' in sql]


def test_the_listing_page_renamed_or_unpublished_routes_at_once(client, site):
    offer = OfferFactory(published=True)
    for _twice in range(2):
        assert client.get(f"/offres/{offer.pk}/").status_code == 200
    index = OfferIndexPage.objects.get()
    index.slug = "stages"
    index.save_revision().publish()
    assert client.get(f"/offres/{offer.pk}/").status_code == 404
    assert client.get(f"/stages/{offer.pk}/").status_code == 200
    # The menu links the pages by slug: the renamed listing is no longer there.
    assert 'href="/offres/"' not in header(client.get("/"))
    index.refresh_from_db()
    index.unpublish()
    assert client.get("/stages/").status_code == 404


def test_the_cached_listing_page_routes_only_its_own_path(client, site):
    client.get("/offres/")
    for path in ("/documentation/", "/mentions-legales/"):
        assert client.get(path).status_code == 200, path
    assert client.get("/nulle-part/").status_code == 404


def test_a_view_restriction_on_the_home_page_applies_at_once(client, site):
    for _twice in range(2):
        assert client.get("/offres/").status_code == 200
    restriction = PageViewRestriction.objects.create(page=HomePage.objects.get(), restriction_type="login")
    assert client.get("/offres/").status_code == 302
    restriction.delete()
    assert client.get("/offres/").status_code == 200


def test_a_new_site_root_routes_at_once(client, site):
    for _twice in range(2):
        assert client.get("/offres/").status_code == 200
    wagtail_site = Site.objects.get(is_default_site=True)
    wagtail_site.root_page = DocumentationPage.objects.get(slug="documentation")
    wagtail_site.save()
    assert client.get("/offres/").status_code == 404
    assert "Documentation" in client.get("/").content.decode()


def test_moving_or_publishing_a_page_purges_saving_a_draft_does_not(site):
    docs = DocumentationPage.objects.get(slug="documentation")
    chapters = list(docs.get_children())
    before = portal_cache.generation()
    chapters[-1].move(chapters[0], pos="last-child")
    moved = portal_cache.generation()
    assert moved > before
    draft = Page.objects.get(pk=docs.pk).specific
    draft.title = "Guide (brouillon)"
    revision = draft.save_revision()
    assert portal_cache.generation() == moved  # a draft changes nothing public
    revision.publish()
    assert portal_cache.generation() > moved
