"""One offer per editing session of the create form, whatever the order of its requests.

Wagtail's autosave posts the create form in the background (Accept: application/json) to the same
URL as the editor's own "Save draft": whichever reaches the server second used to create a second
offer. Seen in the browser (tests/test_e2e_guide.py, step 4): the editor clicks "Save draft" right
after typing; their POST creates the offer; the autosave, debounced ~1.5 s after the last change and
still pending in the page until the next page loads, then posts the same form to the create URL.
The other order happens too: an autosave (a document upload, a slow network) is still on its way
when the editor clicks, so their click still posts to the create URL.

The form carries a token of its editing session (a hidden field); the offer remembers the token it
was created with, so the create URL creates once per token.
"""

import html
import re
import threading

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models.signals import post_save, pre_save
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from offers.models import Offer, OfferState
from tests.factories.accounts import StructureFactory, UserFactory
from tests.factories.offers import offer_form_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JSON = {"Accept": "application/json"}


def url(name, *args):
    return reverse(f"wagtailsnippets_offers_offer:{name}", args=args)


@pytest.fixture
def manager():
    return UserFactory(structure=StructureFactory(), roles=[Role.OFFER_MANAGER])


def create_form_token(client):
    """The hidden token of a freshly opened create form, as the browser sends it back."""
    page = client.get(url("add")).content.decode()
    found = re.search(r'<input type="hidden" name="form_token" value="([0-9a-f-]{36})"', page)
    assert found, "the create form carries no form_token"
    return {"form_token": found.group(1)}


def with_document(title="Programme des ateliers", **overrides):
    return offer_form_data(
        **{
            "documents-TOTAL_FORMS": "1",
            "documents-0-title": title,
            "documents-0-file": SimpleUploadedFile("programme.pdf", PDF, content_type="application/pdf"),
            "documents-0-ORDER": "1",
        },
        **overrides,
    )


def latest(offer):
    return Offer.objects.get(pk=offer.pk).get_latest_revision_as_object()


def test_each_opened_create_form_has_its_own_token(client, manager):
    client.force_login(manager)
    assert create_form_token(client) != create_form_token(client)


def test_a_pending_autosave_after_the_save_creates_no_second_offer(client, manager):
    """The browser's order in the flaky e2e run: the editor's save, then the autosave."""
    client.force_login(manager)
    token = create_form_token(client)
    data = {**offer_form_data(name="Ateliers sommeil"), **token}

    response = client.post(url("add"), data)
    offer = Offer.objects.get()
    assert response.status_code == 302 and response.url == url("edit", offer.pk)

    response = client.post(url("add"), data, headers=JSON)
    # Refused like Wagtail's stale autosave: the client pauses autosave and says why.
    assert response.status_code == 400
    assert response.json()["error_code"] == "invalid_revision"
    assert "déjà été enregistrée" in response.json()["error_message"]
    assert Offer.objects.count() == 1
    assert offer.revisions.count() == 1


def test_a_save_while_the_first_autosave_is_on_its_way_updates_the_autosaved_offer(client, manager):
    """The other order: the autosave created the offer; the editor's click still posted the create
    form, with newer content and the same new document: one offer, their content, one document,
    and their action (submitted for validation) carried out."""
    client.force_login(manager)
    token = create_form_token(client)

    response = client.post(url("add"), {**with_document(name="Brouillon automatique"), **token}, headers=JSON)
    assert response.status_code == 200 and response.json()["success"]
    offer = Offer.objects.get()
    assert offer.documents.count() == 1

    data = {**with_document(name="Version de l'auteur", description="Texte complet."), **token}
    response = client.post(url("add"), {**data, "action-submit": "1"})
    assert response.status_code == 302
    assert Offer.objects.count() == 1
    offer = Offer.objects.get()
    assert latest(offer).name == "Version de l'auteur"
    assert latest(offer).description == "Texte complet."
    assert offer.state == OfferState.TO_VALIDATE
    assert [document.title for document in latest(offer).documents.all()] == ["Programme des ateliers"]
    assert offer.documents.count() == 1


def test_a_double_click_on_save_creates_one_offer(client, manager):
    client.force_login(manager)
    data = {**offer_form_data(name="Ateliers sommeil"), **create_form_token(client)}
    first, second = client.post(url("add"), data), client.post(url("add"), data)
    offer = Offer.objects.get()
    assert first.url == second.url == url("edit", offer.pk)


