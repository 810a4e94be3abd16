"""The month view at /admin/calendrier/: who sees it, layout, navigation, filters, accessibility, queries."""

import datetime
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from accounts.models import Structure
from accounts.roles import Role
from calendars import demo
from calendars.models import AvailabilityPeriod, Modality
from calendars.views import CalendarView
from offers.models import Discipline
from tests.factories.accounts import StructureFactory, UserFactory
from tests.factories.calendars import AvailabilityPeriodFactory, make_offer

pytestmark = pytest.mark.django_db

URL = "/admin/calendrier/"


def discipline(name):
    return Discipline.objects.get(name=name)


def login(client):
    user = UserFactory(roles=[Role.OFFER_VIEWER])
    client.force_login(user)
    return user


@pytest.fixture
def viewer(client):
    return login(client)


def bars(response):
    """The period ids of the bars on the page."""
    return sorted(int(pk) for pk in re.findall(r'data-period="(\d+)"', response.content.decode()))


@pytest.mark.parametrize(
    "role",
    [
        Role.OFFERER_ADMIN,
        Role.OFFER_MANAGER,
        Role.OFFER_VALIDATOR,
        Role.OFFER_VIEWER,
        Role.CALENDAR_MANAGER,
        Role.REGIONAL_ADMIN,
    ],
)
def test_every_role_sees_the_calendar_and_its_menu_item(client, role):
    structure = {
        Role.CALENDAR_MANAGER: StructureFactory(institute=True),
        Role.REGIONAL_ADMIN: None,
    }.get(role, StructureFactory())
    client.force_login(UserFactory(structure=structure, roles=[role]))
    response = client.get(URL)
    assert response.status_code == 200
    assert "Calendrier des étudiants" in response.content.decode()
    assert '"label": "Calendrier"' in client.get("/admin/").content.decode()


def test_anonymous_users_are_sent_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_users_of_a_structure_not_yet_active_are_refused(client):
    user = UserFactory(structure=StructureFactory(pending=True), roles=[Role.OFFER_VIEWER])
    client.force_login(user)
    assert client.get(URL).status_code in (302, 403)
    assert client.get(reverse("calendars_admin:export")).status_code in (302, 403)


@freeze_time("2026-12-10 10:00")
def test_month_rows_bars_and_today(client):
    login(client)
    ifsi = StructureFactory(institute=True, name="IFSI de Pau", postcode="64000", city="Pau")
    period = AvailabilityPeriodFactory(
        institute=ifsi,
        discipline=discipline("Soins infirmiers"),
        start=datetime.date(2026, 12, 7),
        end=datetime.date(2026, 12, 18),
        student_count=24,
        modalities=[Modality.SPLIT.value, Modality.MORNINGS.value],
        comment="Groupe A, deuxième année",
    )
    AvailabilityPeriodFactory(
        institute=ifsi,
        discipline=discipline("Soins infirmiers"),
        start=datetime.date(2026, 11, 2),
        end=datetime.date(2026, 11, 20),
    )
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Décembre 2026" in html
    assert bars(response) == [period.pk]
    grid = response.context["grid"]
    assert len(grid.days) == 31
    (row,) = grid.rows
    assert (row.institute, row.discipline.name) == (ifsi, "Soins infirmiers")
    # one lane: 6 empty days, the 12-day bar, then 13 empty days
    assert [(span, bool(bar)) for span, bar in row.lanes[0].cells] == [(6, False), (12, True), (13, False)]
    assert '<td colspan="12" class="sses-cal-cell">' in html
    assert "24 étudiants" in html
    assert 'aria-current="date"' in html
    assert html.count('aria-current="date"') == 1
    assert "IFSI de Pau" in html and "Pau (64)" in html


@freeze_time("2026-12-10 10:00")
def test_bars_are_focusable_and_described_for_keyboard_and_screen_readers(client):
    login(client)
    period = AvailabilityPeriodFactory(
        start=datetime.date(2026, 12, 7),
        end=datetime.date(2026, 12, 18),
        student_count=24,
        modalities=[Modality.SPLIT.value, Modality.AFTERNOONS.value],
        comment="Groupe A, deuxième année",
    )
    html = client.get(URL).content.decode()
    bar = re.search(rf'<div class="sses-cal-bar[^"]*"[^>]*data-period="{period.pk}"[^>]*>', html).group(0)
    assert 'tabindex="0"' in bar
    assert f'aria-describedby="period-{period.pk}-details"' in bar
    tooltip = re.search(
        rf'<div class="sses-cal-tooltip" role="tooltip" id="period-{period.pk}-details">(.*?)</div>', html, re.S
    )
    text = " ".join(re.sub(r"<[^>]+>", " ", tooltip.group(1)).split())
    assert "Du 7 décembre 2026 au 18 décembre 2026" in text
    assert "24 étudiants" in text
    assert "Modalités : En fractionné, Après-midi" in text
    assert "Groupe A, deuxième année" in text
    # shown on focus as well as hover, by CSS only
    assert "calendars/calendar.css" in html
    css_text = Path(finders.find("calendars/calendar.css")).read_text()
    assert ".sses-cal-bar:focus + .sses-cal-tooltip" in css_text
    assert ".sses-cal-bar:hover + .sses-cal-tooltip" in css_text


