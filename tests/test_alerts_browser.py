"""In a real browser: a visitor subscribes to an alert from the filtered listing and confirms it; the
regional administrator reads the statistics. No CSP violation, no serious accessibility issue."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.roles import Role
from alerts.models import Alert
from offers.models import Theme
from tests.browser import screenshot, serious_violations
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.offers import OfferFactory
from tests.test_security_browser import Watcher

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_visitor_subscribes_from_the_listing_and_confirms(live_server, site, browser_page):
    OfferFactory(published=True, theme=Theme.objects.get(slug="sommeil"))
    page = browser_page
    watcher = Watcher(page)
    watcher.visit("/offres/?thematique=sommeil")
    page.get_by_role("link", name="Recevoir par e-mail les nouvelles offres correspondant à ces filtres").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Thématique : Sommeil")).to_have_count(1)
    assert serious_violations(page) == []
    page.get_by_role("button", name="S’abonner").click()
    # The form is posted: wait for the answer page rather than read the one being left.
    expect(page.get_by_text("Saisissez votre adresse e-mail.")).to_have_count(1)
    assert serious_violations(page) == []
    page.get_by_label("Votre adresse e-mail").fill("etudiante@example.org")
    page.get_by_role("button", name="S’abonner").click()
    page.get_by_role("heading", name="Consultez vos e-mails").wait_for()
    screenshot(page, "alerts_subscribed")

    confirm = re.search(r"http://testserver(/alertes/confirmer/\S+)", mail.outbox[-1].body).group(1)
    watcher.visit(confirm)
    page.get_by_role("heading", name="Votre alerte est confirmée").wait_for()
    assert serious_violations(page) == []
    assert Alert.objects.get().is_confirmed
    page.get_by_role("link", name="Se désabonner").click()
    page.get_by_role("heading", name="Vous êtes désabonné").wait_for()
    assert not Alert.objects.exists()
    assert watcher.violations == []


def test_regional_administrator_reads_the_statistics(live_server, site, browser_page):
    regional = UserFactory(structure=None, roles=[Role.REGIONAL_ADMIN])
    OfferFactory.create_batch(3, published=True)
    OfferFactory(postcode="40000")
    page = browser_page
    watcher = Watcher(page)
    watcher.visit("/admin/login/")
    page.fill("input[name=username]", regional.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    watcher.visit("/admin/statistiques/")
    page.get_by_role("heading", name="Offres par département et thématique").wait_for()
    screenshot(page, "stats_page")
    page.get_by_role("heading", name="Graphique des étudiants disponibles et des places proposées, par mois").hover()
    screenshot(page, "stats_page_months")
    assert serious_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger « Offres par état » (CSV)").click()
    assert download.value.suggested_filename == "statistiques-offres-par-etat.csv"
    assert watcher.violations == []
