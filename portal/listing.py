"""What the public offer routes show: the filtered listing, one offer, and what replaces a withdrawn one.

Every function reads `Offer.objects.published()`; the number of queries does not depend on the
number of offers.
"""

import hashlib
import json
import math
import os
from html import escape as html_escape
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import F, Min, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from offers.models import Offer
from offers.public_filters import PublicOfferFilterForm, facet_counts
from portal.cache import generation

PAGE_SIZE = 20
SIMILAR_COUNT = 6
JSON_LD_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


# What an offer card shows (portal/cards.py), and the ordering columns.
CARD_FIELDS = [
    "name", "city", "department", "period_kind", "period_start", "period_end", "publication_start",
    "publication_end", "structure__name", "structure__logo", "theme__name",
]  # fmt: skip


def _cards(queryset):
    return queryset.select_related("structure", "theme").only(*CARD_FIELDS).order_by("-publication_start", "-pk")


class CardPaginator(Paginator):
    """Pages of offer cards over a QuerySet of offer ids (already filtered and ordered).

    A page first picks its 20 ids in a subquery that reads only the ordering columns, then joins
    the structure and theme of those 20 offers: deep pages never sort whole card rows. Given
    `page_starts` (the first row of every page, `page_starts()`), a page seeks its first row
    instead of counting OFFSET rows: page 50 reads 20 rows of the ordering index, not 1,000.
    """

    def __init__(self, ids, per_page, page_starts=None):
        super().__init__(ids, per_page)
        self.page_starts = page_starts or []

    def page(self, number):
        number = self.validate_number(number)
        if number <= len(self.page_starts):
            ids = self.object_list.filter(_from_row(self.page_starts[number - 1]))[: self.per_page]
            return self._get_page(ids, number, self)
        return super().page(number)

    def _get_page(self, ids, number, paginator):
        return super()._get_page(_cards(Offer.objects.filter(pk__in=ids)), number, paginator)


def page_starts(ids, per_page=PAGE_SIZE):
    """`(publication_start, pk)` of the first row of every page of `ids` (ordered like the listing)."""
    ordering = [F("publication_start").desc(), F("pk").desc()]
    numbered = ids.annotate(row=Window(RowNumber(), order_by=ordering)).annotate(phase=(F("row") - 1) % per_page)
    return list(numbered.filter(phase=0).order_by("row").values_list("publication_start", "pk"))


def _from_row(start):
    """The offers at or after `start` (publication_start, pk) in the listing's order: newest
    publication start first, then highest id; a missing start sorts first where the database
    takes NULL for the largest value (PostgreSQL), last otherwise (SQLite)."""
    day, pk = start
    nulls_first = connection.features.nulls_order_largest
    if day is None:
        undated = Q(publication_start__isnull=True, pk__lte=pk)
        return undated | Q(publication_start__isnull=False) if nulls_first else undated
    # `publication_start <= day` on its own lets PostgreSQL start its index scan at that day.
    dated = Q(publication_start__lte=day) & (Q(publication_start__lt=day) | Q(pk__lte=pk))
    return dated if nulls_first else dated | Q(publication_start__isnull=True)


def option_tags(options):
    """The <option> tags of a filter's select, each with its count, e.g. "Sommeil (2 offres)".

    Built here rather than by the template: the filters have some 400 options, and a
    `{% blocktranslate count %}` for each was most of the listing's rendering time. The text is
    the one that tag gave (same message, count localized the same way), escaped like Django's
    `escape`; the translated pattern and the localized count are computed once per distinct count.
    """
    by_count = {}  # count: (translated pattern, localized count)
    tags = []
    for option in options:
        count = option.count
        if count not in by_count:
            by_count[count] = (
                ngettext("%(label)s (%(counter)s offer)", "%(label)s (%(counter)s offers)", count),
                localize(count),
            )
        pattern, counter = by_count[count]
        text = pattern % {"label": option.label, "counter": counter}
        selected = " selected" if option.selected else ""
        tags.append(f'<option value="{html_escape(option.value)}"{selected}>{html_escape(text)}</option>')
    return mark_safe("".join(tags))  # noqa: S308 -- every value is escaped above


# Bumped whenever the shape of a cached entry changes: a shared cache may hold older ones.
FACETS_CACHE_FORMAT = 2


def facets_cache_timeout():
    return getattr(settings, "PORTAL_FACETS_CACHE_TIMEOUT", 600)


