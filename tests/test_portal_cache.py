"""Anonymous public pages are served from the cache until an offer changes."""

import pytest
from django.core.cache import cache

from offers.models import Offer
from portal import cache as portal_cache
from tests.factories.accounts import UserFactory
from tests.factories.offers import OfferFactory

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
