import datetime
import io
import re
import shlex
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command, get_commands
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from pypdf import PdfReader

from accounts.roles import Role
from offers.models import ExpiryReminder, Offer, OfferDocument, OfferState, add_months
from offers.pdf import render_offer_pdf
from tests.factories.accounts import StructureFactory, UserFactory
from tests.factories.offers import OfferFactory, discipline, offer_form_data

pytestmark = pytest.mark.django_db
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url(name, *args):
    return reverse(f"wagtailsnippets_offers_offer:{name}", args=args)


@pytest.fixture
def structure():
    return StructureFactory(name="Association Prévention Gironde")


def user(structure, *roles):
    return UserFactory(structure=structure, roles=list(roles))


# PDF ------------------------------------------------------------------------------------------


def pdf_text(data):
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_has_every_field_and_dates(structure):
    offer = OfferFactory(
        structure=structure,
        name="Ateliers sommeil",
        publication_start=datetime.date(2030, 3, 1),
        publication_end=datetime.date(2030, 6, 30),
        required_documents="Attestation de vaccination\nConvention",
        support_options="Repas offert",
        student_count=4,
        disciplines=[discipline("Soins infirmiers")],
    )
    text = pdf_text(render_offer_pdf(offer))
    for expected in ("Ateliers sommeil", structure.name, "Thématique", offer.theme.name, "Bordeaux",
                     "Jeanne Référente", "candidatures@example.org", "du 01/03/2030 au 30/06/2030",
                     "Attestation de vaccination", "Repas offert", "Soins infirmiers", "Gironde"):  # fmt: skip
        assert expected in text, expected


def test_pdf_with_logo(structure):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "blue").save(buffer, "PNG")
    structure.logo.save("logo.png", ContentFile(buffer.getvalue()))
    data = render_offer_pdf(OfferFactory(structure=structure))
    assert data.startswith(b"%PDF") and b"/Image" in data


def test_pdf_leaves_no_line_in_the_log(structure, caplog):
    # WeasyPrint logs each of its seven steps at INFO: seven lines per PDF in production's log.
    render_offer_pdf(OfferFactory(structure=structure))
    assert [record.getMessage() for record in caplog.records if record.name.startswith("weasyprint")] == []


def test_admin_pdf_route(client, structure):
    offer = OfferFactory(structure=structure, name="Offre PDF")
    client.force_login(user(structure, Role.OFFER_VIEWER))
    response = client.get(url("pdf", offer.pk))
    assert response["Content-Type"] == "application/pdf"
    assert "Offre PDF" in pdf_text(response.content)
    assert url("pdf", offer.pk) in client.get(url("list")).content.decode()


# Documents ------------------------------------------------------------------------------------


def test_document_upload_is_validated(client, structure):
    client.force_login(user(structure, Role.OFFER_MANAGER))
    data = offer_form_data(
        **{
            "documents-TOTAL_FORMS": "1",
            "documents-0-title": "Plaquette",
            "documents-0-file": SimpleUploadedFile("plaquette.pdf", b"<html><script>alert(1)</script>"),
            "documents-0-ORDER": "1",
        }
    )
    response = client.post(url("add"), data)
    assert response.status_code == 200
    assert "ne correspond pas" in response.content.decode()
    data["documents-0-file"] = SimpleUploadedFile("plaquette.pdf", PDF_BYTES)
    response = client.post(url("add"), data)
    assert response.status_code == 302
    assert OfferDocument.objects.get().title == "Plaquette"


def make_document(offer):
    document = OfferDocument(offer=offer, title="Plaquette")
    document.file.save("plaquette.pdf", ContentFile(PDF_BYTES), save=False)
    document.save()
    return document


def document_url(document):
    return reverse("offers:document", args=[document.offer_id, document.pk])


def test_document_of_published_offer_is_public_as_attachment(client):
    document = make_document(OfferFactory(published=True))
    response = client.get(document_url(document))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_document_of_draft_only_for_its_structure(client, structure):
    document = make_document(OfferFactory(structure=structure))
    assert client.get(document_url(document)).status_code == 404
    client.force_login(user(StructureFactory(), Role.OFFER_VALIDATOR))
    assert client.get(document_url(document)).status_code == 404
    client.force_login(user(structure, Role.OFFER_VIEWER))
    assert client.get(document_url(document)).status_code == 200
    wrong_offer = reverse("offers:document", args=[OfferFactory(published=True).pk, document.pk])
    assert client.get(wrong_offer).status_code == 404


