"""Purge the public pages' cache whenever what they show may have changed.

Wagtail's `published`/`unpublished` cover offers (snippets) and pages (the listing's intro),
`page_unpublished` a page unpublished or deleted, `post_page_move` a page moved; post_save/post_delete
cover direct edits, deletions, documents, structures, reference lists and view restrictions (a cached
page is served before Wagtail's routing, so a new restriction must empty the cache at once), and the
sites and pages whose rows route the public pages or link them from the header and footer
(`portal.fragments`).
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import PageViewRestriction, Site
from wagtail.signals import page_unpublished, post_page_move, published, unpublished

from accounts.models import Structure
from offers.models import Offer, OfferDocument, SiteType, Theme
from portal import cache
from portal.models import ContentPage, DocumentationPage, HomePage, OfferIndexPage

PAGE_MODELS = [HomePage, OfferIndexPage, DocumentationPage, ContentPage]
PURGED_MODELS = [Offer, OfferDocument, Structure, Theme, SiteType, PageViewRestriction, Site, *PAGE_MODELS]


def purge_public_cache(sender, **kwargs):
    # Now, and again once the change is committed: a page rendered by another request between the
    # two (still seeing the old rows) cannot outlive the transaction.
    cache.purge()
    transaction.on_commit(cache.purge)


def connect():
    published.connect(purge_public_cache, dispatch_uid="portal-purge-published")
    unpublished.connect(purge_public_cache, dispatch_uid="portal-purge-unpublished")
    page_unpublished.connect(purge_public_cache, dispatch_uid="portal-purge-page-unpublished")
    post_page_move.connect(purge_public_cache, dispatch_uid="portal-purge-page-moved")
    for model in PURGED_MODELS:
        post_save.connect(purge_public_cache, sender=model, dispatch_uid=f"portal-purge-save-{model.__name__}")
        post_delete.connect(purge_public_cache, sender=model, dispatch_uid=f"portal-purge-delete-{model.__name__}")
