"""sitemap.xml, robots.txt and the RSS feed of new offers."""

import xml.etree.ElementTree as ET

import pytest

from offers.models import Theme
from tests.factories.portal import OfferFactory

pytestmark = pytest.mark.django_db
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_sitemap_lists_pages_and_published_offers_only(client, site):
    published = OfferFactory(published=True)
    draft = OfferFactory()
    gone = OfferFactory(withdrawn=True)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = [loc.text for loc in ET.fromstring(response.content).findall("s:url/s:loc", SITEMAP_NS)]
    assert any(location.endswith("/offres/") for location in locations)
    assert any(location.endswith("/documentation/") for location in locations)
    assert any(location.endswith("/accessibilite/") for location in locations)
    assert f"http://testserver/offres/{published.pk}/" in locations
    assert not any(location.endswith(f"/offres/{draft.pk}/") for location in locations)
    assert not any(location.endswith(f"/offres/{gone.pk}/") for location in locations)


def test_robots_txt_points_to_the_sitemap_and_hides_the_admin(client, site):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_feed_lists_new_published_offers_and_accepts_the_filters(client, site):
    sleep = Theme.objects.get(name="Sommeil")
    OfferFactory(name="Sommeil en Gironde", published=True, theme=sleep, postcode="33000")
    OfferFactory(
        name="Vaccination en Béarn", published=True, theme=Theme.objects.get(name="Vaccination"), postcode="64000"
    )
    OfferFactory(name="Brouillon", theme=sleep)
    response = client.get("/offres/flux/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert sorted(titles) == ["Sommeil en Gironde", "Vaccination en Béarn"]
    assert channel.findtext("title") == "Portail SSES : nouvelles offres"
    link = channel.find("item").findtext("link")
    assert link.startswith("http://testserver/offres/")

    filtered = ET.fromstring(client.get(f"/offres/flux/?thematique={sleep.slug}&departement=33").content)
    assert [item.findtext("title") for item in filtered.find("channel").findall("item")] == ["Sommeil en Gironde"]
    assert "Thématique : Sommeil" in filtered.find("channel").findtext("title")


def test_listing_links_to_its_filtered_feed(client, site):
    html = client.get("/offres/?departement=33&page=2").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert 'href="/offres/flux/?departement=33"' in html
