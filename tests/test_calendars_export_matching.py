"""iCalendar export, offer matching (function, admin page, listing button), demo data."""

import datetime
from pathlib import Path

import icalendar
import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks

from accounts.roles import Role
from calendars import demo
from calendars.models import AvailabilityPeriod, Modality, overlapping_periods
from offers.models import Discipline
from tests.factories.accounts import StructureFactory, UserFactory
from tests.factories.calendars import AvailabilityPeriodFactory, make_offer

pytestmark = pytest.mark.django_db

EXPORT = "/admin/calendrier/export.ics"


def discipline(name):
    return Discipline.objects.get(name=name)


@pytest.fixture
def viewer(client):
    user = UserFactory(roles=[Role.OFFER_MANAGER])
    client.force_login(user)
    return user


def events(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "calendrier-sses.ics" in response["Content-Disposition"]
    return {str(event["UID"]): event for event in icalendar.Calendar.from_ical(response.content).walk("VEVENT")}


def test_ics_contains_the_filtered_periods(client, viewer):
    pau = StructureFactory(institute=True, name="IFSI de Pau", postcode="64000", city="Pau")
    limoges = StructureFactory(institute=True, name="IFMK de Limoges", postcode="87000", city="Limoges")
    period = AvailabilityPeriodFactory(
        institute=pau,
        discipline=discipline("Soins infirmiers"),
        start=datetime.date(2026, 12, 7),
        end=datetime.date(2026, 12, 18),
        student_count=24,
        modalities=[Modality.CONTINUOUS.value, Modality.MORNINGS.value],
        comment="Groupe A",
    )
    other = AvailabilityPeriodFactory(
        institute=limoges, start=datetime.date(2026, 12, 20), end=datetime.date(2027, 1, 10)
    )
    AvailabilityPeriodFactory(institute=pau, start=datetime.date(2026, 10, 1), end=datetime.date(2026, 10, 9))

    everything = events(client.get(EXPORT, {"mois": "2026-12"}))
    assert set(everything) == {f"period-{period.pk}@testserver", f"period-{other.pk}@testserver"}

    only_pau = events(client.get(EXPORT, {"mois": "2026-12", "departement": "64"}))
    (event,) = only_pau.values()
    assert event["UID"] == f"period-{period.pk}@testserver"
    assert event.decoded("DTSTART") == datetime.date(2026, 12, 7)
    assert event.decoded("DTEND") == datetime.date(2026, 12, 19)  # exclusive end of an all-day event
    assert str(event["SUMMARY"]) == "IFSI de Pau – Soins infirmiers : 24 étudiants"
    description = str(event["DESCRIPTION"])
    assert "Nombre d’étudiants : 24" in description
    assert "Du 07/12/2026 au 18/12/2026" in description
    assert "Modalités : En continu, Matins" in description
    assert "Groupe A" in description
    assert str(event["LOCATION"]) == "Pau, 64"

    assert set(events(client.get(EXPORT, {"mois": "2026-12", "institut": limoges.pk}))) == {
        f"period-{other.pk}@testserver"
    }
    assert events(client.get(EXPORT, {"mois": "2026-12", "discipline": discipline("Pharmacie").pk})) == {}


def test_calendar_links_to_the_export_with_its_filters(client, viewer):
    html = client.get("/admin/calendrier/", {"mois": "2026-12", "departement": "64"}).content.decode()
    assert f"{EXPORT}?mois=2026-12&amp;departement=64" in html


def test_ics_is_refused_to_anonymous_users(client):
    assert client.get(EXPORT).status_code == 302


# --- matching -------------------------------------------------------------------------------


def test_overlapping_periods_uses_dates_and_disciplines():
    nursing = AvailabilityPeriodFactory(
        discipline=discipline("Soins infirmiers"), start=datetime.date(2027, 3, 1), end=datetime.date(2027, 3, 31)
    )
    medicine = AvailabilityPeriodFactory(
        discipline=discipline("Médecine"), start=datetime.date(2027, 3, 25), end=datetime.date(2027, 4, 30)
    )
    AvailabilityPeriodFactory(start=datetime.date(2027, 2, 1), end=datetime.date(2027, 2, 28))  # before
    AvailabilityPeriodFactory(start=datetime.date(2027, 5, 2), end=datetime.date(2027, 5, 28))  # after
    edge = AvailabilityPeriodFactory(start=datetime.date(2027, 4, 30), end=datetime.date(2027, 5, 1))  # one day in

    offer = make_offer(period_start=datetime.date(2027, 3, 20), period_end=datetime.date(2027, 4, 30))
    assert list(overlapping_periods(offer)) == [nursing, medicine, edge]

    medical_offer = make_offer(
        period_start=datetime.date(2027, 3, 20),
        period_end=datetime.date(2027, 4, 30),
        disciplines=[discipline("Médecine"), discipline("Pharmacie")],
    )
    assert list(overlapping_periods(medical_offer)) == [medicine]

    undated = make_offer(period_start=None, period_end=None)
    assert list(overlapping_periods(undated)) == []


@pytest.fixture
def offer_of_a():
    return make_offer(
        structure=StructureFactory(name="Association A"),
        name="Ateliers sommeil",
        period_start=datetime.date(2027, 3, 1),
        period_end=datetime.date(2027, 4, 15),
    )


def test_matching_page_lists_the_periods_for_the_offers_structure(client, offer_of_a):
    ifsi = StructureFactory(institute=True, name="IFSI de Pau", postcode="64000", city="Pau")
    AvailabilityPeriodFactory(
        institute=ifsi,
        start=datetime.date(2027, 3, 10),
        end=datetime.date(2027, 3, 20),
        student_count=17,
        comment="Promotion 2025",
    )
    AvailabilityPeriodFactory(
        institute=StructureFactory(institute=True, name="UFR Loin"),
        start=datetime.date(2027, 6, 1),
        end=datetime.date(2027, 6, 20),
    )
    client.force_login(UserFactory(structure=offer_of_a.structure, roles=[Role.OFFER_VIEWER]))
    response = client.get(reverse("calendars_admin:offer_matches", args=[offer_of_a.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Étudiants disponibles pour « Ateliers sommeil »" in html
    assert "IFSI de Pau" in html and "Pau (64)" in html and "Promotion 2025" in html
    assert "du 10/03/2027 au 20/03/2027" in html
    assert "UFR Loin" not in html


def test_matching_page_empty_state(client, offer_of_a):
    client.force_login(UserFactory(structure=offer_of_a.structure, roles=[Role.OFFER_MANAGER]))
    html = client.get(reverse("calendars_admin:offer_matches", args=[offer_of_a.pk])).content.decode()
    assert "Aucune période de disponibilité ne correspond à cette offre." in html


def test_matching_page_is_paginated(client, offer_of_a):
    AvailabilityPeriodFactory.create_batch(51, start=datetime.date(2027, 3, 10), end=datetime.date(2027, 3, 20))
    client.force_login(UserFactory(structure=offer_of_a.structure, roles=[Role.OFFER_MANAGER]))
    url = reverse("calendars_admin:offer_matches", args=[offer_of_a.pk])
    first = client.get(url)
    assert len(first.context["page"].object_list) == 50
    assert "Page 1 sur 2" in first.content.decode()
    assert len(client.get(url, {"p": 2}).context["page"].object_list) == 1


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("same structure", True),
        ("regional admin", True),
        ("other offerer", False),
        ("institute", False),
    ],
)
def test_matching_page_permissions(client, offer_of_a, who, allowed):
    user = {
        "same structure": lambda: UserFactory(structure=offer_of_a.structure, roles=[Role.OFFER_VIEWER]),
        "regional admin": lambda: UserFactory(structure=None, roles=[Role.REGIONAL_ADMIN]),
        "other offerer": lambda: UserFactory(roles=[Role.OFFERER_ADMIN, Role.OFFER_MANAGER]),
        "institute": lambda: UserFactory(structure=StructureFactory(institute=True), roles=[Role.CALENDAR_MANAGER]),
    }[who]()
    client.force_login(user)
    response = client.get(reverse("calendars_admin:offer_matches", args=[offer_of_a.pk]))
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response.url == reverse("wagtailadmin_home")


def test_matching_page_of_an_unknown_offer_is_404(client):
    client.force_login(UserFactory(roles=[Role.REGIONAL_ADMIN], structure=None))
    assert client.get(reverse("calendars_admin:offer_matches", args=[987654])).status_code == 404


def listing_buttons(offer, user):
    return [button for hook in hooks.get_hooks("register_snippet_listing_buttons") for button in hook(offer, user)]


def test_offers_listing_gets_an_available_students_button(offer_of_a):
    own = UserFactory(structure=offer_of_a.structure, roles=[Role.OFFER_MANAGER])
    (button,) = [b for b in listing_buttons(offer_of_a, own) if b.label == "Étudiants disponibles"]
    assert button.url == reverse("calendars_admin:offer_matches", args=[offer_of_a.pk])
    other = UserFactory(roles=[Role.OFFER_MANAGER])
    assert not [b for b in listing_buttons(offer_of_a, other) if b.label == "Étudiants disponibles"]
    period = AvailabilityPeriodFactory()
    assert not [b for b in listing_buttons(period, own) if b.label == "Étudiants disponibles"]


def test_offers_app_does_not_import_calendars():
    offers_dir = Path(__file__).resolve().parent.parent / "offers"
    for source in offers_dir.rglob("*.py"):
        text = source.read_text()
        assert "import calendars" not in text and "from calendars" not in text, source


# --- demo -----------------------------------------------------------------------------------


def test_demo_fills_this_and_next_month_with_several_institutes_and_disciplines(client):
    call_command("load_demo")
    this_month = timezone.localdate().replace(day=1)
    next_month = (this_month + datetime.timedelta(days=32)).replace(day=1)
    for month in (this_month, next_month):
        periods = AvailabilityPeriod.objects.filter(start__year=month.year, start__month=month.month)
        assert periods.values("institute").distinct().count() >= 3
        assert periods.values("discipline").distinct().count() >= 4
    count = AvailabilityPeriod.objects.count()
    call_command("load_demo")
    assert AvailabilityPeriod.objects.count() == count

    client.post("/admin/login/", {"username": "calendrier.ifmk@example.org", "password": "DemoSses2026"})
    response = client.get("/admin/calendrier/")
    assert response.status_code == 200
    assert "IFMK de Limoges" in response.content.decode()
    assert client.get(reverse("periodes:index")).status_code == 200


def test_generate_bulk_inserts_periods():
    assert demo.generate(300) == 300
    assert AvailabilityPeriod.objects.count() == 300
    assert not AvailabilityPeriod.objects.filter(end__lt=F("start")).exists()


# --- institute public information -----------------------------------------------------------


def test_manager_edits_the_disciplines_taught_shown_on_the_calendar(client):
    institute = StructureFactory(institute=True, name="IFSI de Pau", postcode="64000", city="Pau")
    manager = UserFactory(structure=institute, roles=[Role.CALENDAR_MANAGER])
    client.force_login(manager)
    url = reverse("calendars_admin:institute_profile")
    page = client.get(url)
    assert page.status_code == 200
    assert "IFSI de Pau" in page.content.decode() and "64 – Pyrénées-Atlantiques" in page.content.decode()
    response = client.post(
        url, {"disciplines": [discipline("Soins infirmiers").pk, discipline("Maïeutique").pk]}, follow=True
    )
    assert "Fiche d’établissement enregistrée." in response.content.decode()
    assert set(institute.institute_profile.disciplines.values_list("name", flat=True)) == {
        "Soins infirmiers",
        "Maïeutique",
    }
    AvailabilityPeriodFactory(institute=institute, start=datetime.date(2026, 12, 1), end=datetime.date(2026, 12, 3))
    client.force_login(UserFactory(roles=[Role.OFFER_VIEWER]))
    html = client.get("/admin/calendrier/", {"mois": "2026-12"}).content.decode()
    assert "Établissements de formation du mois" in html
    assert "disciplines enseignées :" in html
    assert "Maïeutique, Soins infirmiers" in html


@pytest.mark.parametrize("role", [Role.OFFERER_ADMIN, Role.OFFER_MANAGER, Role.REGIONAL_ADMIN])
def test_only_institute_managers_edit_an_institute_profile(client, role):
    client.force_login(
        UserFactory(structure=None if role == Role.REGIONAL_ADMIN else StructureFactory(), roles=[role])
    )
    response = client.post(reverse("calendars_admin:institute_profile"), {"disciplines": []})
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