# Delete ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "trait", "allowed"),
    [
        ([Role.OFFER_MANAGER], None, True),
        ([Role.OFFER_MANAGER], "published", False),
        ([Role.OFFER_MANAGER], "expired", False),
        ([Role.OFFER_VALIDATOR], None, True),
        ([Role.OFFER_VALIDATOR], "published", True),
        ([Role.OFFER_VIEWER], None, False),
        ([Role.OFFERER_ADMIN], None, False),
    ],
)
def test_delete_rules(client, structure, roles, trait, allowed):
    offer = OfferFactory(structure=structure, **({trait: True} if trait else {}))
    client.force_login(user(structure, *roles))
    confirm = client.get(url("delete", offer.pk))
    assert (confirm.status_code == 200) is allowed
    if allowed:
        assert "Oui, supprimer" in confirm.content.decode() or "supprimer" in confirm.content.decode().lower()
    client.post(url("delete", offer.pk))
    assert Offer.objects.filter(pk=offer.pk).exists() is not allowed


# Scheduled commands ---------------------------------------------------------------------------


def test_crontab_lines_name_existing_commands():
    crontab = Path(settings.BASE_DIR, "deploy", "crontab").read_text()
    lines = [line for line in crontab.splitlines() if line.strip() and not line.startswith("#") and "=" not in
             line.split()[0]]  # fmt: skip
    assert lines
    commands = get_commands()
    for line in lines:
        words = shlex.split(line)
        assert len(words) > 6 and all(re.fullmatch(r"[\d*/,-]+", field) for field in words[:5]), line
        name = words[words.index("manage.py") + 1]
        assert name in commands, name
    assert "publish_offers" in crontab and "send_offer_reminders" in crontab


def test_publish_offers_logs_counts(capsys):
    OfferFactory(published=True, publication_end=timezone.localdate() - datetime.timedelta(days=1))
    Offer.objects.update(expire_at=timezone.now() - datetime.timedelta(hours=1))
    call_command("publish_offers")
    assert "0 offer(s) published, 1 offer(s) expired" in capsys.readouterr().out
    assert Offer.objects.get().state == OfferState.OBSOLETE


# Stop, duplicate ------------------------------------------------------------------------------


def test_manager_stops_a_published_offer(client, structure):
    offer = OfferFactory(structure=structure, published=True)
    offer.save_revision()
    client.force_login(user(structure, Role.OFFER_MANAGER))
    assert "Arrêter la publication" in client.get(url("stop", offer.pk)).content.decode()
    response = client.post(url("stop", offer.pk), follow=True)
    assert "est arrêtée" in response.content.decode()
    assert Offer.objects.get().state == OfferState.OBSOLETE
    assert not Offer.objects.published().exists()


def test_duplicate_is_a_draft_without_dates_with_documents(client, structure):
    offer = OfferFactory(structure=structure, published=True, disciplines=[discipline("Médecine")])
    make_document(offer)
    offer.save_revision()
    manager = user(structure, Role.OFFER_MANAGER)
    client.force_login(manager)
    assert "Dupliquer" in client.get(url("duplicate", offer.pk)).content.decode()
    response = client.post(url("duplicate", offer.pk))
    copy = Offer.objects.exclude(pk=offer.pk).get()
    assert response["Location"] == url("edit", copy.pk)
    assert copy.state == OfferState.DRAFT and not copy.live
    assert copy.structure == structure and copy.author == manager
    assert copy.publication_start is None and copy.publication_end is None
    assert copy.period_start is None and copy.go_live_at is None and copy.expire_at is None
    assert copy.description == offer.description and copy.name == f"{offer.name} (copie)"
    assert [d.name for d in copy.disciplines.all()] == ["Médecine"]
    copied = copy.documents.get()
    assert copied.title == "Plaquette" and copied.file.read() == PDF_BYTES
    assert copied.file.name != offer.documents.get().file.name


# Expiry reminders -----------------------------------------------------------------------------


@pytest.fixture
def ending_offer(structure):
    today = timezone.localdate()
    offer = OfferFactory(
        structure=structure, published=True, publication_start=today, publication_end=today + datetime.timedelta(40)
    )
    offer.save_revision()
    return offer


def test_reminders_at_30_and_7_days_never_twice(structure, ending_offer):
    manager = user(structure, Role.OFFER_MANAGER)
    validator = user(structure, Role.OFFER_VALIDATOR)
    user(structure, Role.OFFER_VIEWER)
    user(StructureFactory(), Role.OFFER_VALIDATOR)
    start = timezone.now()
    with freeze_time(start + datetime.timedelta(days=9)):
        call_command("send_offer_reminders")
        assert mail.outbox == []
    with freeze_time(start + datetime.timedelta(days=10)):
        call_command("send_offer_reminders")
        call_command("send_offer_reminders")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([manager.email, validator.email])
    assert "30 jours" in mail.outbox[0].subject
    assert "?token=" in mail.outbox[0].body and url("stop", ending_offer.pk) in mail.outbox[0].body
    mail.outbox.clear()
    with freeze_time(start + datetime.timedelta(days=20)):
        call_command("send_offer_reminders")
        assert mail.outbox == []
    with freeze_time(start + datetime.timedelta(days=33)):
        call_command("send_offer_reminders")
        call_command("send_offer_reminders")
    assert len(mail.outbox) == 2 and "7 jours" in mail.outbox[0].subject
    assert ExpiryReminder.objects.count() == 2


