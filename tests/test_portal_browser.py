"""A visitor in a real browser: filter the listing, open an offer, download its PDF.

Playwright drives Debian's Chromium (`make browser-deps`); Playwright never downloads a browser.
"""

import io
import os
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from offers.models import Theme
from tests.factories.accounts import StructureFactory
from tests.factories.portal import OfferFactory

CHROMIUM = shutil.which("chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is installed by `make browser-deps`"),
]


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # itself are synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        context = browser.new_context(accept_downloads=True, locale="fr-FR")
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()


def test_visitor_filters_opens_an_offer_and_downloads_its_pdf(live_server, site, browser_page):
    sleep = Theme.objects.get(name="Sommeil")
    food = Theme.objects.get(name="Alimentation")
    wanted = OfferFactory(
        name="Ateliers sommeil au collège",
        published=True,
        theme=sleep,
        postcode="64000",
        city="Pau",
        structure=StructureFactory(name="Collège de Pau"),
    )
    OfferFactory(name="Sommeil à Bordeaux", published=True, theme=sleep, postcode="33000")
    OfferFactory(name="Cantine à Pau", published=True, theme=food, postcode="64000")
    OfferFactory(name="Brouillon invisible", theme=sleep, postcode="64000")

    page = browser_page
    page.goto(f"{live_server.url}/offres/")
    assert page.locator("h1").inner_text() == "Offres d'accueil"
    assert page.locator(".fr-card__title").count() == 3

    page.get_by_label("Département").select_option("64")
    page.get_by_label("Thématique").select_option(sleep.slug)
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**/offres/?*departement=64*")
    titles = page.locator(".fr-card__title").all_inner_texts()
    assert titles == ["Ateliers sommeil au collège"]
    assert "Département : 64 – Pyrénées-Atlantiques" in page.title()

    page.get_by_role("link", name="Ateliers sommeil au collège").click()
    page.wait_for_url(f"**/offres/{wanted.pk}/")
    assert page.locator("h1").inner_text() == "Ateliers sommeil au collège"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger l'offre (PDF)").click()
    download = download_info.value
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Ateliers sommeil au collège" in text
