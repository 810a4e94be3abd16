"""PDF of one offer (WeasyPrint), for the admin and the public portal (`/offres/<id>/pdf/`)."""

import base64
import mimetypes

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def _logo_data_uri(structure):
    """The structure's logo inlined, so that the PDF needs no network nor file URL (any storage)."""
    if not structure.logo:
        return ""
    try:
        with structure.logo.open("rb") as handle:
            data = handle.read()
    except OSError:
        return ""
    content_type = mimetypes.guess_type(structure.logo.name)[0] or "image/png"
    return f"data:{content_type};base64,{base64.b64encode(data).decode()}"


def render_offer_pdf(offer) -> bytes:
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "offers/offer_pdf.html",
            {
                "offer": offer,
                "structure": offer.structure,
                "logo": _logo_data_uri(offer.structure),
                "disciplines": offer.disciplines.all() if offer.pk else [],
                "site_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/"),
            },
        )
    return HTML(string=html, base_url=settings.WAGTAILADMIN_BASE_URL).write_pdf()
