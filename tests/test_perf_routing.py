"""The shortcuts of the public page routing keep Wagtail's behaviour: view restrictions on a page or
an ancestor still apply, other pages and unknown paths still route."""

from wagtail.models import Page, PageViewRestriction

from portal.models import OfferIndexPage


def test_a_restriction_on_the_home_page_still_protects_the_listing(client, site):
    PageViewRestriction.objects.create(page=Page.objects.get(slug="accueil"), restriction_type="login")
    response = client.get("/offres/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_restriction_on_the_listing_itself_applies(client, site):
    PageViewRestriction.objects.create(page=OfferIndexPage.objects.get(), restriction_type="login")
    assert client.get("/offres/").status_code == 302
    assert client.get("/documentation/").status_code == 200


def test_other_pages_and_unknown_paths_still_route(client, site):
    assert client.get("/offres/").status_code == 200
    assert client.get("/mentions-legales/").status_code == 200
    assert client.get("/nulle-part/").status_code == 404
