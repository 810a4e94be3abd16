"""Upload checks shared by logos and offer documents: size, extension, and content that matches it.

Files are checked by their first bytes, not by the name or the browser's Content-Type, so that an
HTML or SVG page renamed `.pdf` is refused (it could run script if ever served inline).
"""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

# Extension → accepted leading bytes (None: any content but markup, for plain text formats).
DOCUMENT_SIGNATURES = {
    "pdf": [b"%PDF-"],
    "png": [b"\x89PNG\r\n\x1a\n"],
    "jpg": [b"\xff\xd8\xff"],
    "jpeg": [b"\xff\xd8\xff"],
    "gif": [b"GIF87a", b"GIF89a"],
    "odt": [b"PK\x03\x04"],
    "ods": [b"PK\x03\x04"],
    "odp": [b"PK\x03\x04"],
    "docx": [b"PK\x03\x04"],
    "xlsx": [b"PK\x03\x04"],
    "pptx": [b"PK\x03\x04"],
    "doc": [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"],
    "xls": [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"],
    "ppt": [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"],
    "rtf": [b"{\\rtf"],
    "txt": None,
    "csv": None,
}
DOCUMENT_EXTENSIONS = sorted(DOCUMENT_SIGNATURES)
LOGO_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
MARKUP_MARKERS = (b"<html", b"<script", b"<svg", b"<!doctype html", b"<?xml", b"<iframe", b"javascript:")


def _extension(name):
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _head(upload, size=2048):
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _check_size(upload, limit):
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )


def validate_document(upload):
    """Offer documents: common office, PDF, image and text formats, whose content matches the name."""
    _check_size(upload, settings.OFFER_DOCUMENT_MAX_SIZE)
    extension = _extension(upload.name)
    if extension not in DOCUMENT_SIGNATURES:
        raise ValidationError(
            _("This file type is not accepted. Accepted types: %(types)s.")
            % {"types": ", ".join(DOCUMENT_EXTENSIONS)},
            code="file_type",
        )
    head = _head(upload)
    signatures = DOCUMENT_SIGNATURES[extension]
    mismatch = (signatures is not None and not any(head.startswith(s) for s in signatures)) or any(
        marker in head.lower() for marker in MARKUP_MARKERS
    )
    if signatures == [b"PK\x03\x04"] and not mismatch:
        mismatch = not _is_zip(upload)
    if mismatch:
        raise ValidationError(
            _("The content of the file does not match its extension .%(extension)s.") % {"extension": extension},
            code="file_content",
        )


def _is_zip(upload):
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return archive.testzip() is None
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def validate_logo(upload):
    """Logos: a real PNG, JPEG, GIF or WebP image (no SVG), of bounded size and pixel count."""
    _check_size(upload, settings.LOGO_MAX_SIZE)
    invalid = ValidationError(_("Upload a PNG, JPEG, GIF or WebP image."), code="invalid_image")
    if any(marker in _head(upload).lower() for marker in MARKUP_MARKERS):
        raise invalid
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            if width * height > settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS:
                raise ValidationError(
                    _("The image is too large (%(width)d × %(height)d pixels).") % {"width": width, "height": height},
                    code="image_too_large",
                )
            image.verify()
    except ValidationError:
        raise
    except Exception as exc:  # Pillow raises many kinds of errors on broken or hostile files.
        raise invalid from exc
    finally:
        upload.seek(0)
    if image_format not in LOGO_FORMATS:
        raise invalid
