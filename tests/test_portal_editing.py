"""The regional administrator edits the site's pages; offerers do not."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from portal.models import DocumentationPage
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_regional_admin_edits_and_publishes_a_documentation_page(client, site):
    admin = UserFactory(structure=None, roles=[Role.REGIONAL_ADMIN])
    client.force_login(admin)
    page = DocumentationPage.objects.get(slug="creer-un-compte-offreur")
    assert "Pages" in client.get(reverse("wagtailadmin_home")).content.decode()
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert edit.status_code == 200
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        {
            "title": "Créer son compte offreur",
            "slug": page.slug,
            "intro": "Nouveau résumé.",
            "body-count": "0",
            "action-publish": "action-publish",
        },
    )
    assert response.status_code == 302
    assert "Nouveau résumé." in client.get("/documentation/creer-un-compte-offreur/").content.decode()


@pytest.mark.parametrize("role", [Role.OFFERER_ADMIN, Role.OFFER_MANAGER, Role.OFFER_VALIDATOR, Role.CALENDAR_MANAGER])
def test_other_roles_cannot_edit_pages(client, site, role):
    client.force_login(UserFactory(roles=[role]))
    page = DocumentationPage.objects.get(slug="creer-un-compte-offreur")
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code in (302, 403)
