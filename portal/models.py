from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.blocks import BodyBlock


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True)
    latest_offers_count = models.PositiveSmallIntegerField(_("number of latest offers shown"), default=6)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("latest_offers_count")]
    subpage_types = ["portal.OfferIndexPage", "portal.DocumentationPage", "portal.ContentPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from offers.models import Offer

        context = super().get_context(request, *args, **kwargs)
        context["latest_offers"] = (
            Offer.objects.published()
            .select_related("structure", "theme")
            .order_by("-publication_start", "-pk")[: self.latest_offers_count]
        )
        context["offer_index"] = OfferIndexPage.objects.live().first()
        return context


class OfferIndexPage(RoutablePageMixin, Page):
    """The public listing of published offers, with the offer detail and PDF as sub-routes."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = []
    parent_page_types = ["portal.HomePage"]
    max_count = 1

    class Meta:
        verbose_name = _("offer listing page")


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


class ContentPage(Page):
    """A plain editorial page: legal notice, accessibility statement, personal data."""

    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    subpage_types = []
    parent_page_types = ["portal.HomePage"]

    class Meta:
        verbose_name = _("content page")
