"""sitemap.xml: the site's live pages (Wagtail) and every published offer."""

from django.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps import Sitemap as PageSitemap

from offers.models import Offer
from portal.models import OfferIndexPage


class OfferSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000

    def __init__(self):
        self.index_page = OfferIndexPage.objects.live().first()

    def items(self):
        if self.index_page is None:
            return Offer.objects.none()
        return Offer.objects.published().only("pk", "last_published_at", "updated_at").order_by("pk")

    def location(self, offer):
        return self.index_page.offer_url(offer)

    def lastmod(self, offer):
        return offer.updated_at


def sitemaps(request):
    return {"pages": PageSitemap(request), "offers": OfferSitemap()}
