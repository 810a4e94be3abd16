import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from offers.models import Offer, OfferState, Theme
from tests.factories.accounts import StructureFactory, UserFactory
from tests.factories.offers import OfferFactory

pytestmark = pytest.mark.django_db
LIST = reverse("wagtailsnippets_offers_offer:list")


def submit(offer, user):
    offer.save_revision(user=user)
    offer.get_workflow().start(offer, user)


@pytest.fixture
def structure():
    return StructureFactory()


@pytest.fixture
def validator(structure):
    return UserFactory(structure=structure, roles=[Role.OFFER_VALIDATOR])


def test_list_columns_and_french_states(client, structure, validator):
    OfferFactory(structure=structure, name="Offre brouillon")
    OfferFactory(structure=structure, name="Offre publiée", published=True)
    OfferFactory(structure=structure, name="Offre caduque", expired=True)
    client.force_login(validator)
    content = client.get(LIST).content.decode()
    for text in ("Offre brouillon", "Offre publiée", "Offre caduque", "Brouillon", "Publiée", "Caduque",
                 structure.name, "Gironde", "Thématique", "Début de publication"):  # fmt: skip
        assert text in content, text


def test_filters_and_search(client, structure, validator):
    other_theme = Theme.objects.order_by("pk")[1]
    OfferFactory(structure=structure, name="Offre Bordeaux", postcode="33000")
    OfferFactory(structure=structure, name="Offre Périgueux", postcode="24000", theme=other_theme, published=True)
    client.force_login(validator)

    def names(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200
        return {name for name in ("Offre Bordeaux", "Offre Périgueux") if name in response.content.decode()}

    assert names(department="24") == {"Offre Périgueux"}
    assert names(theme=other_theme.pk) == {"Offre Périgueux"}
    assert names(state=OfferState.DRAFT) == {"Offre Bordeaux"}
    assert names(state=OfferState.PUBLISHED) == {"Offre Périgueux"}
    assert names(q="Périgueux") == {"Offre Périgueux"}
    # The structure filter is for the regional administrator only.
    assert 'name="structure"' not in client.get(LIST).content.decode()
    client.force_login(UserFactory(structure=None, roles=[Role.REGIONAL_ADMIN]))
    assert 'name="structure"' in client.get(LIST).content.decode()


def test_validator_sees_offers_awaiting_them_first(client, structure, validator):
    manager = UserFactory(structure=structure, roles=[Role.OFFER_MANAGER])
    OfferFactory(structure=structure, name="Zzz publiée", published=True)
    waiting = OfferFactory(structure=structure, name="Aaa en attente", publication_start=None)
    submit(waiting, manager)
    OfferFactory(structure=structure, name="Mmm brouillon")
    client.force_login(validator)
    content = client.get(LIST).content.decode()
    assert content.index("Aaa en attente") < content.index("Zzz publiée")
    assert content.index("Aaa en attente") < content.index("Mmm brouillon")


def export(client, fmt):
    response = client.get(LIST, {"export": fmt})
    assert response.status_code == 200
    return response


def test_csv_export_has_french_headers_and_all_fields(client, structure, validator):
    OfferFactory(structure=structure, name="Offre exportée", published=True, student_count=5)
    client.force_login(validator)
    response = export(client, "csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header, row = rows[0], rows[1]
    for heading in ("Nom de l'offre", "État", "Structure", "Thématique", "Département", "Type de terrain d'exercice",
                    "E-mail pour candidater", "Début de publication", "Fin de publication",
                    "Nombre d'étudiants accueillis"):  # fmt: skip
        assert heading in header, heading
    values = dict(zip(header, row, strict=True))
    assert values["Nom de l'offre"] == "Offre exportée"
    assert values["État"] == "Publiée"
    assert "Gironde" in values["Département"]
    assert values["Nombre d'étudiants accueillis"] == "5"


def test_xlsx_export(client, structure, validator):
    OfferFactory(structure=structure, name="Offre xlsx")
    client.force_login(validator)
    response = export(client, "xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "Nom de l'offre"
    assert rows[1][1] == "Offre xlsx"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", None])
def test_list_and_export_queries_are_constant(client, structure, validator, fmt):
    client.force_login(validator)
    discipline_offer = OfferFactory(structure=structure)
    discipline_offer.disciplines.set([1, 2])

    def count():
        params = {"export": fmt} if fmt else {}
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST, params)
            if fmt:
                b"".join(response.streaming_content)
        return len(queries)

    count()  # warm caches (content types, permissions)
    one = count()
    for _ in range(29):
        OfferFactory(structure=structure, published=True).disciplines.set([1])
    assert count() == one


def test_regional_admin_exports_every_structure(client):
    OfferFactory(name="Offre A")
    OfferFactory(name="Offre B")
    client.force_login(UserFactory(structure=None, roles=[Role.REGIONAL_ADMIN]))
    text = b"".join(export(client, "csv").streaming_content).decode()
    assert "Offre A" in text and "Offre B" in text


def test_dashboard_counts_by_state(client, structure, validator):
    OfferFactory.create_batch(2, structure=structure)
    OfferFactory(structure=structure, published=True)
    OfferFactory(structure=structure, expired=True)
    OfferFactory(published=True)  # another structure
    UserFactory(structure=structure, roles=[Role.OFFER_VIEWER])
    client.force_login(validator)
    response = client.get(reverse("wagtailadmin_home"))
    content = response.content.decode()
    assert f"Offres de {structure.name}" in content
    counts = {state.label: Offer.objects.for_structure(structure).in_state(state).count() for state in OfferState}
    assert counts == {"Brouillon": 2, "À valider": 0, "Validée": 0, "Publiée": 1, "Caduque": 1}
    assert f"{LIST}?state=draft" in content
    assert "2 utilisateurs actifs" in content
    assert "/documentation/" in content


def test_dashboard_regional_totals_and_pending_signups(client):
    OfferFactory(published=True)
    OfferFactory(published=True)
    StructureFactory(pending=True)
    client.force_login(UserFactory(structure=None, roles=[Role.REGIONAL_ADMIN]))
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Offres de toutes les structures" in content
    assert "1 inscription en attente de validation" in content


def test_dashboard_queries_are_constant(client, structure, validator):
    client.force_login(validator)
    client.get(reverse("wagtailadmin_home"))
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("wagtailadmin_home"))
    OfferFactory.create_batch(20, structure=structure, published=True)
    with CaptureQueriesContext(connection) as second:
        client.get(reverse("wagtailadmin_home"))
    assert len(second) == len(first)
