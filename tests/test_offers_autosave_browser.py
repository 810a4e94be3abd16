"""Wagtail's autosave and the editor's "Save draft" on the offer create form, in Chromium: one offer
per opened form in both orders of their requests (see tests/test_offers_create_once.py).

The timing is made certain by holding requests with Playwright's routing: the next page's load (so
the pending autosave fires from the old page, as in the flaky tests/test_e2e_guide.py), or the
autosave's response (so the click posts the create form while the autosave has created the offer).
"""

import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from offers.models import Offer
from tests.browser import admin_log_in
from tests.factories.accounts import PASSWORD, StructureFactory, UserFactory
from tests.factories.offers import offer_form_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ADD = "/admin/snippets/offers/offer/add/"
ADD_URLS = "**/offers/offer/add/"
EDIT_URLS = "**/offers/offer/edit/*/"
# Wagtail's unsaved-changes controller takes its reference copy of the form 2 s after load: edits
# made before it are not seen as changes, so nothing would be autosaved.
WATCHING_EDITS = 2500


def is_autosave(request):
    return request.method == "POST" and "application/json" in request.headers.get("accept", "")


def fill_create_form(page, name):
    """The whole form in one go: one change for Wagtail's unsaved-changes controller, one autosave."""
    page.goto(ADD)
    page.wait_for_timeout(WATCHING_EDITS)
    today = timezone.localdate()
    values = {
        **offer_form_data(name=name),
        "publication_start": today.isoformat(),
        "publication_end": (today + datetime.timedelta(days=90)).isoformat(),
    }
    page.evaluate(
        """values => {
            for (const [name, value] of Object.entries(values)) {
                const field = document.querySelector(`#w-editor-form [name="${name}"]`);
                if (field) field.value = value;
            }
        }""",
        {name: str(value) for name, value in values.items()},
    )


def save_draft(page):
    # Its page is held by the test: do not wait for it.
    page.get_by_role("button", name="Enregistrer le brouillon").click(no_wait_after=True)


class HeldRequests:
    """The create URL's POSTs, held in the browser until the test sends them to the server in the
    order it chooses (one at a time: the test database is SQLite in memory)."""

    def __init__(self, page):
        self.page, self.saves, self.autosaves = page, [], []
        page.route(ADD_URLS, self.hold)

    def hold(self, route):
        if route.request.method != "POST":
            route.continue_()
        elif is_autosave(route.request):
            self.autosaves.append(route)
        else:
            self.saves.append(route)

    def wait_for(self, held):
        for _ in range(100):
            if held:
                return held.pop(0)
            self.page.wait_for_timeout(100)
        raise AssertionError("the page posted nothing")

    def send(self, route):
        answer = route.fetch(max_redirects=0)
        route.fulfill(response=answer)
        return answer

    def close(self):
        self.page.unroute(ADD_URLS)


def test_one_offer_per_create_form_whatever_comes_first(live_server, browser_page):
    page = browser_page
    manager = UserFactory(structure=StructureFactory(), roles=[Role.OFFER_MANAGER])
    admin_log_in(page, manager.email, PASSWORD)

    # 1. The click right after the last change, before the autosave's delay is over: the autosave
    # fires from the old page while the next one loads (the flaky run of tests/test_e2e_guide.py).
    held = HeldRequests(page)
    fill_create_form(page, "Clic puis autosave")
    save_draft(page)
    save = held.wait_for(held.saves)
    autosave = held.wait_for(held.autosaves)  # sent by the page after the click
    saved = save.fetch(max_redirects=0)
    assert saved.status == 302
    refused = held.send(autosave)
    assert refused.status == 400 and refused.json()["error_code"] == "invalid_revision"
    save.fulfill(response=saved)
    page.wait_for_url(EDIT_URLS)
    held.close()
    offer = Offer.objects.get(name="Clic puis autosave")
    assert page.url.endswith(f"/offers/offer/edit/{offer.pk}/")

    # 2. The first autosave is on its way (it has created the offer, its answer has not reached the
    # page) when the editor changes the name and clicks: the click still posts the create form.
    held = HeldRequests(page)
    fill_create_form(page, "Autosave puis clic")
    autosave = held.wait_for(held.autosaves)
    page.fill("input[name=name]", "Autosave puis clic, version finale")
    save_draft(page)
    save = held.wait_for(held.saves)
    created = autosave.fetch()
    assert created.json()["success"]
    assert held.send(save).status == 302
    autosave.fulfill(response=created)
    page.wait_for_url(EDIT_URLS)
    held.close()
    offer = Offer.objects.get(name="Autosave puis clic, version finale")
    assert page.url.endswith(f"/offers/offer/edit/{offer.pk}/")
    assert offer.pk == created.json()["pk"]
    assert Offer.objects.count() == 2
