"""The offers list's "Extend" button (the guide: the Valideur and the Gestionnaire extend a
published offer) and its "Delete" button, shown only where the offer's own rule allows it
(a Gestionnaire deletes drafts only), in the list, the edit view and the inspect view."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from accounts.roles import Role
from offers.forms import ExtendForm
from offers.models import Offer, OfferState, add_months
from tests.factories.accounts import StructureFactory, UserFactory
from tests.factories.offers import OfferFactory

pytestmark = pytest.mark.django_db
LIST = reverse("wagtailsnippets_offers_offer:list")
ROLES = {
    "manager": [Role.OFFER_MANAGER],
    "validator": [Role.OFFER_VALIDATOR],
    "manager_validator": [Role.OFFER_MANAGER, Role.OFFER_VALIDATOR],
    "viewer": [Role.OFFER_VIEWER],
    "offerer_admin": [Role.OFFERER_ADMIN],
    "regional_admin": [Role.REGIONAL_ADMIN],
}
EXTENDERS = {"manager", "validator", "manager_validator"}


def url(name, offer):
    return reverse(f"wagtailsnippets_offers_offer:{name}", args=[offer.pk])


def make_user(role, structure):
    return UserFactory(structure=None if role == "regional_admin" else structure, roles=ROLES[role])


def submitted(structure):
    author = UserFactory(structure=structure, roles=[Role.OFFER_MANAGER])
    offer = OfferFactory(structure=structure, author=author)
    offer.save_revision(user=author)
    offer.get_workflow().start(offer, author)
    return offer


def validated(structure):
    """Approved by a valideur, its publication scheduled."""
    validator = UserFactory(structure=structure, roles=[Role.OFFER_VALIDATOR])
    offer = OfferFactory(structure=structure, publication_start=timezone.localdate() + datetime.timedelta(days=5))
    offer.save_revision(user=validator).publish(user=validator)
    return offer


def offers_in_every_state(structure):
    offers = {
        OfferState.DRAFT: OfferFactory(structure=structure),
        OfferState.TO_VALIDATE: submitted(structure),
        OfferState.VALIDATED: validated(structure),
        OfferState.PUBLISHED: OfferFactory(structure=structure, published=True),
        OfferState.OBSOLETE: OfferFactory(structure=structure, expired=True),
    }
    states = dict(Offer.objects.with_state().filter(pk__in=[o.pk for o in offers.values()]).values_list("pk", "state"))
    assert {state: states[offer.pk] for state, offer in offers.items()} == {state: state for state in offers}
    return offers


def row(html, offer):
    start = html.index(f'data-object-id="{offer.pk}"')
    return html[start : html.index("</tr>", start)]


@pytest.mark.parametrize("role", ROLES)
def test_extend_button_on_running_offers_of_the_own_structure(client, role):
    structure = StructureFactory()
    own = offers_in_every_state(structure)
    other = OfferFactory(published=True)  # another structure's
    client.force_login(make_user(role, structure))
    html = client.get(LIST).content.decode()
    for state, offer in own.items():
        shown = role in EXTENDERS and state in (OfferState.PUBLISHED, OfferState.VALIDATED)
        assert (f'href="{url("extend", offer)}"' in row(html, offer)) == shown, state
    # Another structure's offer: not listed, or (regional administrator) listed without the button.
    assert f'href="{url("extend", other)}"' not in html
    if role in EXTENDERS:
        assert "Prolonger la publication" in html


@pytest.mark.parametrize("role", ROLES)
def test_extend_view_matrix_on_a_published_offer(client, role):
    structure = StructureFactory()
    own = OfferFactory(structure=structure, published=True)
    other = OfferFactory(published=True)
    client.force_login(make_user(role, structure))
    response = client.get(url("extend", own))
    if role in EXTENDERS:
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    # Another structure's offer is refused to everyone, and its end is unchanged.
    end = other.publication_end
    response = client.post(url("extend", other))
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert Offer.objects.get(pk=other.pk).publication_end == end


@pytest.mark.parametrize("role", ["manager", "validator"])
def test_extending_from_the_list_button(client, role):
    structure = StructureFactory()
    offer = OfferFactory(structure=structure, published=True)
    end = offer.publication_end
    client.force_login(make_user(role, structure))
    html = client.get(LIST).content.decode()
    assert f'href="{url("extend", offer)}"' in row(html, offer)
    page = client.get(url("extend", offer)).content.decode()
    assert "Prolonger la publication" in page and f"se termine le {end:%d/%m/%Y}" in page
    # Three months later are proposed; the user picks another date.
    assert f'value="{add_months(end, 3).isoformat()}"' in page and 'type="date"' in page
    chosen = end + datetime.timedelta(days=45)
    response = client.post(url("extend", offer), {"publication_end": chosen.isoformat()}, follow=True)
    assert response.redirect_chain[-1][0] == LIST
    offer = Offer.objects.get(pk=offer.pk)
    assert offer.publication_end == chosen
    assert offer.get_latest_revision_as_object().publication_end == chosen
    assert f"se termine désormais le {chosen:%d/%m/%Y}" in response.content.decode()


@pytest.mark.parametrize(
    ("days", "error"),
    [
        (0, "La nouvelle fin de publication doit être postérieure à la fin actuelle"),
        (-3, "La nouvelle fin de publication doit être postérieure à la fin actuelle"),
        (None, "Champ requis."),
    ],
)
def test_extend_date_is_validated(client, days, error):
    structure = StructureFactory()
    offer = OfferFactory(structure=structure, published=True)
    end = offer.publication_end
    client.force_login(make_user("manager", structure))
    value = "" if days is None else (end + datetime.timedelta(days=days)).isoformat()
    response = client.post(url("extend", offer), {"publication_end": value})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert Offer.objects.get(pk=offer.pk).publication_end == end


def test_extend_date_cannot_be_in_the_past():
    """Only reachable for an offer without an end (a running offer's new end is after its current
    one, itself not passed): the form still refuses a past day."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    form = ExtendForm({"publication_end": yesterday.isoformat()}, offer=Offer(publication_end=None))
    assert not form.is_valid()
    assert form.errors["publication_end"] == ["La nouvelle fin de publication ne peut pas être dans le passé."]


