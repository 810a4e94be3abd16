"""Regional statistics in the admin: access, figures equal to the lists' counts, CSV, queries."""

import csv
import datetime
import html as htmllib
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Structure
from accounts.roles import Role
from calendars.models import AvailabilityPeriod
from offers.models import Offer, OfferState, Theme
from tests.factories.accounts import StructureFactory, UserFactory
from tests.factories.calendars import AvailabilityPeriodFactory
from tests.factories.offers import OfferFactory

pytestmark = pytest.mark.django_db
URL = reverse("sses_stats:index")
OFFERS_LIST = reverse("wagtailsnippets_offers_offer:list")
STRUCTURES_LIST = reverse("sses_accounts:structure_index")


@pytest.fixture
def regional(db):
    return UserFactory(structure=None, roles=[Role.REGIONAL_ADMIN])


def submitted(structure):
    offer = OfferFactory(structure=structure, name="À valider")
    user = UserFactory(structure=structure, roles=[Role.OFFER_MANAGER])
    offer.save_revision(user=user)
    offer.get_workflow().start(offer, user)
    return offer


def validated(structure):
    offer = OfferFactory(structure=structure, scheduled=True, name="Validée")
    offer.save_revision().publish()
    return offer


@pytest.fixture
def offers():
    """Offers in every state, in two départements and two themes."""
    sleep, food = Theme.objects.get(slug="sommeil"), Theme.objects.get(slug="alimentation")
    a, b = StructureFactory(), StructureFactory(postcode="40000")
    OfferFactory(structure=a, theme=sleep)
    OfferFactory.create_batch(3, structure=a, theme=sleep, published=True)
    OfferFactory(structure=a, theme=food, published=True, postcode="40000")
    OfferFactory(structure=b, theme=food, published=True, postcode="40100")
    OfferFactory(structure=b, theme=food, expired=True, postcode="24000")
    submitted(b)
    validated(a)


def links(html, prefix):
    """(url, number) of each link to `prefix` whose text is a number."""
    found = re.findall(rf'<a href="({re.escape(prefix)}[^"]*)">(\d+)</a>', html)
    return [(htmllib.unescape(url), int(number)) for url, number in found]


@pytest.mark.parametrize(
    "roles",
    [
        [Role.OFFERER_ADMIN],
        [Role.OFFER_MANAGER],
        [Role.OFFER_VALIDATOR],
        [Role.OFFER_VIEWER],
        [Role.OFFER_MANAGER, Role.OFFER_VALIDATOR, Role.OFFERER_ADMIN],
        [Role.CALENDAR_MANAGER],
    ],
)
@pytest.mark.parametrize("params", ["", "?export=offres-par-etat"])
def test_only_the_regional_administrator_sees_the_statistics(client, roles, params):
    user = UserFactory(roles=roles)
    client.force_login(user)
    response = client.get(URL + params)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    dashboard = client.get(response["Location"]).content.decode()
    assert reverse("sses_stats:index") not in dashboard


def test_anonymous_visitor_is_sent_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]


@pytest.mark.parametrize("superuser", [False, True])
def test_regional_administrator_sees_the_page_and_its_menu_item(client, regional, superuser):
    user = UserFactory(structure=None, is_superuser=True) if superuser else regional
    client.force_login(user)
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Statistiques",
        "Offres par état",
        "Offres par département et thématique",
        "Structures par type",
        "Étudiants disponibles et offres ouvertes, par mois",
    ):
        assert text in html, text
    assert "Aucune donnée pour l’instant." in html  # no offer yet
    assert URL in client.get(reverse("wagtailadmin_home")).content.decode()


def test_offers_by_state_equal_the_admin_list_counts(client, regional, offers):
    client.force_login(regional)
    html = client.get(URL).content.decode()
    numbers = links(html, OFFERS_LIST + "?state=")
    assert len(numbers) == len(OfferState)
    for url, number in numbers:
        state = url.split("state=")[1]
        assert number == Offer.objects.in_state(state).count()
        assert client.get(url).context["items_count"] == number, url
    assert {url.split("=")[1]: n for url, n in numbers} == {
        "draft": 1, "to_validate": 1, "validated": 1, "published": 5, "obsolete": 1,
    }  # fmt: skip


@pytest.mark.parametrize("state", ["", "published", "draft"])
def test_departement_theme_table_equals_the_admin_list_counts(client, regional, offers, state):
    client.force_login(regional)
    html = client.get(URL, {"etat": state}).content.decode()
    section = html.split('id="offres-par-departement-et-thematique-title"')[1].split("</section>")[0]
    numbers = links(section, OFFERS_LIST)
    assert numbers
    for url, number in numbers:
        assert client.get(url).context["items_count"] == number, url
        if state:
            assert f"state={state}" in url
    total = Offer.objects.in_state(state).count() if state else Offer.objects.count()
    assert numbers[-1] == (OFFERS_LIST + (f"?state={state}" if state else ""), total)
    if not state:
        assert "33 – Gironde" in section and "24 – Dordogne" in section and "40 – Landes" in section
        assert (OFFERS_LIST + "?department=33&theme=" + str(Theme.objects.get(slug="sommeil").pk), 4) in numbers