def test_another_create_form_still_creates_another_offer(client, manager):
    client.force_login(manager)
    client.post(url("add"), {**offer_form_data(name="Première"), **create_form_token(client)})
    client.post(url("add"), {**offer_form_data(name="Seconde"), **create_form_token(client)})
    assert sorted(Offer.objects.values_list("name", flat=True)) == ["Première", "Seconde"]


def test_a_form_without_token_still_creates(client, manager):
    """A client that does not send the token (an old page, a script) creates as before."""
    client.force_login(manager)
    assert client.post(url("add"), offer_form_data()).status_code == 302
    assert Offer.objects.get().creation_token is None


def test_someone_elses_token_is_refused(client, manager):
    client.force_login(manager)
    token = create_form_token(client)
    client.post(url("add"), {**offer_form_data(name="Offre de Marc"), **token})
    colleague = UserFactory(structure=manager.structure, roles=[Role.OFFER_MANAGER])
    client.force_login(colleague)

    response = client.post(url("add"), {**offer_form_data(name="Écrasée ?"), **token})
    # Wagtail's admin turns the refusal into a redirect to the dashboard, with an error message.
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert Offer.objects.count() == 1
    assert latest(Offer.objects.get()).name == "Offre de Marc"


def test_autosave_keeps_working_once_the_form_became_an_edit_form(client, manager):
    """After the first autosave the page turns into the edit form (the hydrate view gives it the
    revision it loaded) and autosaves over that revision; its save then is not a conflict."""
    client.force_login(manager)
    token = create_form_token(client)
    created = client.post(url("add"), {**offer_form_data(name="Premier jet"), **token}, headers=JSON).json()
    assert created["url"] == url("edit", created["pk"])
    hydrated = client.get(created["hydrate_url"]).content.decode()
    loaded = {
        name: html.unescape(re.search(rf'name="{name}" value="([^"]*)"', hydrated).group(1))
        for name in ("loaded_revision_id", "loaded_revision_created_at")
    }

    form = {**token, **loaded, "overwrite_revision_id": created["revision_id"]}
    response = client.post(created["url"], {**offer_form_data(name="Deuxième jet"), **form}, headers=JSON)
    assert response.status_code == 200 and response.json()["success"]
    assert latest(Offer.objects.get()).name == "Deuxième jet"

    response = client.post(created["url"], {**offer_form_data(name="Version enregistrée"), **token, **loaded})
    assert response.status_code == 302
    assert latest(Offer.objects.get()).name == "Version enregistrée"


@pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_posts_of_a_session_at_the_same_instant_create_one_offer(manager):
    """Both posts look for the session's offer before either has committed it: the unique token
    makes the second insert fail once the first commits, and the second post becomes an autosave
    refused. The editor's save (first) is held open right after its insert until the autosave
    (second) has looked and is about to insert."""
    editor, autosave = Client(), Client()
    editor.force_login(manager)
    autosave.force_login(manager)
    token = create_form_token(editor)
    editor_inserted, autosave_inserting = threading.Event(), threading.Event()

    def hold_the_editors_transaction(sender, instance, created, **kwargs):
        if created and instance.name == "Clic":
            editor_inserted.set()
            assert autosave_inserting.wait(10)

    def autosave_looked_and_inserts(sender, instance, **kwargs):
        if instance.pk is None and instance.name == "Autosave":
            autosave_inserting.set()

    responses = {}

    def post(name, client, **headers):
        try:
            responses[name] = client.post(url("add"), {**offer_form_data(name=name), **token}, headers=headers)
        finally:
            connection.close()

    post_save.connect(hold_the_editors_transaction, sender=Offer)
    pre_save.connect(autosave_looked_and_inserts, sender=Offer)
    try:
        clic = threading.Thread(target=post, args=("Clic", editor))
        clic.start()
        assert editor_inserted.wait(10)
        post("Autosave", autosave, **JSON)
        clic.join(10)
    finally:
        post_save.disconnect(hold_the_editors_transaction, sender=Offer)
        pre_save.disconnect(autosave_looked_and_inserts, sender=Offer)

    assert autosave_inserting.is_set()  # the autosave did miss the uncommitted offer
    assert responses["Clic"].status_code == 302
    assert responses["Autosave"].status_code == 400
    assert responses["Autosave"].json()["error_code"] == "invalid_revision"
    assert list(Offer.objects.values_list("name", flat=True)) == ["Clic"]
