"""The public offer page /offres/<id>/, its 410 page and its PDF."""

import datetime
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from offers.models import Discipline, OfferDocument, Theme
from tests.factories.accounts import StructureFactory
from tests.factories.portal import OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer():
    structure = StructureFactory(
        name="Collège Jean Moulin",
        description="Collège public de 600 élèves.",
        website="https://college.example.org",
        address="3 rue des Écoles",
        postcode="64000",
        city="Pau",
    )
    offer = OfferFactory(
        published=True,
        name="Ateliers sommeil et écrans",
        description="Sensibiliser les élèves de 5e au sommeil.",
        theme=Theme.objects.get(name="Sommeil"),
        structure=structure,
        host_name="Collège Jean Moulin – site B",
        address="12 avenue Foch",
        postcode="64000",
        city="Pau",
        referent_name="Paul Référent",
        referent_email="paul@example.org",
        referent_phone="0559000000",
        application_email="stages@example.org",
        modalities="Deux demi-journées par semaine.",
        period_kind="split",
        hosting_range="Matins",
        period_start=datetime.date(2027, 3, 1),
        period_end=datetime.date(2027, 4, 12),
        student_count=4,
        required_documents="CV\nLettre de motivation",
        support_options="Repas pris en charge.",
        publication_end=datetime.date(2027, 2, 1),
    )
    offer.disciplines.set([Discipline.objects.get(name="Médecine"), Discipline.objects.get(name="Pharmacie")])
    offer.save()  # a ParentalManyToManyField is written on save
    OfferDocument.objects.create(
        offer=offer, title="Plan d'accès", file=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 test")
    )
    return offer


def test_offer_page_shows_every_public_field(client, site, offer):
    response = client.get(f"/offres/{offer.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "<h1>Ateliers sommeil et écrans</h1>",
        "Sensibiliser les élèves de 5e au sommeil.",
        "Sommeil",
        "Collège Jean Moulin – site B",
        "12 avenue Foch, 64000 Pau (64 – Pyrénées-Atlantiques)",
        "Deux demi-journées par semaine.",
        "Fractionnée",
        "Matins",
        "du 1 mars 2027",
        "au 12 avril 2027",
        "Médecine, Pharmacie",
        "<li>CV</li>",
        "<li>Lettre de motivation</li>",
        "Repas pris en charge.",
        "jusqu’au 1 février 2027",
        "Paul Référent",
        "paul@example.org",
        "0559000000",
        "Collège public de 600 élèves.",
        'href="https://college.example.org"',
    ]:
        assert text in html, text
    assert 'href="mailto:stages@example.org?subject=' in html
    document = offer.documents.get()
    assert f'href="/offres/{offer.pk}/documents/{document.pk}/"' in html
    assert "Plan d&#x27;accès" in html
    assert f'href="/offres/{offer.pk}/pdf/"' in html
    assert html.count("<h1") == 1


def test_offer_page_has_title_meta_open_graph_and_json_ld(client, site, offer):
    html = client.get(f"/offres/{offer.pk}/").content.decode()
    assert "<title>Ateliers sommeil et écrans – Collège Jean Moulin, Pau — Portail SSES</title>" in html
    assert '<meta name="description" content="Sensibiliser les élèves de 5e au sommeil.">' in html
    assert '<meta property="og:title" content="Ateliers sommeil et écrans">' in html
    assert f'<meta property="og:url" content="http://testserver/offres/{offer.pk}/">' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "JobPosting"
    assert data["title"] == "Ateliers sommeil et écrans"
    assert data["hiringOrganization"]["name"] == "Collège Jean Moulin"
    assert data["jobLocation"]["address"]["postalCode"] == "64000"
    assert data["validThrough"] == "2027-02-01"


def test_json_ld_cannot_close_its_script_tag(client, site):
    offer = OfferFactory(published=True, description="</script><script>alert(1)</script>")
    html = client.get(f"/offres/{offer.pk}/").content.decode()
    assert "<script>alert(1)" not in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["description"] == "</script><script>alert(1)</script>"


@pytest.mark.parametrize(
    "traits",
    [{}, {"scheduled": True}, {"scheduled": True, "live": False, "has_unpublished_changes": False}],
    ids=["draft", "validated-not-started", "approved-scheduled"],
)
def test_never_published_offers_are_404_even_by_id(client, site, traits):
    offer = OfferFactory(**traits)
    assert client.get(f"/offres/{offer.pk}/").status_code == 404
    assert client.get(f"/offres/{offer.pk}/pdf/").status_code == 404


def test_offer_awaiting_validation_is_404(client, site):
    offer = OfferFactory()
    offer.save_revision()
    assert client.get(f"/offres/{offer.pk}/").status_code == 404


def test_unknown_offer_is_404(client, site):
    response = client.get("/offres/999999/")
    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()


def test_caduque_offer_is_410_with_similar_offers(client, site):
    sleep = Theme.objects.get(name="Sommeil")
    gone = OfferFactory(name="Ancienne offre", withdrawn=True, theme=sleep, postcode="64000")
    same_theme = OfferFactory(name="Même thème", published=True, theme=sleep, postcode="33000")
    same_department = OfferFactory(
        name="Même département", published=True, theme=Theme.objects.get(name="Vaccination"), postcode="64100"
    )
    OfferFactory(name="Sans rapport", published=True, theme=Theme.objects.get(name="Vaccination"), postcode="33000")
    OfferFactory(name="Brouillon similaire", theme=sleep, postcode="64000")
    response = client.get(f"/offres/{gone.pk}/")
    assert response.status_code == 410
    html = response.content.decode()
    assert "Cette offre n&#x27;est plus disponible" in html or "Cette offre n'est plus disponible" in html
    assert f'href="/offres/{same_theme.pk}/"' in html
    assert f'href="/offres/{same_department.pk}/"' in html
    assert "Sans rapport" not in html
    assert "Brouillon similaire" not in html
    assert client.get(f"/offres/{gone.pk}/pdf/").status_code == 404


def test_offer_stopped_by_hand_is_410(client, site):
    offer = OfferFactory(published=True)
    offer.unpublish()
    assert client.get(f"/offres/{offer.pk}/").status_code == 410


def test_offer_page_constant_queries(client, site, offer, django_assert_num_queries):
    from django.core.cache import cache

    client.get(f"/offres/{offer.pk}/")
    cache.clear()
    with CaptureQueriesContext(connection) as one:
        client.get(f"/offres/{offer.pk}/")
    for index in range(10):
        OfferDocument.objects.create(offer=offer, title=f"Doc {index}", file=SimpleUploadedFile(f"d{index}.pdf", b"x"))
    offer.disciplines.set(Discipline.objects.all())
    offer.save()
    cache.clear()
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(f"/offres/{offer.pk}/")


def test_pdf_is_an_attachment_with_the_offer_text(client, site, offer):
    response = client.get(f"/offres/{offer.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Ateliers sommeil et écrans" in text
    assert "Collège Jean Moulin" in text
