"""Anonymous public pages are served from the cache until an offer changes."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from accounts.models import Structure
from offers.models import Offer, Theme
from portal import cache as portal_cache
from tests.factories.accounts import StructureFactory, UserFactory
from tests.factories.offers import OfferFactory
from tests.test_portal_listing import listed_names

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_listing_is_served_from_the_cache_until_an_offer_is_published(client, site):
    OfferFactory(name="Première offre", published=True)
    first = client.get("/offres/")
    assert first["X-Portal-Cache"] == "miss"
    # A change that sends no signal (raw SQL-like update) is not seen: the cached page is served.
    Offer.objects.update(name="Renommée sans signal")
    cached = client.get("/offres/")
    assert cached["X-Portal-Cache"] == "hit"
    assert "Première offre" in cached.content.decode()

    # Publishing an offer through Wagtail purges the cache.
    draft = OfferFactory(name="Nouvelle offre")
    draft.save_revision().publish()
    fresh = client.get("/offres/")
    assert fresh["X-Portal-Cache"] == "miss"
    html = fresh.content.decode()
    assert "Nouvelle offre" in html
    assert "Renommée sans signal" in html


def test_offer_page_cache_is_purged_when_the_offer_changes_or_is_unpublished(client, site):
    offer = OfferFactory(name="Avant", published=True)
    assert "Avant" in client.get(f"/offres/{offer.pk}/").content.decode()
    assert client.get(f"/offres/{offer.pk}/")["X-Portal-Cache"] == "hit"
    offer.name = "Après"
    offer.save()
    assert "Après" in client.get(f"/offres/{offer.pk}/").content.decode()
    offer.unpublish()
    assert client.get(f"/offres/{offer.pk}/").status_code == 410


def test_drafts_and_autosaves_keep_the_cached_pages(client, site):
    # Editors' autosaves write a revision every few seconds: none of them may empty the cache.
    live = OfferFactory(name="En ligne", published=True)
    being_written = OfferFactory(name="En cours d'écriture")
    assert client.get("/offres/")["X-Portal-Cache"] == "miss"
    live.name = "Brouillon de modification"
    live.save_revision()
    being_written.description = "Encore un paragraphe."
    being_written.save()
    being_written.save_revision()
    cached = client.get("/offres/")
    assert cached["X-Portal-Cache"] == "hit"
    assert "En ligne" in cached.content.decode()
    live.latest_revision.publish()
    fresh = client.get("/offres/")
    assert fresh["X-Portal-Cache"] == "miss"
    assert "Brouillon de modification" in fresh.content.decode()


def test_deleting_an_offer_purges_the_cache(client, site):
    offer = OfferFactory(name="Supprimée bientôt", published=True)
    assert "Supprimée bientôt" in client.get("/offres/").content.decode()
    offer.delete()
    assert "Supprimée bientôt" not in client.get("/offres/").content.decode()


def test_filters_and_pages_are_cached_separately(client, site):
    OfferFactory(name="Offre en Gironde", published=True, postcode="33000")
    OfferFactory(name="Offre en Béarn", published=True, postcode="64000")
    assert "Offre en Béarn" not in client.get("/offres/?departement=33").content.decode()
    assert "Offre en Gironde" not in client.get("/offres/?departement=64").content.decode()


def test_logged_in_users_are_never_served_or_stored_in_the_cache(client, site):
    OfferFactory(name="Publiée", published=True)
    user = UserFactory()
    client.force_login(user)
    response = client.get("/offres/")
    assert "X-Portal-Cache" not in response
    assert client.get("/offres/").get("X-Portal-Cache") is None
    client.logout()
    assert client.get("/offres/")["X-Portal-Cache"] == "miss"


def test_purge_bumps_a_generation_shared_through_the_cache(site):
    before = portal_cache.generation()
    portal_cache.purge()
    assert portal_cache.generation() == before + 1
    # Another process sees the bump because the generation lives in the (shared) cache itself.
    cache.delete(portal_cache.GENERATION_KEY)
    assert portal_cache.generation() > before + 1


def test_cached_page_never_replays_a_csp_nonce(rf, site):
    from django.http import HttpResponse

    def page_with_nonce(nonce):
        request = rf.get("/offres/")
        request.csp_nonce = nonce
        return request

    def view_rendering(nonce):
        return lambda request: portal_cache.cached_response(
            request, lambda: HttpResponse(f'<script nonce="{nonce}"></script>')
        )

    first = portal_cache.PageCacheMiddleware(view_rendering("nonce-one"))(page_with_nonce("nonce-one"))
    assert first["X-Portal-Cache"] == "miss"
    assert first.content == b'<script nonce="nonce-one"></script>'
    second = portal_cache.PageCacheMiddleware(view_rendering("not-rendered"))(page_with_nonce("nonce-two"))
    assert second["X-Portal-Cache"] == "hit"
    assert second.content == b'<script nonce="nonce-two"></script>'


def test_a_cached_page_keeps_the_headers_of_the_page_it_copies(client, site):
    OfferFactory(published=True)
    first = client.get("/offres/")
    second = client.get("/offres/")
    assert second["X-Portal-Cache"] == "hit"
    for header in ("Content-Type", "X-Frame-Options", "Content-Language", "X-Content-Type-Options", "Referrer-Policy"):
        assert second[header] == first[header], header
    assert int(second["Content-Length"]) == len(second.content)
    assert not second.cookies


def test_a_cache_hit_runs_no_sql_query(client, site, django_assert_num_queries):
    offer = OfferFactory(published=True)
    for path in ("/offres/", f"/offres/{offer.pk}/", "/offres/flux/"):
        assert client.get(path)["X-Portal-Cache"] == "miss"
        with django_assert_num_queries(0):
            assert client.get(path)["X-Portal-Cache"] == "hit"


def test_a_view_restriction_added_to_the_listing_applies_at_once(client, site):
    from wagtail.models import PageViewRestriction

    from portal.models import OfferIndexPage

    OfferFactory(published=True)
    client.get("/offres/")
    assert client.get("/offres/")["X-Portal-Cache"] == "hit"
    restriction = PageViewRestriction.objects.create(page=OfferIndexPage.objects.get(), restriction_type="login")
    assert client.get("/offres/").status_code == 302
    restriction.delete()
    assert client.get("/offres/").status_code == 200


def test_unpublishing_the_listing_page_empties_the_cache(client, site):
    from portal.models import OfferIndexPage

    client.get("/offres/")
    assert client.get("/offres/")["X-Portal-Cache"] == "hit"
    OfferIndexPage.objects.get().unpublish()
    assert client.get("/offres/").status_code == 404


def test_other_pages_are_neither_stored_nor_looked_up(client, site):
    for path in ("/healthz", "/", "/inscription/", "/admin/login/"):
        client.get(path)
        response = client.get(path)
        assert "X-Portal-Cache" not in response, path
    assert not [key for key in cache._cache if "portal:page" in key]


def test_renaming_a_structure_purges_the_cache(client, site):
    offer = OfferFactory(published=True, structure__name="Ancien nom")
    assert "Ancien nom" in client.get("/offres/").content.decode()
    offer.structure.name = "Nouveau nom"
    offer.structure.save()
    html = client.get("/offres/").content.decode()
    assert "Nouveau nom" in html and "Ancien nom" not in html


def test_changing_the_listing_intro_purges_the_cache(client, site):
    from portal.models import OfferIndexPage

    client.get("/offres/")
    index = OfferIndexPage.objects.get()
    index.intro = "<p>Nouvelle introduction du portail.</p>"
    index.save_revision().publish()
    assert "Nouvelle introduction du portail." in client.get("/offres/").content.decode()


# The listing's filter counts (portal.listing.listing_facets): cached whether the page cache is on or
# off, purged exactly like it, and never kept past the next end of publication of a live offer.


def facet_queries(captured):
    return [query["sql"] for query in captured if query["sql"].startswith("WITH base AS")]


def listing(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/offres/")
    assert response.status_code == 200
    return response.content.decode(), len(facet_queries(captured))


@pytest.fixture
def no_page_cache(settings):
    settings.PORTAL_CACHE_TIMEOUT = 0


def test_the_counts_are_cached_without_the_page_cache(client, site, no_page_cache):
    theme = Theme.objects.get(name="Sommeil")
    OfferFactory(published=True, theme=theme)
    first, counted = listing(client)
    second, counted_again = listing(client)
    assert (counted, counted_again) == (1, 0)
    assert "Sommeil (1 offre)" in first and "Sommeil (1 offre)" in second


def test_a_zero_timeout_turns_the_counts_cache_off(client, site, no_page_cache, settings):
    settings.PORTAL_FACETS_CACHE_TIMEOUT = 0
    OfferFactory(published=True)
    assert listing(client)[1] == listing(client)[1] == 1


def test_publishing_unpublishing_editing_and_deleting_an_offer_refresh_the_counts(
    client, site, no_page_cache, django_capture_on_commit_callbacks
):
    sleep, food = Theme.objects.get(name="Sommeil"), Theme.objects.get(name="Alimentation")
    OfferFactory(published=True, theme=sleep)
    assert "Sommeil (1 offre)" in listing(client)[0]

    draft = OfferFactory(theme=sleep)
    with django_capture_on_commit_callbacks(execute=True):
        draft.save_revision().publish()
    html, counted = listing(client)
    assert counted == 1 and "Sommeil (2 offres)" in html and "2 offres</h2>" in html

    draft.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        draft.unpublish()
    assert "Sommeil (1 offre)" in listing(client)[0]

    offer = Offer.objects.get(live=True)
    offer.theme = food
    with django_capture_on_commit_callbacks(execute=True):
        offer.save()
    html = listing(client)[0]
    assert "Sommeil (0 offre)" in html and "Alimentation (1 offre)" in html

    with django_capture_on_commit_callbacks(execute=True):
        offer.delete()
    html = listing(client)[0]
    assert "Alimentation (0 offre)" in html and "0 offre</h2>" in html


def test_renaming_a_theme_or_a_structure_refreshes_the_labels(client, site, no_page_cache):
    structure = StructureFactory(name="Asso Avant")
    OfferFactory(published=True, structure=structure, theme=Theme.objects.get(name="Sommeil"))
    assert "Asso Avant (1 offre)" in listing(client)[0]
    structure.name = "Asso Après"
    structure.save()
    theme = Theme.objects.get(name="Sommeil")
    theme.name = "Sommeil et repos"
    theme.save()
    html = listing(client)[0]
    assert "Asso Après (1 offre)" in html and "Sommeil et repos (1 offre)" in html


def test_a_structure_refused_refreshes_the_counts(client, site, no_page_cache):
    structure = StructureFactory(name="Asso Bientôt Refusée")
    OfferFactory(published=True, structure=structure)
    assert "Asso Bientôt Refusée (1 offre)" in listing(client)[0]
    structure.status = Structure.Status.REFUSED
    structure.save()
    html = listing(client)[0]
    assert "Asso Bientôt Refusée" not in html and "0 offre</h2>" in html


def test_the_counts_never_outlive_the_end_of_an_offer(client, site, no_page_cache):
    """An offer reaching its publication end sends no signal: the cached counts expire with it."""
    ending = OfferFactory(published=True, publication_end=timezone.localdate())
    OfferFactory(published=True, publication_end=timezone.localdate() + datetime.timedelta(days=30))
    assert ending.expire_at is not None
    with freeze_time(ending.expire_at - datetime.timedelta(seconds=60)):
        html, counted = listing(client)
        assert counted == 1 and "2 offres</h2>" in html
        assert listing(client)[1] == 0  # cached
    with freeze_time(ending.expire_at + datetime.timedelta(seconds=1)):
        html, counted = listing(client)
    # Well within the cache's own timeout (600 s), yet counted again: one offer left.
    assert counted == 1 and "1 offre</h2>" in html


def test_the_cached_page_starts_follow_a_new_offer(client, site, no_page_cache):
    """The first row of every page is cached with the counts: a new offer shifts the pages at once."""
    for index in range(21):
        OfferFactory(name=f"Offre {index:02d}", published=True)
    assert listed_names(client.get("/offres/?page=2")) == ["Offre 00"]
    assert listed_names(client.get("/offres/?page=2")) == ["Offre 00"]  # from the cached page starts
    OfferFactory(name="Nouvelle", published=True)
    assert listed_names(client.get("/offres/?page=2")) == ["Offre 01", "Offre 00"]
    assert listed_names(client.get("/offres/"))[0] == "Nouvelle"


def test_text_searches_are_counted_every_time(client, site, no_page_cache):
    """Only the select filters are cached: free text has no bound and is rarely repeated."""
    OfferFactory(name="Atelier sommeil", published=True)
    for _twice in range(2):
        with CaptureQueriesContext(connection) as captured:
            html = client.get("/offres/?q=sommeil&departement=33").content.decode()
        assert len(facet_queries(captured)) == 1 and "1 offre</h2>" in html
