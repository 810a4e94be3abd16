"""The month view a page of lines at a time: a row (institute × discipline) stacks its periods in
lanes, one table line each, and a page shows `CalendarView.lines_per_page` lines, with French
labels, links that keep the month and the filters, and the same queries on every page."""

import datetime
import random
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from accounts.roles import Role
from calendars import demo
from calendars.grid import MonthGrid, RowLanes
from calendars.models import AvailabilityPeriod
from calendars.views import CalendarView
from offers.models import Discipline
from tests.factories.accounts import StructureFactory, UserFactory
from tests.factories.calendars import AvailabilityPeriodFactory, make_offer

pytestmark = pytest.mark.django_db

URL = "/admin/calendrier/"
PER_PAGE = CalendarView.lines_per_page
DECEMBER = {"start": datetime.date(2026, 12, 1), "end": datetime.date(2026, 12, 5)}


def discipline(name):
    return Discipline.objects.get(name=name)


@pytest.fixture
def viewer(client):
    user = UserFactory(roles=[Role.OFFER_VIEWER])
    client.force_login(user)
    return user


def bars(response):
    return [int(pk) for pk in re.findall(r'data-period="(\d+)"', response.content.decode())]


def table_lines(response):
    """The <tr> of the grid's body (the header line excluded)."""
    html = response.content.decode()
    table = html[html.index('<table class="sses-cal"') :]
    return table[table.index("</thead>") : table.index("</table>")].count("<tr>")


def links(html):
    return [href.replace("&amp;", "&") for href in re.findall(r'href="\?([^"]*)"', html)]


@pytest.fixture
def one_crowded_row():
    """PER_PAGE + 5 periods of one institute and discipline on the same days: as many lanes."""
    institute = StructureFactory(institute=True, name="IFSI de Pau", postcode="64000", city="Pau")
    return [
        AvailabilityPeriodFactory(institute=institute, discipline=discipline("Soins infirmiers"), **DECEMBER).pk
        for _index in range(PER_PAGE + 5)
    ]


def test_a_page_shows_a_slice_of_the_lines_and_the_next_page_the_following_ones(client, viewer, one_crowded_row):
    first = client.get(URL, {"mois": "2026-12"})
    second = client.get(URL, {"mois": "2026-12", "p": "2"})
    assert first.status_code == second.status_code == 200
    assert bars(first) == one_crowded_row[:PER_PAGE]  # one bar per lane, in the order of the lanes
    assert bars(second) == one_crowded_row[PER_PAGE:]
    assert (table_lines(first), table_lines(second)) == (PER_PAGE, 5)
    first_html, second_html = first.content.decode(), second.content.decode()
    assert f"Lignes 1 à {PER_PAGE} sur {PER_PAGE + 5}" in first_html
    assert f"Lignes {PER_PAGE + 1} à {PER_PAGE + 5} sur {PER_PAGE + 5}" in second_html
    assert "Page 1 sur 2" in first_html and "Page 2 sur 2" in second_html
    assert "Page suivante" in first_html and "Page précédente" not in first_html
    assert "Page précédente" in second_html and "Page suivante" not in second_html
    # The row's heading is repeated on the second page, and says where the row goes on.
    assert "IFSI de Pau" in second_html and "Pau (64)" in second_html
    assert "suite à la page suivante" in first_html and "suite de la page précédente" not in first_html
    assert "suite de la page précédente" in second_html and "suite à la page suivante" not in second_html
    (row,) = second.context["grid"].rows
    assert row.continued and not row.continues and len(row.lanes) == 5