def test_structures_by_type_equal_the_structure_list(client, regional):
    StructureFactory.create_batch(2)
    StructureFactory(offerer_type=Structure.OffererType.SCHOOL, pending=True)
    StructureFactory(offerer_type=Structure.OffererType.SCHOOL, refused=True)
    StructureFactory(institute=True)
    client.force_login(regional)
    html = client.get(URL).content.decode()
    section = html.split('id="structures-par-type-title"')[1].split("</section>")[0]
    numbers = links(section, STRUCTURES_LIST)
    assert len(numbers) == len(Structure.Status) + 1
    for url, number in numbers:
        assert client.get(url).context["page"].paginator.count == number, url
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th>((?:<td>\d+</td>)+)', section))
    assert re.findall(r"\d+", rows["Établissement scolaire"]) == ["1", "0", "1", "2"]
    assert re.findall(r"\d+", rows["Association"]) == [
        str(Structure.objects.filter(offerer_type="association", status=s).count()) for s in Structure.Status
    ] + [str(Structure.objects.filter(offerer_type="association").count())]
    assert re.findall(r"\d+", rows["Établissement de formation"]) == ["0", "1", "0", "1"]


def test_students_and_offers_per_month_equal_the_calendar_and_the_published_offers(client, regional):
    first = timezone.localdate().replace(day=1)
    next_month = (first + datetime.timedelta(days=32)).replace(day=1)
    AvailabilityPeriodFactory(start=first, end=first + datetime.timedelta(days=3), student_count=12)
    AvailabilityPeriodFactory(start=first + datetime.timedelta(days=20), end=next_month + datetime.timedelta(days=2))
    AvailabilityPeriodFactory(start=first, end=first, institute=StructureFactory(institute=True, pending=True))
    period = {"period_start": first + datetime.timedelta(days=5), "period_end": next_month}
    OfferFactory(published=True, student_count=4, **period)
    OfferFactory(published=True, student_count=None, **period)
    OfferFactory(student_count=30, **period)  # a draft: not open
    client.force_login(regional)
    response = client.get(URL, {"debut": first.strftime("%Y-%m")})
    table = response.context["etudiants_et_offres_par_mois"]
    assert len(table.rows) == 12
    third_month = (next_month + datetime.timedelta(days=32)).replace(day=1)
    for row, month in zip(table.rows[:3], [first, next_month, third_month], strict=True):
        end = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        periods = AvailabilityPeriod.objects.visible().overlapping(month, end)
        offers = Offer.objects.published().filter(period_start__lte=end, period_end__gte=month)
        assert row[1].value == sum(p.student_count for p in periods)
        assert row[2].value == offers.count()
        assert row[3].value == sum(o.student_count or 0 for o in offers)
        assert row[0].url.endswith(f"?mois={month.strftime('%Y-%m')}")
    assert [cell.value for cell in table.rows[0][1:]] == [24, 2, 4]
    assert [cell.value for cell in table.rows[1][1:]] == [12, 2, 4]
    assert [cell.value for cell in table.rows[2][1:]] == [0, 0, 0]


def test_bad_parameters_show_a_french_error_and_use_the_defaults(client, regional):
    client.force_login(regional)
    response = client.get(URL, {"debut": "2026-13", "etat": "nimporte"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Saisissez un mois au format AAAA-MM" in html
    assert "La valeur par défaut est utilisée." in html
    assert response.context["etudiants_et_offres_par_mois"].rows[0][0].value.endswith(str(timezone.localdate().year))


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_each_table_exports_as_csv(client, regional, offers):
    client.force_login(regional)
    html = client.get(URL).content.decode()
    exports = [htmllib.unescape(url) for url in re.findall(r'href="(\?export=[^"]+)"', html)]
    assert exports == [
        "?export=offres-par-etat",
        "?export=offres-par-departement-et-thematique",
        "?export=structures-par-type",
        "?export=etudiants-et-offres-par-mois",
    ]
    rows = read_csv(client.get(URL, {"export": "offres-par-etat"}))
    assert rows[0] == ["État", "Offres"]
    assert ["Publiée", "5"] in rows and rows[-1] == ["Total", "9"]
    response = client.get(URL, {"export": "offres-par-departement-et-thematique", "etat": "published"})
    assert 'filename="statistiques-offres-par-departement-et-thematique.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == ["Département", "Alimentation", "Sommeil", "Total"]
    assert rows[1] == ["33 – Gironde", "0", "3", "3"]
    assert rows[-1] == ["Total", "2", "3", "5"]
    rows = read_csv(client.get(URL, {"export": "structures-par-type"}))
    assert rows[0] == ["Type", "En attente", "Actif", "Refusée", "Total"]
    rows = read_csv(client.get(URL, {"export": "etudiants-et-offres-par-mois"}))
    assert rows[0] == ["Mois", "Étudiants disponibles", "Offres publiées", "Places proposées"]
    assert len(rows) == 13
    assert client.get(URL, {"export": "inconnu"}).status_code == 404


def test_export_keeps_the_page_parameters(client, regional, offers):
    client.force_login(regional)
    html = client.get(URL, {"etat": "draft"}).content.decode()
    assert 'href="?etat=draft&amp;export=offres-par-departement-et-thematique"' in html


def count_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_constant_queries_whatever_the_number_of_rows(client, regional):
    client.force_login(regional)
    OfferFactory(published=True)
    AvailabilityPeriodFactory()
    count_queries(client)  # warm-up
    few = count_queries(client)
    themes = list(Theme.objects.all())
    for number in range(20):
        OfferFactory(published=bool(number % 2), theme=themes[number % len(themes)], postcode=f"{number + 10:02d}000")
        AvailabilityPeriodFactory()
        StructureFactory(offerer_type=Structure.OffererType.values[number % 10])
    assert count_queries(client) == few
