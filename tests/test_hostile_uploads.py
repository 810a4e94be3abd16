"""Hostile uploads through the real forms: the sign-up logo (step 1 of the wizard) and the offer
documents (admin offer form). Oversized files, content that does not match the extension, SVG or
HTML with script, image bombs → refused with a clear French message, nothing stored. Accepted
documents are downloaded as attachments with `X-Content-Type-Options: nosniff`."""

import html
import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts.roles import Role
from offers.models import Offer, OfferDocument
from tests.factories.accounts import SIGNUP_STRUCTURE, StructureFactory, UserFactory
from tests.factories.offers import offer_form_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SVG_SCRIPT = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML_SCRIPT = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
STRUCTURE = SIGNUP_STRUCTURE
TOO_LARGE = "est trop volumineux"
NOT_AN_IMAGE = ("Téléversez une image PNG, JPEG, GIF ou WebP.", "Téléversez une image valide.")
MISMATCH = "Le contenu du fichier ne correspond pas à son extension"
TYPE_REFUSED = "Ce type de fichier n'est pas accepté."


def image_bytes(fmt="PNG", size=(20, 20)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "blue").save(buffer, fmt)
    return buffer.getvalue()


def png_claiming(width, height):
    """A tiny, valid PNG whose header announces `width` × `height` pixels (a decompression bomb)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit per pixel, greyscale
    data = zlib.compress(b"\x00" * 1024, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def text(response):
    return html.unescape(response.content.decode())


# Sign-up logo --------------------------------------------------------------------------------------

HOSTILE_LOGOS = {
    "svg with script": ("logo.svg", SVG_SCRIPT, NOT_AN_IMAGE),
    "svg renamed png": ("logo.png", SVG_SCRIPT, NOT_AN_IMAGE),
    "html renamed png": ("logo.png", HTML_SCRIPT, NOT_AN_IMAGE),
    "pdf renamed png": ("logo.png", PDF, NOT_AN_IMAGE),
    "png with html after it": ("logo.png", image_bytes() + HTML_SCRIPT, NOT_AN_IMAGE),
    "truncated png": ("logo.png", image_bytes()[:40], NOT_AN_IMAGE),
    "bomb beyond pillow's limit": ("logo.png", png_claiming(30_000, 30_000), NOT_AN_IMAGE),
    "bomb beyond our limit": (
        "logo.png",
        png_claiming(8_000, 8_000),
        ("L'image est trop grande (8000 × 8000 pixels).",),
    ),
    "empty": ("logo.png", b"", ("Le fichier soumis est vide.",)),
}


@pytest.mark.parametrize("name", HOSTILE_LOGOS)
def test_signup_refuses_hostile_logo(client, name):
    filename, content, messages = HOSTILE_LOGOS[name]
    response = client.post("/inscription/", {**STRUCTURE, "logo": SimpleUploadedFile(filename, content)})
    assert response.status_code == 200
    page = text(response)
    assert any(message in page for message in messages), page[:3000]
    assert "signup_structure" not in client.session
    assert not (client.session.get("signup_structure") or {}).get("logo")


def test_signup_refuses_oversized_logo(client, settings):
    settings.LOGO_MAX_SIZE = 1000
    big = image_bytes(size=(300, 300)) + b"\x00" * 1000
    response = client.post("/inscription/", {**STRUCTURE, "logo": SimpleUploadedFile("logo.png", big)})
    assert response.status_code == 200
    assert TOO_LARGE in text(response) and "la limite est de 1000" in text(response)
    assert "signup_structure" not in client.session


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_signup_accepts_a_real_logo_under_a_safe_name(client, fmt, settings):
    response = client.post(
        "/inscription/", {**STRUCTURE, "logo": SimpleUploadedFile('../../"évil".' + fmt.lower(), image_bytes(fmt))}
    )
    assert response.status_code == 302
    stored = client.session["signup_structure"]["logo"]
    assert stored.startswith("structures/logos/") and ".." not in stored and '"' not in stored
    assert (settings.MEDIA_ROOT / stored).exists()


# Offer documents ------------------------------------------------------------------------------------


@pytest.fixture
def manager():
    return UserFactory(structure=StructureFactory(), roles=[Role.OFFER_MANAGER])


def post_offer_with_document(client, filename, content):
    data = offer_form_data(
        **{
            "documents-TOTAL_FORMS": "1",
            "documents-0-title": "Plaquette",
            "documents-0-file": SimpleUploadedFile(filename, content),
            "documents-0-ORDER": "1",
        }
    )
    return client.post(reverse("wagtailsnippets_offers_offer:add"), data)


HOSTILE_DOCUMENTS = {
    "html": ("plaquette.html", HTML_SCRIPT, TYPE_REFUSED),
    "svg": ("plaquette.svg", SVG_SCRIPT, TYPE_REFUSED),
    "executable": ("plaquette.exe", b"MZ\x90\x00" + b"\x00" * 100, TYPE_REFUSED),
    "no extension": ("plaquette", PDF, TYPE_REFUSED),
    "double extension": ("plaquette.pdf.html", HTML_SCRIPT, TYPE_REFUSED),
    "html renamed pdf": ("plaquette.pdf", HTML_SCRIPT, MISMATCH),
    "svg renamed png": ("plaquette.png", SVG_SCRIPT, MISMATCH),
    "pdf with html inside": ("plaquette.pdf", b"%PDF-1.4\n<html><script>alert(1)</script>", MISMATCH),
    "text with script": ("plaquette.txt", b"Bonjour <script>alert(1)</script>", MISMATCH),
    "csv with javascript url": ("liste.csv", b"nom,lien\nx,javascript:alert(1)", MISMATCH),
    "docx that is not a zip": ("plaquette.docx", b"PK\x03\x04 not really a zip", MISMATCH),
    "png that is a pdf": ("plaquette.png", PDF, MISMATCH),
}


@pytest.mark.parametrize("name", HOSTILE_DOCUMENTS)
def test_offer_form_refuses_hostile_document(client, manager, name):
    filename, content, message = HOSTILE_DOCUMENTS[name]
    client.force_login(manager)
    response = post_offer_with_document(client, filename, content)
    assert response.status_code == 200
    assert message in text(response)
    assert not Offer.objects.exists() and not OfferDocument.objects.exists()


def test_offer_form_refuses_oversized_document(client, manager, settings):
    settings.OFFER_DOCUMENT_MAX_SIZE = 1000
    client.force_login(manager)
    response = post_offer_with_document(client, "plaquette.pdf", PDF + b"0" * 2000)
    assert response.status_code == 200
    assert TOO_LARGE in text(response)
    assert not OfferDocument.objects.exists()


def test_request_larger_than_the_upload_limit_is_refused_cleanly(manager, settings):
    """Past Django's request-body limit, the answer is a 400 (Django's own), not a 500."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = Client()
    client.force_login(manager)
    data = offer_form_data(description="x" * 5000)
    response = client.post(reverse("wagtailsnippets_offers_offer:add"), data)
    assert response.status_code == 400
    assert not Offer.objects.exists()


