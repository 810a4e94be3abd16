"""Two people editing the same offer: no silent overwrite.

- A locks the offer: B's save is refused with a French message, the offer keeps A's content.
- No lock: B, who opened the form before A saved, gets a conflict warning instead of silently
  replacing A's newer version (both through the full form and through Wagtail's autosave); B may
  then save again knowingly, and A's version stays in the history.
- The form's own autosaves are no conflict for its save (Wagtail's autosave leaves the form's loaded
  revision as the form was opened); another window's autosave still is.
"""

import html
import re

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts.roles import Role
from offers.models import Offer
from tests.factories.accounts import StructureFactory, UserFactory
from tests.factories.offers import OfferFactory, offer_form_data

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"wagtailsnippets_offers_offer:{name}", args=args)


@pytest.fixture
def people():
    structure = StructureFactory()
    return {
        "a": UserFactory(structure=structure, roles=[Role.OFFER_MANAGER], first_name="Anne", last_name="Avril"),
        "b": UserFactory(structure=structure, roles=[Role.OFFER_MANAGER], first_name="Bruno", last_name="Blanc"),
        "structure": structure,
    }


@pytest.fixture
def offer(people):
    offer = OfferFactory(structure=people["structure"], name="Offre partagée")
    offer.save_revision(user=people["a"])
    return offer


def text(response):
    return html.unescape(response.content.decode())


def loaded_revision(client, offer):
    """The hidden revision fields of the edit form, as the browser would send them back."""
    return revision_fields(client.get(url("edit", offer.pk)))


def revision_fields(response):
    page = response.content.decode()
    revision_id = re.search(r'name="loaded_revision_id" value="([^"]*)"', page).group(1)
    created_at = re.search(r'name="loaded_revision_created_at" value="([^"]*)"', page).group(1)
    return {"loaded_revision_id": revision_id, "loaded_revision_created_at": html.unescape(created_at)}


def latest_name(offer):
    return Offer.objects.get(pk=offer.pk).get_latest_revision_as_object().name


def test_lock_refuses_the_other_editors_save(client, people, offer):
    client.force_login(people["a"])
    assert client.post(url("lock", offer.pk)).status_code == 302
    assert Offer.objects.get(pk=offer.pk).locked_by == people["a"]

    client.force_login(people["b"])
    page = text(client.get(url("edit", offer.pk)))
    assert "verrouillé" in page and "Anne Avril" in page
    response = client.post(url("edit", offer.pk), offer_form_data(name="Version de Bruno"))
    assert response.status_code == 200
    assert "n'a pu être enregistré(e) car il/elle est verrouillé(e)" in text(response)
    assert latest_name(offer) == "Offre partagée"
    # Unlocking someone else's lock is a deliberate act of the structure's editors (they hold
    # Wagtail's unlock permission), recorded in the log with its author.
    client.post(url("unlock", offer.pk))
    assert not Offer.objects.get(pk=offer.pk).locked
    assert ModelLogEntry.objects.filter(action="wagtail.unlock", object_id=str(offer.pk), user=people["b"]).exists()
    assert client.post(url("edit", offer.pk), offer_form_data(name="Version de Bruno")).status_code == 302
    assert latest_name(offer) == "Version de Bruno"


def test_a_viewer_cannot_unlock(client, people, offer):
    client.force_login(people["a"])
    client.post(url("lock", offer.pk))
    client.force_login(UserFactory(structure=people["structure"], roles=[Role.OFFER_VIEWER]))
    client.post(url("unlock", offer.pk))
    assert Offer.objects.get(pk=offer.pk).locked_by == people["a"]


def test_stale_form_gets_a_conflict_warning_not_a_silent_overwrite(client, people, offer):
    # B opens the form; then A opens it too, saves a new version.
    client.force_login(people["b"])
    b_loaded = loaded_revision(client, offer)
    client.force_login(people["a"])
    a_loaded = loaded_revision(client, offer)
    response = client.post(url("edit", offer.pk), {**offer_form_data(name="Version d'Anne"), **a_loaded})
    assert response.status_code == 302
    assert latest_name(offer) == "Version d'Anne"

    # B saves the form opened before A's save: refused, with who saved in between.
    client.force_login(people["b"])
    response = client.post(url("edit", offer.pk), {**offer_form_data(name="Version de Bruno"), **b_loaded})
    assert response.status_code == 200
    assert "Anne Avril a enregistré une nouvelle version" in text(response)
    assert latest_name(offer) == "Version d'Anne"
    # The form shown again carries B's input and now the latest revision: saving again is deliberate.
    assert 'value="Version de Bruno"' in response.content.decode()
    response = client.post(
        url("edit", offer.pk), {**offer_form_data(name="Version de Bruno"), **revision_fields(response)}
    )
    assert response.status_code == 302
    assert latest_name(offer) == "Version de Bruno"
    # A's version is still in the history.
    names = [revision.as_object().name for revision in Offer.objects.get(pk=offer.pk).revisions.order_by("pk")]
    assert "Version d'Anne" in names


