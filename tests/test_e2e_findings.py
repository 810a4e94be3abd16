"""What the end-to-end story revealed, kept as regression tests: a Gestionnaire finds how to stop a
published offer; a user with a temporary password still gets the admin's icon sprite (it used to
receive the password page, injected hidden into every admin page)."""

import pytest

from accounts.roles import Role
from tests.factories.accounts import StructureFactory, UserFactory
from tests.factories.offers import OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_with_published_offer(client, site):
    structure = StructureFactory()
    manager = UserFactory(roles=[Role.OFFER_MANAGER], structure=structure)
    offer = OfferFactory(published=True, structure=structure, name="Ateliers sommeil")
    client.force_login(manager)
    return offer


def test_a_gestionnaire_finds_how_to_stop_a_published_offer(client, manager_with_published_offer):
    offer = manager_with_published_offer
    stop_url = f"/admin/snippets/offers/offer/stop/{offer.pk}/"
    listing = client.get("/admin/snippets/offers/offer/").content.decode()
    editor = client.get(f"/admin/snippets/offers/offer/edit/{offer.pk}/").content.decode()
    assert stop_url in listing or stop_url in editor


def test_a_temporary_password_still_gets_the_admin_icon_sprite(client, site):
    user = UserFactory(roles=[Role.OFFER_MANAGER], must_change_password=True)
    client.force_login(user)
    response = client.get("/admin/sprite/")
    assert response.status_code == 200
    assert b'<symbol id="icon-' in response.content