def test_page_links_keep_the_month_and_the_filters_and_other_links_go_back_to_the_first_page(
    client, viewer, one_crowded_row
):
    html = client.get(URL, {"mois": "2026-12", "departement": "64", "p": "2"}).content.decode()
    hrefs = links(html)
    previous = [href for href in hrefs if "p=1" in href.split("&")]
    assert previous and all("mois=2026-12" in href and "departement=64" in href for href in previous)
    # Month navigation and export keep the filters and start again at the first page.
    assert "mois=2027-01&departement=64" in hrefs
    assert "mois=2026-11&departement=64" in hrefs
    assert not [href for href in hrefs if "mois=2027-01" in href and "p=" in href]
    assert "export.ics?mois=2026-12&amp;departement=64" in html
    # The filter form does not send the page: filtering starts at the first page.
    form = html[html.index('<form method="get"') : html.index("</form>")]
    assert 'name="p"' not in form
    # Filters apply to every page: another département has no line.
    assert bars(client.get(URL, {"mois": "2026-12", "departement": "33", "p": "2"})) == []


@pytest.mark.parametrize("page", ["99", "0", "-1", "abc", "", "2.5", "99999999999999999999999"])
def test_any_page_parameter_answers_a_page(client, viewer, one_crowded_row, page):
    response = client.get(URL, {"mois": "2026-12", "p": page})
    assert response.status_code == 200
    shown = bars(response)
    assert shown in (one_crowded_row[:PER_PAGE], one_crowded_row[PER_PAGE:])


def test_a_page_beyond_the_last_shows_the_last(client, viewer, one_crowded_row):
    response = client.get(URL, {"mois": "2026-12", "p": "99"})
    assert bars(response) == one_crowded_row[PER_PAGE:]
    assert "Page 2 sur 2" in response.content.decode()


def test_a_single_page_has_no_page_links_and_an_empty_month_keeps_its_message(client, viewer):
    period = AvailabilityPeriodFactory(**DECEMBER)
    html = client.get(URL, {"mois": "2026-12"}).content.decode()
    assert bars(client.get(URL, {"mois": "2026-12"})) == [period.pk]
    assert "Ligne 1 sur 1" in html
    assert "Page suivante" not in html and "Page 1 sur 1" not in html
    empty = client.get(URL, {"mois": "2027-03", "p": "3"}).content.decode()
    assert "Aucune période de disponibilité ce mois-ci pour ces filtres." in empty
    assert "Lignes" not in empty and "Page suivante" not in empty


def test_rows_follow_institute_then_discipline_names_across_pages(client, viewer):
    """The rows keep the order they had before pages (names, then keys), whatever the creation order."""
    zola = StructureFactory(institute=True, name="Zola formation")
    abel = StructureFactory(institute=True, name="Abel formation")
    for institute in (zola, abel):
        for name in ("Soins infirmiers", "Médecine"):
            for _index in range(PER_PAGE // 2 + 1):  # more than half a page each
                AvailabilityPeriodFactory(institute=institute, discipline=discipline(name), **DECEMBER)
    seen = []
    for page in (1, 2, 3):
        for row in client.get(URL, {"mois": "2026-12", "p": page}).context["grid"].rows:
            key = (row.institute.name, row.discipline.name)
            if not seen or seen[-1] != key:
                seen.append(key)
    assert seen == [
        ("Abel formation", "Médecine"),
        ("Abel formation", "Soins infirmiers"),
        ("Zola formation", "Médecine"),
        ("Zola formation", "Soins infirmiers"),
    ]


def test_first_and_last_page_links_when_far_from_them(client, viewer):
    institute = StructureFactory(institute=True)
    AvailabilityPeriod.objects.bulk_create(
        AvailabilityPeriod(
            institute=institute, discipline=discipline("Soins infirmiers"), student_count=3, modalities=[], **DECEMBER
        )
        for _index in range(PER_PAGE * 5)
    )
    html = client.get(URL, {"mois": "2026-12", "p": "3"}).content.decode()
    assert "Première page" in html and "Dernière page" in html
    hrefs = links(html)
    assert {"mois=2026-12&p=1", "mois=2026-12&p=2", "mois=2026-12&p=4", "mois=2026-12&p=5"} <= set(hrefs)
    assert f"Lignes {PER_PAGE * 2 + 1} à {PER_PAGE * 3} sur {PER_PAGE * 5}" in html
    assert "Page 3 sur 5" in html
    # Next to the first or last page, the previous or next link is enough.
    second = client.get(URL, {"mois": "2026-12", "p": "2"}).content.decode()
    assert "Première page" not in second and "Dernière page" in second


@freeze_time("2026-12-10 10:00")
def test_queries_are_the_same_at_10_and_2000_periods_on_every_page(client):
    client.force_login(UserFactory(roles=[Role.REGIONAL_ADMIN]))
    StructureFactory.create_batch(3, institute=True)
    make_offer(published=True, period_start=datetime.date(2026, 12, 1), period_end=datetime.date(2026, 12, 31))
    demo.generate(10)
    client.get(URL)  # warm the process-level caches

    shown = {}

    def count(**params):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, params)
        assert response.status_code == 200
        shown[params.get("p")] = bars(response)
        assert shown[params.get("p")]
        return len(queries), [query["sql"] for query in queries]

    few, few_sql = count()
    demo.generate(1990)
    for params in ({}, {"p": "2"}, {"p": "5"}, {"p": "9999"}):
        many, many_sql = count(**params)
        assert many == few, "\n".join(many_sql)
    assert len({tuple(pks) for pks in shown.values()}) == 4  # four different pages