@freeze_time("2026-12-10 10:00")
def test_overlapping_periods_of_one_row_stack_in_lanes(client):
    login(client)
    institute = StructureFactory(institute=True)
    first = AvailabilityPeriodFactory(
        institute=institute, start=datetime.date(2026, 12, 1), end=datetime.date(2026, 12, 10)
    )
    second = AvailabilityPeriodFactory(
        institute=institute, start=datetime.date(2026, 12, 5), end=datetime.date(2026, 12, 20)
    )
    third = AvailabilityPeriodFactory(
        institute=institute, start=datetime.date(2026, 12, 11), end=datetime.date(2026, 12, 31)
    )
    (row,) = client.get(URL).context["grid"].rows
    lanes = [[bar.period.pk for _span, bar in lane.cells if bar] for lane in row.lanes]
    assert lanes == [[first.pk, third.pk], [second.pk]]
    for lane in row.lanes:
        assert sum(span for span, _bar in lane.cells) == 31


def test_month_parameter_and_december_to_january_navigation(client, viewer):
    january = AvailabilityPeriodFactory(start=datetime.date(2027, 1, 4), end=datetime.date(2027, 1, 8))
    response = client.get(URL, {"mois": "2026-12"})
    html = response.content.decode()
    assert "Décembre 2026" in html
    assert "?mois=2027-01" in html and "?mois=2026-11" in html
    assert bars(response) == []
    following = client.get(URL + "?mois=2027-01")
    assert "Janvier 2027" in following.content.decode()
    assert bars(following) == [january.pk]
    assert "?mois=2026-12" in following.content.decode()


def test_a_period_spanning_two_months_appears_in_both(client, viewer):
    period = AvailabilityPeriodFactory(start=datetime.date(2026, 12, 20), end=datetime.date(2027, 1, 10))
    december = client.get(URL, {"mois": "2026-12"})
    january = client.get(URL, {"mois": "2027-01"})
    assert bars(december) == bars(january) == [period.pk]
    (dec_bar,) = [bar for _s, bar in december.context["grid"].rows[0].lanes[0].cells if bar]
    (jan_bar,) = [bar for _s, bar in january.context["grid"].rows[0].lanes[0].cells if bar]
    assert (dec_bar.first_day, dec_bar.span, dec_bar.ends_after) == (20, 12, True)
    assert (jan_bar.first_day, jan_bar.span, jan_bar.starts_before) == (1, 10, True)
    assert "sses-cal-continues-after" in december.content.decode()
    assert "sses-cal-continues-before" in january.content.decode()


