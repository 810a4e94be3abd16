"""The offerer's guide, end to end, in a real browser (Debian's Chromium driven by Playwright).

A visitor signs a structure up; the regional administrator validates it; its administrator logs in
with the e-mailed password, chooses their own, creates a Gestionnaire and a Valideur; the
Gestionnaire writes an offer through the four tabs (a draft saved midway, a document uploaded) and
submits it; the Valideur follows the e-mailed link and approves it; the offer is on /offres/ with
its PDF; the Gestionnaire stops it and it leaves the listing. Each step leaves a screenshot in
test-artifacts/ (e2e_guide_NN_<step>.png).
"""

import datetime
import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import Structure, User
from accounts.roles import Role
from offers.models import Offer, OfferState
from tests.browser import admin_log_in, screenshot
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STRUCTURE = "Association Sommeil Béarn"
OFFER = "Ateliers sommeil pour les collégiens"
NEW_PASSWORD = "Nouveau2026Sses"
PDF_DOCUMENT = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class Story:
    """Numbered screenshots, and the e-mails sent since the story began."""

    def __init__(self):
        self.step = 0

    def shot(self, page, name):
        self.step += 1
        screenshot(page, f"e2e_guide_{self.step:02d}_{name}")


def last_mail_to(address):
    sent = [message for message in mail.outbox if address in message.to]
    assert sent, f"no e-mail to {address}; sent: {[(m.to, m.subject) for m in mail.outbox]}"
    return sent[-1]


def temporary_password(message):
    found = re.search(r"Mot de passe provisoire : (\S+)", message.body)
    assert found, message.body
    return found.group(1)


def admin_path(message):
    """The admin link of an e-mail, as a path on the test server."""
    found = re.search(r"https?://\S+(/admin/\S*)", message.body)
    assert found, message.body
    return urlsplit(found.group(0)).path


def choose_own_password(page, story, name):
    """A temporary password sends every admin page to the forced change."""
    page.wait_for_url("**/admin/sses/mot-de-passe/")
    assert "Choisissez votre mot de passe" in page.content()
    story.shot(page, f"{name}_forced_password_change")
    # Scoped to the page's own layout: while the password is temporary, Wagtail's icon sprite
    # request is redirected too and icons.js injects a second copy of this page into
    # <div data-sprite> (see test_e2e_findings.py).
    form = page.locator("body > .wrapper main form")
    form.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    form.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    form.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url("**/admin/")
    assert "Votre mot de passe a été modifié." in page.content()


def create_user(page, story, *, first_name, last_name, email, role):
    page.goto("/admin/sses/utilisateurs/")
    page.get_by_role("link", name="Ajouter un utilisateur").click()
    page.fill("input[name=first_name]", first_name)
    page.fill("input[name=last_name]", last_name)
    page.fill("input[name=function]", "Chargée de prévention")
    page.fill("input[name=email]", email)
    page.fill("input[name=phone]", "0559000000")
    page.check(f'input[name=roles][value="{role.value}"]')
    story.shot(page, f"admin_creates_{last_name.lower()}")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url("**/admin/sses/utilisateurs/")
    assert f"{first_name} {last_name}" in page.content()


def choose_snippet(page, field, name=None):
    """Pick a reference value in Wagtail's chooser modal (the first one when `name` is None)."""
    page.locator(f"#id_{field}-chooser .chooser__choose-button").click()
    choices = page.locator("a[data-chooser-modal-choice]")
    (choices.filter(has_text=re.compile(f"^\\s*{name}\\s*$")) if name else choices).first.click()
    expect(page.locator(f"#id_{field}")).not_to_have_value("")


def open_more_actions(page):
    """The editor's action menu: its arrow next to the default action opens "more actions"."""
    page.locator("footer.footer [data-w-dropdown-target=toggle]").click()


def open_tab(page, label):
    page.get_by_role("tab", name=label).click()