def listing_facets(form, published, ids, now):
    """What the listing shows for the form's filters besides its cards, from a fragment cache.

    Returns `(total, option tags, chosen, page starts)`: the count of offers listed, the <option>
    tags of each filter's select (`option_tags`), per filter its selected options (FacetOption,
    for the labels of the active filters) and, when cached, the first row of every page
    (`page_starts`). `published` is `Offer.objects.published(now)`, `ids` the offers listed.

    Counting the ~10,000 published offers is most of an uncached listing's cost, and every page of
    a filter combination shows the same counts. The entry is keyed on the page cache's generation
    (`portal.cache.generation()`): every change that purges the public pages (`portal.signals`:
    offers published, unpublished, saved or deleted, their documents, structures, themes, types of
    host site) makes it unreachable at once, in every process sharing the cache. The one change
    no signal reports, an offer reaching its publication end, is covered by the entry's lifetime:
    never beyond the next `expire_at` of a live offer (after `now`). So the counts and page starts
    are never older than the cards. Only the select filters are cached (a finite set of
    combinations), not text searches. `PORTAL_FACETS_CACHE_TIMEOUT=0` turns this cache off
    (independently of the page cache).
    """
    # Free-text searches are not cached: rarely repeated, and their number has no bound.
    timeout = facets_cache_timeout() if "q" not in form.active else 0
    if timeout > 0:
        active = sorted((name, str(value)) for name, value in form.active.items())
        digest = hashlib.sha256(repr(active).encode()).hexdigest()
        key = f"portal:facets:{FACETS_CACHE_FORMAT}:{generation()}:{get_language()}:{digest}"
        entry = cache.get(key)
        if entry is not None:
            return entry
    facets, total = facet_counts(form, published, with_total=True)
    entry = (
        total,
        {name: option_tags(options) for name, options in facets.items()},
        {name: [option for option in options if option.selected] for name, options in facets.items()},
        [],
    )
    if timeout > 0:
        entry[3].extend(page_starts(ids))
        next_expiry = Offer.objects.filter(live=True, expire_at__gt=now).aggregate(next=Min("expire_at"))["next"]
        if next_expiry is not None:
            timeout = min(timeout, math.ceil((next_expiry - now).total_seconds()))
        cache.set(key, entry, timeout)
    return entry


def listing_context(request):
    form = PublicOfferFilterForm(request.GET)
    now = timezone.now()
    published = Offer.objects.published(now)
    ids = form.filter_queryset(published).order_by("-publication_start", "-pk").values("pk")
    total, filter_options, chosen, starts = listing_facets(form, published, ids, now)
    paginator = CardPaginator(ids, PAGE_SIZE, page_starts=starts)
    paginator.count = total  # counted with the facets: no COUNT query of its own
    page_obj = paginator.get_page(request.GET.get("page"))
    page_obj.pages_list = [str(item) for item in paginator.get_elided_page_range(page_obj.number)]
    active_filters = form.describe(chosen)
    query = urlencode({name: request.GET[name] for name in form.active if name in request.GET})
    return {
        "filter_form": form,
        "filter_options": filter_options,
        "active_filters": active_filters,
        "page_obj": page_obj,
        "offers": page_obj.object_list,
        "is_paginated": paginator.num_pages > 1,
        "filter_query": query,
    }


def published_offer(offer_id):
    """The published offer with this id and everything its page shows, or None."""
    return (
        Offer.objects.published()
        .select_related("structure", "theme", "site_type")
        .prefetch_related("documents", "disciplines")
        .filter(pk=offer_id)
        .first()
    )


def withdrawn_offer(offer_id):
    """An offer that was published once and is no longer (caduque or stopped), or None.

    Drafts, offers awaiting validation and validated offers whose publication has not started were
    never published: they stay unknown to the public.
    """
    return (
        Offer.objects.filter(pk=offer_id, first_published_at__isnull=False)
        .exclude(pk__in=Offer.objects.published().values("pk"))
        .select_related("theme")
        .first()
    )


def similar_offers(offer):
    """Published offers on the same theme or in the same département, newest first."""
    return _cards(
        Offer.objects.published().filter(Q(theme_id=offer.theme_id) | Q(department=offer.department))
    ).exclude(pk=offer.pk)[:SIMILAR_COUNT]


def offer_context(request, page, offer):
    url = request.build_absolute_uri(page.offer_url(offer))
    logo_url = request.build_absolute_uri(offer.structure.logo.url) if offer.structure.logo else ""
    description = Truncator(strip_tags(offer.description).replace("\n", " ")).chars(160)
    documents = [
        {
            "title": document.title,
            "url": f"{page.offer_url(offer)}documents/{document.pk}/",
            "extension": os.path.splitext(document.file.name)[1].lstrip(".").upper(),
        }
        for document in offer.documents.all()
    ]
    return {
        "offer": offer,
        "documents": documents,
        "pdf_url": f"{page.offer_url(offer)}pdf/",
        "canonical_url": url,
        "logo_url": logo_url,
        "meta_description": description,
        "json_ld": json.dumps(offer_json_ld(offer, url, logo_url), ensure_ascii=False).translate(JSON_LD_ESCAPES),
    }


def offer_json_ld(offer, url, logo_url):
    """schema.org JobPosting (an internship placement) for search engines."""
    organization = {"@type": "Organization", "name": offer.structure.name}
    if offer.structure.website:
        organization["sameAs"] = offer.structure.website
    if logo_url:
        organization["logo"] = logo_url
    data = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": offer.name,
        "description": offer.description,
        "url": url,
        "employmentType": "INTERN",
        "datePosted": (offer.publication_start or offer.created_at.date()).isoformat(),
        "hiringOrganization": organization,
        "industry": _("Health prevention"),
        "occupationalCategory": offer.theme.name,
        "jobLocation": {
            "@type": "Place",
            "name": offer.host_name,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": offer.address,
                "postalCode": offer.postcode,
                "addressLocality": offer.city,
                "addressCountry": "FR",
            },
        },
        "directApply": False,
        "applicationContact": {"@type": "ContactPoint", "email": offer.application_email},
    }
    if offer.publication_end:
        data["validThrough"] = offer.publication_end.isoformat()
    if offer.period_start:
        data["jobStartDate"] = offer.period_start.isoformat()
    return data
