"""Purge the public pages' cache whenever what they show may have changed.

Wagtail's `published`/`unpublished` cover offers (snippets) and pages (the listing's intro),
`page_unpublished` a page unpublished or deleted, `post_page_move` a page moved; post_save/post_delete
cover direct edits, deletions, documents, structures, reference lists and view restrictions (a cached
page is served before Wagtail's routing, so a new restriction must empty the cache at once), and the
sites and pages whose rows route the public pages or link them from the header and footer
(`portal.fragments`).

Saves that only record a draft are left out: a new revision of a live offer or page (Wagtail saves
its bookkeeping fields only), or any save of an offer or page that is not live. Editors' autosaves
would otherwise empty the public cache every few seconds. Such a draft reaches the public through
`published`, which purges.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import COMMENTS_RELATION_NAME, PageViewRestriction, Site
from wagtail.signals import page_unpublished, post_page_move, published, unpublished

from accounts.models import Structure
from offers.models import Offer, OfferDocument, SiteType, Theme
from portal import cache
from portal.models import ContentPage, DocumentationPage, HomePage, OfferIndexPage

PAGE_MODELS = [HomePage, OfferIndexPage, DocumentationPage, ContentPage]
PURGED_MODELS = [Offer, OfferDocument, Structure, Theme, SiteType, PageViewRestriction, Site, *PAGE_MODELS]
# What Wagtail's `save_revision()` and locking write on the object's own row.
DRAFT_BOOKKEEPING_FIELDS = {
    "latest_revision",
    "latest_revision_created_at",
    "has_unpublished_changes",
    "draft_title",
    COMMENTS_RELATION_NAME,
    "locked",
    "locked_at",
    "locked_by",
}


def purge_public_cache(sender, **kwargs):
    # Now, and again once the change is committed: a page rendered by another request between the
    # two (still seeing the old rows) cannot outlive the transaction.
    cache.purge()
    transaction.on_commit(cache.purge)


def purge_unless_draft(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= DRAFT_BOOKKEEPING_FIELDS:
        return
    if not getattr(instance, "live", True):
        return
    purge_public_cache(sender)


def connect():
    published.connect(purge_public_cache, dispatch_uid="portal-purge-published")
    unpublished.connect(purge_public_cache, dispatch_uid="portal-purge-unpublished")
    page_unpublished.connect(purge_public_cache, dispatch_uid="portal-purge-page-unpublished")
    post_page_move.connect(purge_public_cache, dispatch_uid="portal-purge-page-moved")
    for model in PURGED_MODELS:
        post_save.connect(purge_unless_draft, sender=model, dispatch_uid=f"portal-purge-save-{model.__name__}")
        post_delete.connect(purge_public_cache, sender=model, dispatch_uid=f"portal-purge-delete-{model.__name__}")
