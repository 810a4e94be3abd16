"""The regional statistics, each as a `Table` that the admin page shows and exports as CSV.

Every table is computed in a constant number of aggregate queries, from the same QuerySets as the
lists it summarises (`Offer.objects.with_state()`, `Offer.objects.published()`,
`AvailabilityPeriod.objects.visible()`), so that its figures equal the counts of those lists.
"""

import csv
import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.departements import DEPARTEMENTS
from accounts.models import Structure
from calendars.forms import MONTH_FORMAT
from calendars.models import AvailabilityPeriod
from offers.models import Offer, OfferState, Theme, add_months


class Cell:
    def __init__(self, value, url=None):
        self.value = value
        self.url = url

    def __str__(self):
        return str(self.value)


class Table:
    """A titled table: `rows` are lists whose first item is the row header; `totals` the footer row."""

    def __init__(self, slug, title, headers, rows, totals=None, chart=None, description=""):
        self.slug = slug
        self.title = title
        self.description = description
        self.headers = headers
        self.rows = [[cell if isinstance(cell, Cell) else Cell(cell) for cell in row] for row in rows]
        self.totals = [cell if isinstance(cell, Cell) else Cell(cell) for cell in totals] if totals else None
        self.chart = chart or []

    def csv_response(self):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="statistiques-{self.slug}.csv"'
        response.write("\ufeff")  # so that spreadsheet software reads the accents as UTF-8
        writer = csv.writer(response)
        writer.writerow(self.headers)
        for row in self.rows + ([self.totals] if self.totals else []):
            writer.writerow([cell.value for cell in row])
        return response


class Bar:
    """One bar of a chart: `percent` of the widest bar of its chart."""

    def __init__(self, label, value, maximum, unit=""):
        self.label = label
        self.value = value
        self.percent = round(100 * value / maximum, 1) if maximum else 0
        self.unit = unit


def bars(items):
    """[(label, value), …] → bars scaled to the largest value."""
    maximum = max((value for _label, value in items), default=0)
    return [Bar(label, value, maximum) for label, value in items]


def offers_list_url(**filters):
    url = reverse("wagtailsnippets_offers_offer:list")
    filters = {name: value for name, value in filters.items() if value not in (None, "")}
    return f"{url}?{urlencode(filters)}" if filters else url


def offers_by_state():
    counts = dict(Offer.objects.with_state().order_by().values_list("state").annotate(n=Count("pk")))
    rows = [
        [state.label, Cell(counts.get(state.value, 0), offers_list_url(state=state.value))] for state in OfferState
    ]
    total = sum(counts.values())
    return Table(
        "offres-par-etat",
        _("Offers by state"),
        [_("State"), _("Offers")],
        rows,
        totals=[_("Total"), Cell(total, offers_list_url())],
        chart=bars([(state.label, counts.get(state.value, 0)) for state in OfferState]),
    )


def offers_by_department_and_theme(state=None):
    """Offers (in `state`, or all) per département × thématique; only the rows and columns with offers."""
    offers = Offer.objects.in_state(state) if state else Offer.objects.all()
    counts = {
        (row["department"], row["theme_id"]): row["n"]
        for row in offers.order_by().values("department", "theme_id").annotate(n=Count("pk"))
    }
    theme_ids = {theme_id for _department, theme_id in counts}
    themes = [theme for theme in Theme.objects.order_by("name") if theme.pk in theme_ids]
    departments = [(code, name) for code, name in DEPARTEMENTS if any(key[0] == code for key in counts)]
    rows = []
    department_totals = []
    for code, name in departments:
        label = f"{code} – {name}"
        row = [label]
        for theme in themes:
            count = counts.get((code, theme.pk), 0)
            row.append(Cell(count, offers_list_url(state=state, department=code, theme=theme.pk) if count else None))
        total = sum(counts.get((code, theme.pk), 0) for theme in themes)
        row.append(Cell(total, offers_list_url(state=state, department=code)))
        rows.append(row)
        department_totals.append((label, total))
    theme_totals = [sum(counts.get((code, theme.pk), 0) for code, _name in departments) for theme in themes]
    totals = [_("Total")]
    totals += [
        Cell(n, offers_list_url(state=state, theme=theme.pk)) for theme, n in zip(themes, theme_totals, strict=True)
    ]
    totals.append(Cell(sum(theme_totals), offers_list_url(state=state)))
    return Table(
        "offres-par-departement-et-thematique",
        _("Offers by département and theme"),
        [_("Département")] + [theme.name for theme in themes] + [_("Total")],
        rows,
        totals=totals if rows else None,
        chart=bars(department_totals),
    )


