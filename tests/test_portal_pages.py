"""Site-wide public markup: error pages, header navigation and accessibility basics (RGAA)."""

import re

import pytest
from django.utils import translation

from portal.views import server_error
from tests.factories.portal import OfferFactory

pytestmark = pytest.mark.django_db


def test_500_page_is_translated_and_needs_no_request_context(rf):
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Erreur inattendue</h1>" in html
    assert "Essayez de rafraîchir la page" in html
    with translation.override("en"):
        assert "<h1>Unexpected error</h1>" in server_error(rf.get("/")).content.decode()


def test_500_page_renders_without_the_database(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        server_error(rf.get("/"))


@pytest.mark.parametrize("path", ["/", "/offres/", "/documentation/", "/accessibilite/", "offer", "gone"])
def test_public_pages_have_landmarks_one_h1_and_skip_links(client, site, path):
    if path == "offer":
        path = f"/offres/{OfferFactory(published=True).pk}/"
    elif path == "gone":
        path = f"/offres/{OfferFactory(withdrawn=True).pk}/"
    response = client.get(path)
    assert response.status_code in (200, 410)
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert html.count("<h1") == 1
    assert html.count('role="main"') == 1 and 'id="content"' in html
    assert 'role="banner"' in html and 'role="contentinfo"' in html
    assert 'id="header-navigation"' in html and 'id="footer"' in html
    for target in ["#content", "#header-navigation", "#footer"]:
        assert f'href="{target}"' in html
    # Every form control has a label.
    for control_id in re.findall(r'<(?:input|select|textarea)[^>]* id="([^"]+)"', html):
        assert f'for="{control_id}"' in html, control_id


def test_header_links_to_offers_and_documentation(client, site):
    html = client.get("/").content.decode()
    assert 'class="fr-nav__link" href="/offres/"' in html
    assert 'class="fr-nav__link" href="/documentation/"' in html
    listing = client.get("/offres/").content.decode()
    assert 'href="/offres/" aria-current="page"' in listing


def test_accessibility_statement_is_linked_from_every_page(client, site):
    html = client.get("/offres/").content.decode()
    assert 'href="/accessibilite/"' in html
    assert client.get("/accessibilite/").status_code == 200