@freeze_time("2026-12-10 10:00")
def test_a_page_at_2000_periods_weighs_little(client):
    """Before pages, 2,000 periods made about 1,500 bars and a 1 MB page."""
    client.force_login(UserFactory(roles=[Role.OFFER_VIEWER]))
    StructureFactory.create_batch(3, institute=True)
    demo.generate(2000)
    response = client.get(URL)
    assert table_lines(response) == PER_PAGE
    assert len(bars(response)) <= PER_PAGE * 4  # one lane has few bars: periods last days or weeks
    assert len(response.content) < 120_000
    assert response.context["page"].paginator.count > 10 * PER_PAGE


def test_lanes_are_first_fit_in_order_of_start():
    """The heap-based stacking puts each period in the first lane free on its first day, as a
    lane-by-lane search would."""
    rng = random.Random(10)
    day = datetime.date(2026, 12, 1)
    for _trial in range(50):
        entries = []
        for pk in range(rng.randrange(1, 60)):
            start = day + datetime.timedelta(days=rng.randrange(0, 31))
            entries.append((pk, start, start + datetime.timedelta(days=rng.randrange(0, 10))))
        entries.sort(key=lambda entry: (entry[1], entry[0]))
        expected = []
        for entry in entries:
            for lane in expected:
                if lane[-1][2] < entry[1]:
                    lane.append(entry)
                    break
            else:
                expected.append([entry])
        row = RowLanes((1, 1))
        for pk, start, end in entries:
            row.add(pk, start, end)
        assert [line.pks for line in row.lines(0, row.count)] == [[pk for pk, _s, _e in lane] for lane in expected]
        assert [line.pks for line in row.lines(1, 3)] == [[pk for pk, _s, _e in lane] for lane in expected[1:3]]


def test_a_period_deleted_between_the_layout_and_the_page_is_left_out():
    """The layout and the page's periods are two queries: an institute may delete a period between them."""
    institute = StructureFactory(institute=True)
    kept, deleted = (AvailabilityPeriodFactory(institute=institute, **DECEMBER) for _index in range(2))
    grid = MonthGrid(datetime.date(2026, 12, 1), today=datetime.date(2026, 12, 10))
    grid.lay_out(
        AvailabilityPeriod.objects.order_by("institute_id", "discipline_id", "start", "pk").values_list(
            "pk", "institute_id", "discipline_id", "start", "end"
        )
    )
    grid.order_rows(lambda key: key)
    deleted.delete()
    periods = AvailabilityPeriod.objects.in_bulk()
    (row,) = grid.fill_lines(
        grid.lines[0:10], periods, {institute.pk: institute}, {kept.discipline_id: kept.discipline}
    )
    assert [[bar.period.pk for _span, bar in lane.cells if bar] for lane in row.lanes] == [[kept.pk], []]
    assert [sum(span for span, _bar in lane.cells) for lane in row.lanes] == [31, 31]