@pytest.mark.parametrize(
    ("filename", "content", "content_type"),
    [
        ("plaquette.pdf", PDF, "application/pdf"),
        ("affiche.png", image_bytes(), "image/png"),
        ("notes.txt", b"Horaires : 9h-12h", "text/plain"),
    ],
)
def test_accepted_document_is_served_as_an_attachment_with_nosniff(client, manager, filename, content, content_type):
    client.force_login(manager)
    response = post_offer_with_document(client, filename, content)
    assert response.status_code == 302, text(response)[:2000]
    offer = Offer.objects.get()
    Offer.objects.filter(pk=offer.pk).update(live=True, has_unpublished_changes=False)
    document = OfferDocument.objects.get()

    anonymous = Client()
    response = anonymous.get(reverse("offers:document", args=[offer.pk, document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"].startswith(content_type)
    assert b"".join(response.streaming_content) == content


def test_file_name_with_line_break_is_refused(client, manager):
    # The line break cuts the name short in the multipart header: no extension left, refused.
    client.force_login(manager)
    response = post_offer_with_document(client, "a\r\nSet-Cookie: x=1;.pdf", PDF)
    assert response.status_code == 200
    assert TYPE_REFUSED in text(response)
    assert not OfferDocument.objects.exists()


def test_hostile_file_name_is_neutralised(client, manager):
    client.force_login(manager)
    response = post_offer_with_document(client, '../../<script>a"b.pdf', PDF)
    assert response.status_code == 302, text(response)[:2000]
    offer, document = Offer.objects.get(), OfferDocument.objects.get()
    assert document.file.name.startswith("offers/documents/") and ".." not in document.file.name
    assert document.file.name.endswith(".pdf") and "<" not in document.file.name and '"' not in document.file.name
    Offer.objects.filter(pk=offer.pk).update(live=True, has_unpublished_changes=False)
    response = Client().get(reverse("offers:document", args=[offer.pk, document.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment") and disposition.count("filename=") == 1
    assert "<" not in disposition and ".html" not in disposition.split("filename=")[1].split(".pdf")[-1]


def test_document_of_another_offer_is_not_served(client, manager):
    client.force_login(manager)
    post_offer_with_document(client, "plaquette.pdf", PDF)
    offer, document = Offer.objects.get(), OfferDocument.objects.get()
    Offer.objects.filter(pk=offer.pk).update(live=True, has_unpublished_changes=False)
    assert Client().get(reverse("offers:document", args=[offer.pk + 1, document.pk])).status_code == 404
    assert Client().get(reverse("offers:document", args=[offer.pk, document.pk + 1])).status_code == 404
