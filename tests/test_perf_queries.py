"""SQL queries of every benchmarked URL: the same count at 10 and at 200 offers (and periods), and
within the issue's targets for the public listing (12) and the offer page (10). The listing's 10 are
those of a miss of its counts cache (cleared before every request): with them cached, 6.

The page cache is cleared before every measured request (with the rest of the local-memory
cache), so that it never hides queries; process-level caches (content types) are warmed first.
"""

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from calendars import demo as calendars_demo
from offers import demo as offers_demo
from offers.models import Discipline, Offer, OfferDocument, Theme
from tests.factories.accounts import UserFactory

ADMIN_LIST = "/admin/snippets/offers/offer/"
# name: (path, logged in as the regional administrator, at most this many queries)
URLS = {
    "home": ("/", False, 8),
    "listing": ("/offres/", False, 10),
    "listing_filtered": ("/offres/?departement={department}&thematique={theme}", False, 10),
    "listing_page5": ("/offres/?page=5", False, 10),
    "listing_every_filter": (
        "/offres/?q=prévention&departement={department}&thematique={theme}&terrain={site_type}"
        "&structure={structure}&periode=continuous",
        False,
        10,
    ),
    "offer": ("/offres/{offer}/", False, 10),
    "offer_pdf": ("/offres/{offer}/pdf/", False, 8),
    "admin_offers": (ADMIN_LIST, True, 15),
    "admin_export_csv": (ADMIN_LIST + "?export=csv", True, 11),
    "admin_export_xlsx": (ADMIN_LIST + "?export=xlsx", True, 11),
    # The month: its periods' rows and dates, the disciplines, the institutes (+ their profiles' disciplines),
    # the page's periods, the offers of their dates (and, when there are some, which of them are published:
    # not here, the generated offers have no dates); the regional administrator's menu reads their page and
    # collection permissions.
    "calendar_month": ("/admin/calendrier/", True, 15),
}


def add_offers(count):
    """`count` more generated offers (half published) and calendar periods, every offer with two
    disciplines, so that a missing prefetch would show as queries growing with the rows."""
    offers_demo.generate(count, structure_count=Offer.objects.count() + count)
    calendars_demo.generate(count)
    through = Offer.disciplines.through
    disciplines = list(Discipline.objects.order_by("pk")[:2])
    with_disciplines = through.objects.values("offer_id")
    through.objects.bulk_create(
        through(offer_id=offer_id, discipline_id=discipline.pk)
        for offer_id in Offer.objects.exclude(pk__in=with_disciplines).values_list("pk", flat=True)
        for discipline in disciplines
    )


def measure(client, path):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, path
    return [query["sql"] for query in queries.captured_queries]


@pytest.fixture
def offer_page_target(site):
    """The published offer whose page and PDF are measured, with a document; and the filter values."""
    add_offers(10)
    offer = Offer.objects.published().order_by("-pk").first()
    OfferDocument.objects.create(offer=offer, title="Programme", file=ContentFile(b"%PDF-1.4", name="programme.pdf"))
    theme = Theme.objects.get(pk=offer.theme_id)
    return {
        "offer": offer.pk,
        "department": offer.department,
        "theme": theme.slug,
        "site_type": offer.site_type.slug,
        "structure": offer.structure_id,
    }


@pytest.mark.parametrize("name", URLS)
def test_queries_do_not_grow_with_the_offers(client, offer_page_target, name):
    template, as_admin, budget = URLS[name]
    path = template.format(**offer_page_target)
    if as_admin:
        client.force_login(UserFactory(roles=[Role.REGIONAL_ADMIN]))
    measure(client, path)  # warm the process-level caches (content types, permissions)
    at_10 = measure(client, path)
    add_offers(190)
    at_200 = measure(client, path)
    assert len(at_10) == len(at_200), "\n".join(at_200)
    assert len(at_200) <= budget, "\n".join(at_200)


def test_the_listing_measured_at_200_offers_shows_them(client, offer_page_target):
    """The counts above are those of real pages: the listing has ten pages of 20 cards after 200 more offers."""
    add_offers(190)
    response = client.get("/offres/?page=5")
    assert response.status_code == 200
    assert response.content.decode().count('class="fr-card__title"') == 20
