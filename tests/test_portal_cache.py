"""Anonymous public pages are served from the cache until an offer changes."""

import pytest
from django.core.cache import cache

from offers.models import Offer
from portal import cache as portal_cache
from tests.factories.accounts import UserFactory
from tests.factories.portal import OfferFactory

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
        request.user = type("Anonymous", (), {"is_authenticated": False})()
        request.csp_nonce = nonce
        return request

    first = portal_cache.cached_response(
        page_with_nonce("nonce-one"), lambda: HttpResponse('<script nonce="nonce-one"></script>')
    )
    assert first.content == b'<script nonce="nonce-one"></script>'
    second = portal_cache.cached_response(page_with_nonce("nonce-two"), lambda: HttpResponse("not rendered"))
    assert second["X-Portal-Cache"] == "hit"
    assert second.content == b'<script nonce="nonce-two"></script>'
