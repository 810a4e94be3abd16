"""The offer form's four steps (guide #3 and #4: "Passer à l'étape suivante", "revenir à l'étape
précédente"): each tab ends with buttons to its neighbours, and in Chromium they move to the step."""

import re

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from tests.browser import admin_log_in, screenshot, serious_violations
from tests.factories.accounts import PASSWORD, StructureFactory, UserFactory
from tests.factories.offers import OfferFactory

ADD = "/admin/snippets/offers/offer/add/"
STEPS = ["Description", "Modalités", "Compléments", "Publication"]


def step_buttons(html):
    return re.findall(r'data-action="w-tabs#(selectPrevious|selectNext)">([^<]+)</button>', html)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["add", "edit"])
def test_each_step_ends_with_buttons_to_its_neighbours(client, page):
    manager = UserFactory(structure=StructureFactory(), roles=[Role.OFFER_MANAGER])
    client.force_login(manager)
    offer = OfferFactory(structure=manager.structure)
    url = ADD if page == "add" else f"/admin/snippets/offers/offer/edit/{offer.pk}/"
    html = client.get(url).content.decode()
    assert step_buttons(html) == [
        ("selectNext", "Étape suivante : Modalités"),
        ("selectPrevious", "Étape précédente : Description"),
        ("selectNext", "Étape suivante : Compléments"),
        ("selectPrevious", "Étape précédente : Modalités"),
        ("selectNext", "Étape suivante : Publication"),
        ("selectPrevious", "Étape précédente : Compléments"),
    ]
    assert html.count('aria-label="Étapes du formulaire de l’offre"') == len(STEPS)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_step_buttons_move_through_the_form(browser_page, live_server):
    manager = UserFactory(structure=StructureFactory(), roles=[Role.OFFER_MANAGER])
    page = browser_page
    admin_log_in(page, manager.email, PASSWORD)
    page.goto(ADD)
    expect(page.get_by_role("tab", name="Description")).to_have_attribute("aria-selected", "true")
    for previous, step in zip(STEPS, STEPS[1:], strict=False):
        page.get_by_role("button", name=f"Étape suivante : {step}").click()
        expect(page.get_by_role("tab", name=step)).to_have_attribute("aria-selected", "true")
        expect(page.get_by_role("tab", name=step)).to_be_focused()
        expect(page.get_by_role("tab", name=previous)).not_to_have_attribute("aria-selected", "true")
    expect(page.get_by_label("Début de publication")).to_be_visible()
    page.get_by_role("button", name="Étape précédente : Compléments").click()
    expect(page.get_by_role("tab", name="Compléments")).to_have_attribute("aria-selected", "true")
    screenshot(page, "offer_form_steps")
    assert serious_violations(page) == []