def extend_link(offer):
    call_command("send_offer_reminders")
    body = mail.outbox[-1].body
    return re.search(r"http://testserver(\S+\?token=\S+)", body).group(1)


def test_extension_link(client, structure, ending_offer):
    manager = user(structure, Role.OFFER_MANAGER)
    with freeze_time(timezone.now() + datetime.timedelta(days=12)):
        link = extend_link(ending_offer)
        # Login required.
        assert client.get(link)["Location"].startswith("/admin/login/")
        # Wrong user (another structure's valideur) is refused.
        client.force_login(user(StructureFactory(), Role.OFFER_VALIDATOR))
        assert client.post(link)["Location"] == reverse("wagtailadmin_home")
        # A viewer of the structure is refused too.
        client.force_login(user(structure, Role.OFFER_VIEWER))
        assert client.post(link)["Location"] == reverse("wagtailadmin_home")
        client.force_login(manager)
        page = client.get(link).content.decode()
        assert "Prolonger la publication" in page and "trois mois de plus sont proposés" in page
        old_end = ending_offer.publication_end
        proposed = add_months(old_end, 3)
        assert f'value="{proposed.isoformat()}"' in page  # three months later, proposed
        data = {"token": link.split("token=")[1], "publication_end": proposed.isoformat()}
        response = client.post(link, data, follow=True)
        assert "se termine désormais le" in response.content.decode()
        offer = Offer.objects.get()
        assert offer.publication_end == old_end.replace(month=old_end.month + 3) or offer.publication_end > old_end
        assert (offer.publication_end - old_end).days in range(89, 93)
        assert timezone.localtime(offer.expire_at).date() == offer.publication_end + datetime.timedelta(days=1)
        assert offer.get_latest_revision_as_object().publication_end == offer.publication_end
        # Single use.
        response = client.post(link, data, follow=True)
        assert "déjà été utilisé" in response.content.decode()
        assert Offer.objects.get().publication_end == offer.publication_end
        # A forged token is refused.
        response = client.post(url("extend", offer.pk), {**data, "token": "forged"}, follow=True)
        assert "pas valide" in response.content.decode()


def test_extension_link_expires(client, structure, ending_offer):
    manager = user(structure, Role.OFFER_MANAGER)
    now = timezone.now()
    with freeze_time(now + datetime.timedelta(days=12)):
        link = extend_link(ending_offer)
    with freeze_time(now + datetime.timedelta(days=12 + 46)):
        client.force_login(manager)
        response = client.get(link, follow=True)
        assert "a expiré" in response.content.decode()


def test_extending_a_validated_offer_survives_its_scheduled_publication(client, structure):
    validator = user(structure, Role.OFFER_VALIDATOR)
    today = timezone.localdate()
    end = today + datetime.timedelta(days=30)
    offer = OfferFactory(
        structure=structure, publication_start=today + datetime.timedelta(days=5), publication_end=end
    )
    offer.save_revision(user=validator).publish(user=validator)
    assert Offer.objects.get().state == OfferState.VALIDATED
    client.force_login(validator)
    client.post(url("extend", offer.pk), {"publication_end": add_months(end, 3).isoformat()})
    with freeze_time(timezone.now() + datetime.timedelta(days=6)):
        call_command("publish_offers")
        offer = Offer.objects.get()
        assert offer.state == OfferState.PUBLISHED
        assert offer.publication_end == add_months(end, 3)


@pytest.mark.parametrize(
    ("roles", "same_structure", "trait", "deleted"),
    [
        ([Role.OFFER_VALIDATOR], False, None, False),
        ([Role.OFFER_MANAGER], False, None, False),
        ([Role.OFFER_MANAGER], True, "published", False),
        ([Role.OFFER_MANAGER], True, None, True),
        ([Role.OFFER_VALIDATOR], True, "published", True),
    ],
)
def test_bulk_delete_follows_the_same_rules(client, structure, roles, same_structure, trait, deleted):
    offer = OfferFactory(
        structure=structure if same_structure else StructureFactory(), **({trait: True} if trait else {})
    )
    client.force_login(user(structure, *roles))
    bulk_url = reverse("wagtail_bulk_action", args=["offers", "offer", "delete"])
    client.post(f"{bulk_url}?id={offer.pk}")
    assert Offer.objects.filter(pk=offer.pk).exists() is not deleted