@freeze_time("2026-12-10 10:00")
def test_bad_month_is_reported_in_french_and_ignored(client):
    login(client)
    response = client.get(URL, {"mois": "2026-13", "discipline": "abc"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Saisissez un mois au format AAAA-MM" in html
    assert "Certains paramètres ont été ignorés" in html
    assert "Décembre 2026" in html


def test_filters_discipline_institute_departement_in_the_url(client, viewer):
    pau = StructureFactory(institute=True, name="IFSI de Pau", postcode="64000", city="Pau")
    limoges = StructureFactory(institute=True, name="IFMK de Limoges", postcode="87000", city="Limoges")
    dates = {"start": datetime.date(2026, 12, 1), "end": datetime.date(2026, 12, 5)}
    nursing = AvailabilityPeriodFactory(institute=pau, discipline=discipline("Soins infirmiers"), **dates)
    pharmacy = AvailabilityPeriodFactory(institute=pau, discipline=discipline("Pharmacie"), **dates)
    physio = AvailabilityPeriodFactory(institute=limoges, discipline=discipline("Masso-kinésithérapie"), **dates)

    def shown(**params):
        return bars(client.get(URL, {"mois": "2026-12", **params}))

    assert shown() == sorted([nursing.pk, pharmacy.pk, physio.pk])
    assert shown(discipline=discipline("Pharmacie").pk) == [pharmacy.pk]
    assert shown(institut=limoges.pk) == [physio.pk]
    assert shown(departement="64") == sorted([nursing.pk, pharmacy.pk])
    assert shown(departement="64", discipline=discipline("Soins infirmiers").pk) == [nursing.pk]
    assert shown(departement="33") == []
    # the navigation keeps the filters
    html = client.get(URL, {"mois": "2026-12", "departement": "64"}).content.decode()
    assert "?mois=2027-01&amp;departement=64" in html or "?departement=64&amp;mois=2027-01" in html
    assert (
        "Aucune période de disponibilité ce mois-ci pour ces filtres."
        in client.get(URL, {"mois": "2026-12", "departement": "33"}).content.decode()
    )


def test_period_shows_how_many_published_offers_overlap_it(client, viewer):
    period = AvailabilityPeriodFactory(
        discipline=discipline("Soins infirmiers"), start=datetime.date(2026, 12, 1), end=datetime.date(2026, 12, 15)
    )
    within = {"period_start": datetime.date(2026, 12, 10), "period_end": datetime.date(2027, 1, 20)}
    make_offer(published=True, **within)  # no discipline: every discipline
    make_offer(published=True, disciplines=[discipline("Soins infirmiers"), discipline("Médecine")], **within)
    make_offer(published=True, disciplines=[discipline("Médecine")], **within)  # other discipline
    make_offer(**within)  # draft
    make_offer(published=True, period_start=datetime.date(2026, 12, 16), period_end=datetime.date(2027, 1, 20))
    response = client.get(URL, {"mois": "2026-12"})
    (bar,) = [bar for _s, bar in response.context["grid"].rows[0].lanes[0].cells if bar]
    assert bar.period.pk == period.pk
    assert bar.period.published_offer_count == 2
    assert "2 offres publiées chevauchent cette période" in response.content.decode()


@freeze_time("2026-12-10 10:00")
def test_month_with_5000_periods_runs_a_constant_number_of_queries(client):
    login(client)
    StructureFactory.create_batch(3, institute=True)
    make_offer(published=True, period_start=datetime.date(2026, 12, 1), period_end=datetime.date(2026, 12, 31))
    demo.generate(1)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        small = client.get(URL)
    demo.generate(4999)
    assert AvailabilityPeriod.objects.count() == 5000
    with CaptureQueriesContext(connection) as many:
        large = client.get(URL)
    assert large.status_code == 200
    # The month has thousands of lines (lanes); the page shows one page of them.
    assert large.context["page"].paginator.count > 1000
    assert 0 < len(bars(large)) <= 4 * CalendarView.lines_per_page
    assert len(many) == len(few), [q["sql"] for q in many]
    assert small.status_code == 200
    assert Structure.objects.institutes().count() == 3


def test_periods_of_institutes_no_longer_active_are_hidden(client, viewer):
    shown = AvailabilityPeriodFactory(start=datetime.date(2026, 12, 1), end=datetime.date(2026, 12, 5))
    AvailabilityPeriodFactory(
        institute=StructureFactory(institute=True, refused=True),
        start=datetime.date(2026, 12, 1),
        end=datetime.date(2026, 12, 5),
    )
    assert bars(client.get(URL, {"mois": "2026-12"})) == [shown.pk]


@freeze_time("2026-12-10 10:00")
def test_month_picker_shows_the_current_month(client):
    login(client)
    html = client.get(URL).content.decode()
    assert 'type="month" name="mois" value="2026-12"' in html


def test_institutes_of_the_month_list_the_disciplines_they_teach(client, viewer):
    """In the order of their names; "not specified" for a profile naming none; nothing without a
    profile; only the institutes with a period in the month."""
    from calendars.models import InstituteProfile

    dates = {"start": datetime.date(2026, 12, 1), "end": datetime.date(2026, 12, 3)}
    pau = StructureFactory(institute=True, name="IFSI de Pau", postcode="64000", city="Pau")
    tarbes = StructureFactory(institute=True, name="IFMK de Tarbes", postcode="65000", city="Tarbes")
    dax = StructureFactory(institute=True, name="IFAS de Dax", postcode="40100", city="Dax")
    StructureFactory(institute=True, name="IFSI sans période")
    InstituteProfile.objects.create(structure=pau).disciplines.set(
        [discipline("Soins infirmiers"), discipline("Maïeutique")]
    )
    InstituteProfile.objects.create(structure=tarbes)
    for institute in (pau, tarbes, dax):
        AvailabilityPeriodFactory(institute=institute, **dates)
    html = client.get(URL, {"mois": "2026-12"}).content.decode()
    items = re.findall(r"<li>\s*(.*?)\s*</li>", html[html.index('<ul class="sses-cal-institutes">') :], re.S)
    assert [re.sub(r"\s+", " ", item) for item in items] == [
        "<strong>IFAS de Dax</strong>, Dax (40 – Landes)",
        "<strong>IFMK de Tarbes</strong>, Tarbes (65 – Hautes-Pyrénées) — disciplines enseignées : non précisées",
        "<strong>IFSI de Pau</strong>, Pau (64 – Pyrénées-Atlantiques) — disciplines enseignées : "
        "Maïeutique, Soins infirmiers",
    ]
