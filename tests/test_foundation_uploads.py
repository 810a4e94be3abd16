import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.uploads import validate_document, validate_logo


def png_bytes(size=(20, 20)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "blue").save(buffer, "PNG")
    return buffer.getvalue()


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("fiche.pdf", b"%PDF-1.7\n..."),
        ("convention.docx", docx_bytes()),
        ("plan.png", png_bytes()),
        ("liste.txt", "Pièce d'identité\nCertificat".encode()),
    ],
)
def test_accepted_documents(name, content):
    validate_document(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", b"<html><script>alert(1)</script>", "n'est pas accepté"),
        ("fake.pdf", b"<html><script>alert(1)</script>", "ne correspond pas"),
        ("fake.docx", b"PK\x03\x04 not a zip", "ne correspond pas"),
        ("image.svg", b"<svg onload=alert(1)>", "n'est pas accepté"),
        ("notes.txt", b"hello <script>alert(1)</script>", "ne correspond pas"),
    ],
)
def test_refused_documents_say_why_in_french(name, content, message):
    with pytest.raises(ValidationError) as error:
        validate_document(SimpleUploadedFile(name, content))
    assert message in " ".join(error.value.messages)


def test_oversized_document_is_refused(settings):
    settings.OFFER_DOCUMENT_MAX_SIZE = 100
    with pytest.raises(ValidationError) as error:
        validate_document(SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 200))
    assert "trop volumineux" in error.value.messages[0]


def test_logo_must_be_a_real_image(settings):
    validate_logo(SimpleUploadedFile("logo.png", png_bytes()))
    for content in (b"<svg onload=alert(1)>", b"not an image"):
        with pytest.raises(ValidationError):
            validate_logo(SimpleUploadedFile("logo.png", content))


def test_image_bomb_is_refused(settings):
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 100
    with pytest.raises(ValidationError) as error:
        validate_logo(SimpleUploadedFile("logo.png", png_bytes((50, 50))))
    assert "pixels" in error.value.messages[0]