def test_the_guide_from_sign_up_to_a_stopped_offer(live_server, site, new_page):
    story = Story()
    regional_admin = UserFactory(roles=[Role.REGIONAL_ADMIN], structure=None, email="region@ars.example.fr")
    today = timezone.localdate()

    # 1. A visitor signs the structure up in the two-step wizard.
    visitor = new_page()
    visitor.goto("/inscription/")
    visitor.select_option("select[name=offerer_type]", "association")
    visitor.fill("input[name=name]", STRUCTURE)
    visitor.fill("input[name=address]", "12 rue des Pyrénées")
    visitor.fill("input[name=postcode]", "64000")
    visitor.fill("input[name=city]", "Pau")
    visitor.fill("input[name=representative_last_name]", "Lafitte")
    visitor.fill("input[name=representative_first_name]", "Jeanne")
    visitor.fill("input[name=representative_function]", "Présidente")
    visitor.fill("textarea[name=description]", "Prévention des troubles du sommeil chez les adolescents.")
    story.shot(visitor, "signup_step1")
    visitor.get_by_role("button", name="Étape suivante").click()
    visitor.wait_for_url("**/inscription/utilisateur/")
    visitor.fill("input[name=first_name]", "Claire")
    visitor.fill("input[name=last_name]", "Etchegaray")
    visitor.fill("input[name=function]", "Coordinatrice")
    visitor.fill("input[name=email]", "Claire.Admin@sommeil-bearn.example.fr")
    visitor.fill("input[name=phone]", "0559123456")
    story.shot(visitor, "signup_step2")
    visitor.get_by_role("button", name="Envoyer ma demande").click()
    visitor.wait_for_url("**/inscription/confirmation/")
    story.shot(visitor, "signup_done")
    assert STRUCTURE in visitor.content()
    structure = Structure.objects.get(name=STRUCTURE)
    assert structure.status == Structure.Status.PENDING

    # 2. The regional administrator follows the e-mail's link and validates the registration.
    region = new_page()
    admin_log_in(region, regional_admin.email, PASSWORD)
    region.goto(admin_path(last_mail_to(regional_admin.email)))
    assert STRUCTURE in region.content()
    story.shot(region, "regional_admin_structure_pending")
    region.get_by_role("button", name="Valider l'inscription").click()
    expect(region.locator("body")).to_contain_text(f"La structure « {STRUCTURE} » a été validée")
    story.shot(region, "regional_admin_structure_validated")
    structure.refresh_from_db()
    assert structure.status == Structure.Status.ACTIVE

    # 3. The new administrator logs in with the e-mailed password, must change it, adds users.
    admin_email = "claire.admin@sommeil-bearn.example.fr"
    admin = new_page()
    admin_log_in(admin, admin_email, temporary_password(last_mail_to(admin_email)))
    choose_own_password(admin, story, "offerer_admin")
    manager_email = "marc.gestion@sommeil-bearn.example.fr"
    validator_email = "ines.valide@sommeil-bearn.example.fr"
    create_user(admin, story, first_name="Marc", last_name="Gestion", email=manager_email, role=Role.OFFER_MANAGER)
    create_user(admin, story, first_name="Inès", last_name="Valide", email=validator_email, role=Role.OFFER_VALIDATOR)
    assert User.objects.get(email=manager_email).has_role(Role.OFFER_MANAGER)
    validator_password = temporary_password(last_mail_to(validator_email))

    # 4. The Gestionnaire logs in (forced change too) and writes the offer through the four tabs.
    manager = new_page()
    admin_log_in(manager, manager_email, temporary_password(last_mail_to(manager_email)))
    choose_own_password(manager, story, "manager")
    manager.goto("/admin/snippets/offers/offer/add/")
    manager.fill("input[name=name]", OFFER)
    manager.fill("textarea[name=description]", "Trois ateliers pour parler du sommeil en classe de 4e.")
    choose_snippet(manager, "theme", "Sommeil")
    manager.fill("input[name=host_name]", "Collège Marguerite de Navarre")
    manager.fill("input[name=address]", "2 avenue du Béarn")
    manager.fill("input[name=postcode]", "64000")
    manager.fill("input[name=city]", "Pau")
    choose_snippet(manager, "site_type")
    manager.fill("input[name=referent_name]", "Marc Gestion")
    manager.fill("input[name=referent_email]", manager_email)
    manager.fill("input[name=application_email]", "candidatures@sommeil-bearn.example.fr")
    story.shot(manager, "offer_tab_description")
    open_tab(manager, "Modalités")
    manager.fill("textarea[name=modalities]", "Ateliers d'une heure, en demi-groupes.")
    manager.fill("input[name=student_count]", "4")
    story.shot(manager, "offer_tab_modalities")
    open_tab(manager, "Publication")
    manager.fill("input[name=publication_start]", today.isoformat())
    manager.fill("input[name=publication_end]", (today + datetime.timedelta(days=90)).isoformat())
    manager.keyboard.press("Escape")

    # A draft saved midway.
    manager.get_by_role("button", name="Enregistrer le brouillon").click()
    manager.wait_for_url("**/admin/snippets/offers/offer/edit/*/")
    story.shot(manager, "offer_draft_saved")
    offer = Offer.objects.get(name=OFFER)
    assert offer.state == OfferState.DRAFT
    assert offer.structure == structure

    # The third tab: documents to provide and an uploaded document.
    open_tab(manager, "Compléments")
    manager.fill("textarea[name=required_documents]", "Convention de stage\nAttestation d'assurance")
    manager.locator("#id_documents-ADD").click()
    manager.fill("input[name=documents-0-title]", "Programme des ateliers")
    manager.set_input_files(
        "input[name=documents-0-file]",
        files=[{"name": "programme.pdf", "mimeType": "application/pdf", "buffer": PDF_DOCUMENT}],
    )
    story.shot(manager, "offer_tab_complements")

    # Submitted for validation from the action menu's "more actions".
    open_more_actions(manager)
    mail.outbox.clear()
    manager.locator("button[name=action-submit]").click()
    manager.wait_for_url("**/admin/snippets/offers/offer/")
    expect(manager.get_by_role("row", name=re.compile(OFFER))).to_contain_text("À valider")
    story.shot(manager, "offer_submitted")
    offer.refresh_from_db()
    assert offer.state == OfferState.TO_VALIDATE
    assert offer.documents.get().title == "Programme des ateliers"

    # 5. The Valideur receives the e-mail, follows its link and approves.
    submitted = last_mail_to(validator_email)
    assert OFFER in submitted.body
    assert [message.to for message in mail.outbox] == [[validator_email]]
    validator = new_page()
    admin_log_in(validator, validator_email, validator_password)
    choose_own_password(validator, story, "validator")
    validator.goto(admin_path(submitted))
    assert OFFER in validator.content()
    story.shot(validator, "validator_opens_offer")
    open_more_actions(validator)
    validator.locator("button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])").click()
    validator.wait_for_url("**/admin/snippets/offers/offer/")
    expect(validator.get_by_role("row", name=re.compile(OFFER))).to_contain_text("Publiée")
    story.shot(validator, "validator_approved")
    offer.refresh_from_db()
    assert offer.state == OfferState.PUBLISHED
    assert OFFER in last_mail_to(manager_email).body  # the Gestionnaire hears of the approval

    # 6. The offer is on /offres/; its page offers the PDF.
    public = new_page()
    public.goto("/offres/")
    story.shot(public, "listing_with_offer")
    public.get_by_role("link", name=OFFER).click()
    public.wait_for_url(f"**/offres/{offer.pk}/")
    assert public.locator("h1").inner_text() == OFFER
    story.shot(public, "offer_page")
    with public.expect_download() as download_info:
        public.get_by_role("link", name="Télécharger l'offre (PDF)").click()
    content = Path(download_info.value.path()).read_bytes()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert OFFER in text
    # The uploaded document and the documents to provide are on the public page too.
    assert "Attestation d'assurance" in public.content()
    with public.expect_download() as download_info:
        public.get_by_role("link", name=re.compile("Programme des ateliers")).click()
    assert Path(download_info.value.path()).read_bytes() == PDF_DOCUMENT

    # 7. The Gestionnaire stops the publication; the offer leaves the public listing.
    manager.goto("/admin/snippets/offers/offer/")
    story.shot(manager, "manager_offers_list")
    stop_offer(manager, offer)
    story.shot(manager, "offer_stopped")
    offer.refresh_from_db()
    assert offer.state == OfferState.OBSOLETE
    public.goto("/offres/")
    story.shot(public, "listing_without_offer")
    assert public.get_by_role("link", name=OFFER).count() == 0
    # Its address answers "410 Gone" with a page that says the offer is withdrawn.
    assert public.goto(f"/offres/{offer.pk}/").status == 410
    story.shot(public, "offer_page_gone")


def stop_offer(page, offer):
    """Whatever the offers UI offers to stop a publication: a "Stop" button, else its URL."""
    stop_url = f"/admin/snippets/offers/offer/stop/{offer.pk}/"
    link = page.locator(f'a[href="{stop_url}"]')
    if link.count():
        link.first.click()
    else:
        page.goto(stop_url)
    page.get_by_role("button", name="Oui, l'arrêter").click()
    page.wait_for_url("**/admin/snippets/offers/offer/")
    assert f"La publication de « {offer.name} » est arrêtée." in page.content()
