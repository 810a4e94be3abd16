"""The calendar month at scale: offer counts without a per-period subquery, pre-rendered cells
(escaped, same texts), and the render time at 5,000 periods (printed, not asserted)."""

import datetime
import random
import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from accounts.roles import Role
from calendars import demo
from calendars.grid import annotate_published_offer_counts
from calendars.models import AvailabilityPeriod
from calendars.views import CalendarView
from offers.models import Discipline, Offer
from tests.factories.accounts import StructureFactory, UserFactory
from tests.factories.calendars import AvailabilityPeriodFactory, make_offer

pytestmark = pytest.mark.django_db
URL = "/admin/calendrier/"


def login(client):
    """Inside the test: a session opened before `freeze_time` would have expired."""
    client.force_login(UserFactory(roles=[Role.OFFER_VIEWER]))


def test_offer_counts_agree_with_the_sql_annotation():
    rng = random.Random(7)
    disciplines = list(Discipline.objects.all())
    structure = StructureFactory()
    day = datetime.date(2026, 12, 1)
    for index in range(40):
        start = day + datetime.timedelta(days=rng.randrange(-40, 40))
        make_offer(
            structure=structure,
            published=index % 4 != 0,
            disciplines=rng.sample(disciplines, rng.randrange(0, 3)),
            period_start=start,
            period_end=start + datetime.timedelta(days=rng.randrange(0, 30)),
        )
    institute = StructureFactory(institute=True)
    for _index in range(60):
        start = day + datetime.timedelta(days=rng.randrange(-10, 40))
        AvailabilityPeriodFactory(
            institute=institute,
            discipline=rng.choice(disciplines),
            start=start,
            end=start + datetime.timedelta(days=rng.randrange(0, 20)),
        )
    AvailabilityPeriodFactory(institute=institute, start=day + datetime.timedelta(days=300))  # no offer then
    expected = dict(AvailabilityPeriod.objects.with_published_offer_count().values_list("pk", "published_offer_count"))
    assert any(expected.values()) and not all(expected.values())
    with CaptureQueriesContext(connection) as queries:
        periods = annotate_published_offer_counts(list(AvailabilityPeriod.objects.all()), Offer.objects.published())
    assert {period.pk: period.published_offer_count for period in periods} == expected
    assert len(queries) == 3  # the periods; the offers of these dates with their disciplines; the published ones


def test_counting_an_empty_month_runs_no_offer_query():
    with CaptureQueriesContext(connection) as queries:
        assert annotate_published_offer_counts([], Offer.objects.published()) == []
    assert len(queries) == 0


@freeze_time("2026-12-10 10:00")
def test_pre_rendered_cells_escape_names_and_comments(client):
    login(client)
    institute = StructureFactory(institute=True, name="IFSI <b>Pau</b>")
    AvailabilityPeriodFactory(
        institute=institute,
        start=datetime.date(2026, 12, 7),
        end=datetime.date(2026, 12, 9),
        comment='<script>alert("x")</script>',
        modalities=[],
        student_count=1,
    )
    html = client.get(URL).content.decode()
    assert "<script>alert" not in html and "<b>Pau</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "IFSI &lt;b&gt;Pau&lt;/b&gt; – Soins infirmiers" in html
    assert "Modalités : non précisées" in html or "Modalités : non précisé" in html
    assert "1 étudiant</div>" in html
    assert "Aucune offre publiée ne chevauche encore cette période." in html


@freeze_time("2026-12-10 10:00")
def test_bar_continuing_from_and_into_other_months_with_offer_count(client):
    login(client)
    period = AvailabilityPeriodFactory(start=datetime.date(2026, 11, 20), end=datetime.date(2027, 1, 5))
    make_offer(published=True, period_start=datetime.date(2026, 12, 1), period_end=datetime.date(2026, 12, 2))
    html = client.get(URL).content.decode()
    bar = re.search(rf'<div class="([^"]*)"[^>]*data-period="{period.pk}">([^<]*)</div>', html)
    assert bar.group(1) == "sses-cal-bar sses-cal-continues-before sses-cal-continues-after"
    assert bar.group(2) == "12 étudiants · 1 offre"
    assert "1 offre publiée chevauche cette période" in html
    assert "Du 20 novembre 2026 au 5 janvier 2027" in html


def test_render_time_at_5000_periods(client, capsys):
    """A measure for the report (printed), plus the page weight per bar and per page (asserted):
    the month has thousands of lines, the page shows one page of them."""
    login(client)
    StructureFactory.create_batch(10, institute=True)
    demo.generate(5000)
    client.get(URL)
    started = time.perf_counter()
    response = client.get(URL)
    elapsed = time.perf_counter() - started
    bars = response.content.decode().count("data-period=")
    assert response.context["page"].paginator.count > 1000
    assert 0 < bars <= 4 * CalendarView.lines_per_page
    html = response.content.decode()
    table = html[html.index('<table class="sses-cal"') : html.index("</table>", html.index('<table class="sses-cal"'))]
    assert len(table.encode()) / bars < 1200
    assert len(response.content) < 150_000  # 2.2 MB before pages
    # Thousands of lines, counted the French way ("1 972", with a no-break space).
    lines = response.context["page"].paginator.count
    assert f"Lignes 1 à {CalendarView.lines_per_page} sur {lines // 1000}\xa0{lines % 1000:03d}" in html
    with capsys.disabled():
        print(f"\ncalendar month: {bars} bars, {len(response.content) / 1e6:.2f} MB, rendered in {elapsed:.2f} s")