def test_stale_autosave_is_refused(client, people, offer):
    client.force_login(people["b"])
    b_loaded = loaded_revision(client, offer)
    client.force_login(people["a"])
    client.post(url("edit", offer.pk), {**offer_form_data(name="Version d'Anne"), **loaded_revision(client, offer)})

    client.force_login(people["b"])
    response = client.post(
        url("edit", offer.pk),
        {**offer_form_data(name="Version de Bruno"), **b_loaded},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error_code"] == "invalid_revision"
    assert latest_name(offer) == "Version d'Anne"


def test_same_person_in_two_windows_is_warned(client, people, offer):
    client.force_login(people["a"])
    first_window = loaded_revision(client, offer)
    client.post(url("edit", offer.pk), {**offer_form_data(name="Fenêtre 2"), **loaded_revision(client, offer)})
    response = client.post(url("edit", offer.pk), {**offer_form_data(name="Fenêtre 1"), **first_window})
    assert response.status_code == 200
    assert "Vous avez enregistré une nouvelle version dans une autre fenêtre" in text(response)
    assert latest_name(offer) == "Fenêtre 2"


def test_own_successive_saves_are_not_conflicts(client, people, offer):
    client.force_login(people["a"])
    for name in ("Première", "Deuxième"):
        response = client.post(url("edit", offer.pk), {**offer_form_data(name=name), **loaded_revision(client, offer)})
        assert response.status_code == 302
    assert latest_name(offer) == "Deuxième"


JSON = {"Accept": "application/json"}


def opened_form(client, offer):
    """What a freshly opened edit form sends back: the revision it loaded and its form token."""
    page = client.get(url("edit", offer.pk))
    token = re.search(r'name="form_token" value="([^"]*)"', page.content.decode()).group(1)
    return {**revision_fields(page), "form_token": token}


def test_own_autosaves_are_not_conflicts_for_the_forms_save(client, people, offer):
    """Wagtail's autosave saves a revision from the open form (then overwrites it at each autosave)
    but leaves the form's loaded revision as it was: its save is not one over a newer version."""
    client.force_login(people["a"])
    form = opened_form(client, offer)
    autosaved = client.post(url("edit", offer.pk), {**offer_form_data(name="Autosave 1"), **form}, headers=JSON)
    assert autosaved.status_code == 200
    overwrite = {"overwrite_revision_id": autosaved.json()["revision_id"]}
    response = client.post(
        url("edit", offer.pk), {**offer_form_data(name="Autosave 2"), **form, **overwrite}, headers=JSON
    )
    assert response.status_code == 200 and latest_name(offer) == "Autosave 2"

    response = client.post(url("edit", offer.pk), {**offer_form_data(name="Enregistrée"), **form})
    assert response.status_code == 302
    assert latest_name(offer) == "Enregistrée"


def test_autosave_of_another_window_still_gets_a_conflict_warning(client, people, offer):
    client.force_login(people["a"])
    first_window, second_window = opened_form(client, offer), opened_form(client, offer)
    client.post(url("edit", offer.pk), {**offer_form_data(name="Fenêtre 2"), **second_window}, headers=JSON)
    response = client.post(url("edit", offer.pk), {**offer_form_data(name="Fenêtre 1"), **first_window})
    assert response.status_code == 200
    assert "Vous avez enregistré une nouvelle version dans une autre fenêtre" in text(response)
    assert latest_name(offer) == "Fenêtre 2"


def test_someone_elses_save_after_an_own_autosave_still_is_a_conflict(client, people, offer):
    client.force_login(people["a"])
    form = opened_form(client, offer)
    client.post(url("edit", offer.pk), {**offer_form_data(name="Autosave d'Anne"), **form}, headers=JSON)
    client.force_login(people["b"])
    client.post(url("edit", offer.pk), {**offer_form_data(name="Version de Bruno"), **opened_form(client, offer)})

    client.force_login(people["a"])
    response = client.post(url("edit", offer.pk), {**offer_form_data(name="Version d'Anne"), **form})
    assert response.status_code == 200
    assert "Bruno Blanc a enregistré une nouvelle version" in text(response)
    assert latest_name(offer) == "Version de Bruno"
