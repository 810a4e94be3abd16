from django.db import models
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index

from offers.models import Offer
from portal.blocks import BodyBlock
from portal.cache import cached_response
from portal.listing import listing_context, offer_context, published_offer, similar_offers, withdrawn_offer
from portal.routing import routing_rows


def view_restrictions(page):
    """Wagtail's `Page.get_view_restrictions()` (restrictions set on the page or on an ancestor, an
    alias counting as its source page) in one query instead of two: it runs on every page served.
    A page routed from the cache (`HomePage.route`) carries them already."""
    if "cached_view_restrictions" in page.__dict__:
        return page.cached_view_restrictions
    chain = Page.objects.filter(
        path__in=[page.path[:end] for end in range(page.steplen, len(page.path) + 1, page.steplen)]
    )
    return PageViewRestriction.objects.filter(
        Q(page__in=chain.filter(alias_of__isnull=True))
        | Q(page__in=chain.filter(alias_of__isnull=False).values("alias_of"))
    )


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True)
    latest_offers_count = models.PositiveSmallIntegerField(_("number of latest offers shown"), default=6)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("latest_offers_count")]
    subpage_types = ["portal.OfferIndexPage", "portal.DocumentationPage", "portal.ContentPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    get_view_restrictions = view_restrictions

    def route(self, request, path_components):
        # The offer listing is the hot path: fetched as its own type in one query, where Wagtail's
        # routing takes two (the child page, then its specific instance), and for anonymous visitors
        # kept with its view restrictions under the purge generation (`portal.routing`).
        if path_components:
            slug = path_components[0]
            index = routing_rows(request, f"offer-index:{self.pk}", lambda: self._offer_index(slug))
            # The cached listing page may be there for another path: it routes only its own slug.
            if index is not None and index.slug == slug:
                index._cached_parent_obj = self
                return index.route(request, path_components[1:])
        return super().route(request, path_components)

    def _offer_index(self, slug):
        """The offer listing page under this page if its slug is `slug`, with its view restrictions."""
        index = OfferIndexPage.objects.child_of(self).filter(slug=slug).first()
        if index is not None:
            index.cached_view_restrictions = list(view_restrictions(index))
        return index

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest_offers"] = (
            Offer.objects.published()
            .select_related("structure", "theme")
            .order_by("-publication_start", "-pk")[: self.latest_offers_count]
        )
        context["offer_index"] = OfferIndexPage.objects.live().first()
        return context


class OfferIndexPage(RoutablePageMixin, Page):
    """The public listing of published offers, with the offer page, its PDF and a feed as sub-routes.

    Every route answers from `Offer.objects.published()` only and is cached for anonymous visitors
    (`portal.cache`); the cache is purged when an offer changes (`portal.signals`).
    """

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = []
    parent_page_types = ["portal.HomePage"]
    max_count = 1

    class Meta:
        verbose_name = _("offer listing page")

    get_view_restrictions = view_restrictions

    def offer_url(self, offer_or_pk):
        return f"{self.url}{getattr(offer_or_pk, 'pk', offer_or_pk)}/"

    @path("")
    def listing(self, request):
        return cached_response(request, lambda: self.render(request, context_overrides=listing_context(request)))

    @path("<int:offer_id>/")
    def offer_detail(self, request, offer_id):
        def build():
            offer = published_offer(offer_id)
            if offer is not None:
                return self.render(
                    request,
                    template="portal/offer_detail.html",
                    context_overrides=offer_context(request, self, offer),
                )
            gone = withdrawn_offer(offer_id)
            if gone is None:
                raise Http404
            response = self.render(
                request,
                template="portal/offer_gone.html",
                context_overrides={"offer": gone, "similar_offers": similar_offers(gone)},
            )
            response.status_code = 410
            return response

        return cached_response(request, build)

    @path("<int:offer_id>/pdf/")
    def offer_pdf(self, request, offer_id):
        def build():
            from offers.pdf import render_offer_pdf

            offer = published_offer(offer_id)
            if offer is None:
                raise Http404
            response = HttpResponse(render_offer_pdf(offer), content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="offre-{offer.pk}.pdf"'
            return response

        return cached_response(request, build)

    @path("flux/")
    def feed(self, request):
        from portal.feeds import LatestOffersFeed

        return cached_response(request, lambda: LatestOffersFeed(self)(request))


class DocumentationPage(Page):
    """User documentation: a tree of pages under /documentation/."""

    intro = models.TextField(_("summary"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    subpage_types = ["portal.DocumentationPage"]
    parent_page_types = ["portal.HomePage", "portal.DocumentationPage"]

    class Meta:
        verbose_name = _("documentation page")

    get_view_restrictions = view_restrictions


class ContentPage(Page):
    """A plain editorial page: legal notice, accessibility statement, personal data."""

    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    subpage_types = []
    parent_page_types = ["portal.HomePage"]

    class Meta:
        verbose_name = _("content page")

    get_view_restrictions = view_restrictions
