"""The admin export of offers at scale: streamed CSV and XLSX, complete French rows, first bytes
before the offers are read, constant queries whatever the number of offers."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from offers import demo
from offers.models import Discipline, Offer
from offers.wagtail_hooks import OfferViewSet
from tests.factories.accounts import StructureFactory, UserFactory
from tests.factories.offers import OfferFactory

pytestmark = pytest.mark.django_db
LIST = reverse("wagtailsnippets_offers_offer:list")


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(structure=None, roles=[Role.REGIONAL_ADMIN]))
    return client


@pytest.fixture
def full_offer():
    offer = OfferFactory(
        name="Offre complète",
        structure=StructureFactory(name="Mutualité de Gironde"),
        published=True,
        postcode="64000",
        city="Pau",
        period_kind=Offer.PeriodKind.SPLIT,
        period_start=datetime.date(2027, 3, 1),
        period_end=datetime.date(2027, 4, 30),
        student_count=6,
    )
    offer.disciplines.set(Discipline.objects.filter(name__in=["Soins infirmiers", "Médecine"]))
    offer.save()  # a parental many-to-many is written on save
    return offer


def csv_rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def xlsx_rows(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return workbook, list(workbook.active.iter_rows(values_only=True))


def export_queries(client, fmt):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"export": fmt})
        b"".join(response.streaming_content)
    return len(queries)


def test_csv_is_streamed_with_every_column_in_french(admin_client, full_offer):
    response = admin_client.get(LIST, {"export": "csv"})
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"] == 'attachment; filename="offres.csv"'
    header, *rows = csv_rows(response)
    assert len(header) == len(OfferViewSet.list_export)
    assert header[:4] == ["Numéro", "Nom de l'offre", "État", "Structure"]
    assert "Filières accueillies" in header and "Département" in header
    (row,) = rows
    values = dict(zip(header, row, strict=True))
    assert values["Numéro"] == str(full_offer.pk)
    assert values["Nom de l'offre"] == "Offre complète"
    assert values["État"] == "Publiée"
    assert values["Structure"] == "Mutualité de Gironde"
    assert values["Département"] == "64 – Pyrénées-Atlantiques"
    assert values["Filières accueillies"] == "Médecine, Soins infirmiers"
    assert values["Nombre d'étudiants accueillis"] == "6"
    assert values["Début de période"] == "2027-03-01"


def test_xlsx_is_streamed_with_typed_cells_in_french(admin_client, full_offer):
    response = admin_client.get(LIST, {"export": "xlsx"})
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="offres.xlsx"'
    workbook, (header, row) = xlsx_rows(response)
    assert workbook.active.title == "Offres"
    values = dict(zip(header, row, strict=True))
    assert values["Numéro"] == full_offer.pk
    assert values["État"] == "Publiée"
    assert values["Département"] == "64 – Pyrénées-Atlantiques"
    assert values["Filières accueillies"] == "Médecine, Soins infirmiers"
    assert values["Nombre d'étudiants accueillis"] == 6
    assert values["Début de période"] == datetime.datetime(2027, 3, 1)
    assert workbook.active.cell(row=2, column=header.index("Début de période") + 1).is_date


def test_xlsx_keeps_text_that_looks_like_a_formula_or_markup(admin_client):
    OfferFactory(name='=HYPERLINK("x") <b>&</b>', description="Ligne 1\nLigne 2\x0b")
    _workbook, (header, row) = xlsx_rows(admin_client.get(LIST, {"export": "xlsx"}))
    values = dict(zip(header, row, strict=True))
    assert values["Nom de l'offre"] == '=HYPERLINK("x") <b>&</b>'
    assert values["Description"] == "Ligne 1\nLigne 2"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_first_bytes_leave_before_the_offers_are_read(admin_client, full_offer, fmt):
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(LIST, {"export": fmt})
        first = next(iter(response.streaming_content))
    assert first.startswith(b"PK" if fmt == "xlsx" else "Numéro".encode())
    assert not [query for query in queries if "referent_email" in query["sql"]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_queries_are_the_same_at_10_and_200_offers(admin_client, fmt):
    for offer in OfferFactory.create_batch(2, published=True):
        offer.disciplines.set(Discipline.objects.all()[:2])
        offer.save()
    demo.generate(8, structure_count=5)
    export_queries(admin_client, fmt)  # warm the caches (content types, permissions)
    ten = export_queries(admin_client, fmt)
    demo.generate(190, structure_count=5)
    assert Offer.objects.count() == 200
    assert export_queries(admin_client, fmt) == ten