def test_extend_view_refuses_a_draft(client):
    structure = StructureFactory()
    offer = OfferFactory(structure=structure)
    client.force_login(make_user("manager", structure))
    data = {"publication_end": (offer.publication_end + datetime.timedelta(days=30)).isoformat()}
    response = client.post(url("extend", offer), data, follow=True)
    assert "Seule une offre publiée ou validée peut être prolongée" in response.content.decode()
    assert Offer.objects.get(pk=offer.pk).publication_end == offer.publication_end


# Role: the states in which the role sees Delete on an offer of its own structure.
DELETERS = {
    "manager": {OfferState.DRAFT},
    "validator": set(OfferState),
    "manager_validator": set(OfferState),
    "viewer": set(),
    "offerer_admin": set(),
    "regional_admin": set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_delete_button_only_where_the_rule_allows(client, role):
    structure = StructureFactory()
    own = offers_in_every_state(structure)
    client.force_login(make_user(role, structure))
    html = client.get(LIST).content.decode()
    for state, offer in own.items():
        assert (f'href="{url("delete", offer)}"' in row(html, offer)) == (state in DELETERS[role]), state


@pytest.mark.parametrize("role", ["manager", "validator"])
def test_edit_and_inspect_views_show_delete_only_where_the_rule_allows(client, role):
    structure = StructureFactory()
    draft = OfferFactory(structure=structure)
    published = OfferFactory(structure=structure, published=True)
    client.force_login(make_user(role, structure))
    for offer, allowed in ((draft, True), (published, role == "validator")):
        for view in ("edit", "inspect"):
            page = client.get(url(view, offer)).content.decode()
            assert (f'href="{url("delete", offer)}"' in page) == allowed, (view, offer.state)


def test_superuser_sees_delete_everywhere(client):
    offers = offers_in_every_state(StructureFactory())
    client.force_login(UserFactory(structure=None, is_superuser=True, is_staff=True))
    html = client.get(LIST).content.decode()
    for state, offer in offers.items():
        assert f'href="{url("delete", offer)}"' in row(html, offer), state
    assert (
        f'href="{url("delete", offers[OfferState.PUBLISHED])}"'
        in client.get(url("inspect", offers[OfferState.PUBLISHED])).content.decode()
    )


def test_a_manager_is_still_refused_deleting_a_published_offer(client):
    structure = StructureFactory()
    offer = OfferFactory(structure=structure, published=True)
    client.force_login(make_user("manager", structure))
    client.post(url("delete", offer))
    assert Offer.objects.filter(pk=offer.pk).exists()


def test_expired_extension_link_points_to_the_list(client):
    structure = StructureFactory()
    manager = make_user("manager", structure)
    today = timezone.localdate()
    offer = OfferFactory(structure=structure, published=True, publication_end=today + datetime.timedelta(days=20))
    call_command("send_offer_reminders")
    link = next(line for line in mail.outbox[-1].body.splitlines() if "token=" in line).split("testserver")[1]
    with freeze_time(timezone.now() + datetime.timedelta(days=46)):
        client.force_login(manager)
        response = client.get(link, follow=True)
    assert "Prolongez l&#x27;offre depuis la liste des offres" in response.content.decode()
    assert Offer.objects.get(pk=offer.pk).publication_end == offer.publication_end