def structures_by_type():
    counts = {
        (row["kind"], row["offerer_type"], row["status"]): row["n"]
        for row in Structure.objects.order_by().values("kind", "offerer_type", "status").annotate(n=Count("pk"))
    }
    kinds = [(Structure.Kind.OFFERER, value, label) for value, label in Structure.OffererType.choices]
    kinds.append((Structure.Kind.OFFERER, "", _("Offerer of unspecified type")))
    kinds.append((Structure.Kind.TRAINING_INSTITUTE, None, Structure.Kind.TRAINING_INSTITUTE.label))
    statuses = Structure.Status

    def count(kind, offerer_type, status):
        if offerer_type is None:  # every training institute, whatever its (empty) offerer type
            return sum(n for (k, _t, s), n in counts.items() if k == kind and s == status)
        return counts.get((kind, offerer_type, status), 0)

    rows = []
    for kind, offerer_type, label in kinds:
        values = [count(kind, offerer_type, status) for status in statuses]
        if kind == Structure.Kind.OFFERER and offerer_type == "" and not any(values):
            continue
        rows.append([label, *values, sum(values)])
    list_url = reverse("sses_accounts:structure_index")
    status_totals = [sum(n for (_k, _t, s), n in counts.items() if s == status) for status in statuses]
    totals = [_("Total")]
    totals += [Cell(n, f"{list_url}?status={status.value}") for status, n in zip(statuses, status_totals, strict=True)]
    totals.append(Cell(sum(status_totals), f"{list_url}?status=all"))
    return Table(
        "structures-par-type",
        _("Structures by type"),
        [_("Type")] + [capfirst(status.label) for status in statuses] + [_("Total")],
        rows,
        totals=totals,
        chart=bars([(row[0], row[-1]) for row in rows]),
    )


def month_bounds(first_month, months):
    for index in range(months):
        start = add_months(first_month, index)
        yield start, add_months(start, 1) - datetime.timedelta(days=1)


def students_and_offers_by_month(first_month, months=12):
    """Per month: students available (calendar periods overlapping the month) against the published
    offers whose hosting period overlaps the month, and the places those offers announce."""
    bounds = list(month_bounds(first_month, months))
    students = AvailabilityPeriod.objects.visible().aggregate(
        **{
            f"m{index}": Sum("student_count", filter=Q(start__lte=end, end__gte=start))
            for index, (start, end) in enumerate(bounds)
        }
    )
    offer_figures = Offer.objects.published().aggregate(
        **{
            f"{kind}{index}": aggregate(field, filter=Q(period_start__lte=end, period_end__gte=start))
            for index, (start, end) in enumerate(bounds)
            for kind, aggregate, field in (("n", Count, "pk"), ("p", Sum, "student_count"))
        }
    )
    calendar_url = reverse("calendars_admin:calendar")
    rows = []
    chart = []
    for index, (start, _end) in enumerate(bounds):
        label = capfirst(date_format(start, "F Y"))
        available = students[f"m{index}"] or 0
        places = offer_figures[f"p{index}"] or 0
        rows.append(
            [
                Cell(label, f"{calendar_url}?mois={start.strftime(MONTH_FORMAT)}"),
                available,
                offer_figures[f"n{index}"],
                places,
            ]
        )
        chart.append((label, available, places))
    maximum = max([value for _label, *values in chart for value in values], default=0)
    return Table(
        "etudiants-et-offres-par-mois",
        _("Students available and offers open, by month"),
        [_("Month"), _("Students available"), _("Published offers"), _("Places offered")],
        rows,
        chart=[(label, Bar(_("Students"), a, maximum), Bar(_("Places"), p, maximum)) for label, a, p in chart],
        description=_(
            "Students: the calendar's availability periods (active training institutes) overlapping the month. "
            "Offers: the offers published today whose hosting period overlaps the month, and the number of "
            "students they host."
        ),
    )


def default_first_month():
    return timezone.localdate().replace(day=1)
