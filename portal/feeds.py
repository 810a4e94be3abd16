"""RSS feed of the newest published offers; it accepts the listing's filters in its query string."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext as _

from offers.models import Offer
from offers.public_filters import PublicOfferFilterForm

FEED_SIZE = 50


class LatestOffersFeed(Feed):
    feed_type = Rss201rev2Feed

    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page

    def get_object(self, request, *args, **kwargs):
        return PublicOfferFilterForm(request.GET)

    def title(self, form):
        filters = form.describe()
        title = _("Portail SSES: new offers")
        return f"{title} ({', '.join(filters)})" if filters else title

    def description(self, form):
        return _("Offers newly published on Portail SSES for the health students' prevention placement.")

    def link(self, form):
        return self.index_page.url

    def items(self, form):
        return (
            form.filter_queryset(Offer.objects.published())
            .select_related("structure", "theme")
            .order_by("-publication_start", "-pk")[:FEED_SIZE]
        )

    def item_title(self, offer):
        return offer.name

    def item_description(self, offer):
        return _("%(structure)s, %(city)s (%(department)s). Theme: %(theme)s.\n\n%(description)s") % {
            "structure": offer.structure.name,
            "city": offer.city,
            "department": offer.department,
            "theme": offer.theme.name,
            "description": offer.description,
        }

    def item_link(self, offer):
        return self.index_page.offer_url(offer)

    def item_pubdate(self, offer):
        return offer.last_published_at or offer.first_published_at

    def item_author_name(self, offer):
        return offer.structure.name

    def item_categories(self, offer):
        return [offer.theme.name]
