"""The month view's layout: one row per institute × discipline, one column per day, periods as bars.

A row's periods stack in lanes (one table line each); the page shows a slice of those lines. The
layout of every line is computed from a light list of (pk, row, dates); only the periods of the
shown lines are then loaded in full, counted against the published offers and rendered."""

import calendar
import datetime
import heapq
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape  # Django's escape() is this, behind a lazy-string check per call
from itertools import accumulate, groupby

from django.utils.dates import MONTHS, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext


def add_months(month, delta):
    """The first day of the month `delta` months after `month` (December + 1 → January)."""
    index = month.year * 12 + month.month - 1 + delta
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass
class Bar:
    period: object
    first_day: int
    span: int
    starts_before: bool
    ends_after: bool


@dataclass
class Lane:
    """One line of a row: bars that do not overlap, with the empty days between them."""

    cells: list = field(default_factory=list)  # (colspan, Bar or None)
    last_day: int = 0
    html: str = ""  # the row's <td> cells, set by MonthGrid.render()

    def add(self, bar):
        if bar.first_day > self.last_day + 1:
            self.cells.append((bar.first_day - self.last_day - 1, None))
        self.cells.append((bar.span, bar))
        self.last_day = bar.first_day + bar.span - 1

    def close(self, day_count):
        if self.last_day < day_count:
            self.cells.append((day_count - self.last_day, None))


@dataclass
class Row:
    """An institute × discipline, with those of its lanes that the page shows."""

    institute: object
    discipline: object
    lanes: list = field(default_factory=list)
    continued: bool = False  # its first lanes are on the previous page
    continues: bool = False  # its last lanes are on the next page


@dataclass
class Line:
    """One lane of a row, before its periods are loaded: their primary keys, in order of start."""

    key: tuple  # (institute_id, discipline_id)
    index: int  # the lane's rank in its row, from 0
    last: bool  # the row's last lane
    pks: list


class RowLanes:
    """The lanes of one row, stacked as its periods arrive in order of start (then pk): first fit,
    each period in the first lane free on its first day. Free lanes are taken lowest first from a
    heap, busy ones are freed in order of end: n log n for a row of n periods.

    Only integers are kept (the dates as ordinals, a busy lane as end << 20 | lane): at 5,000
    periods, the thousands of small tuples the layout used to keep for the length of a request
    made Python's garbage collector run full collections, ~200 ms each, every few requests."""

    __slots__ = ("key", "pks", "lanes", "count", "busy", "free")
    SHIFT = 20
    MASK = (1 << SHIFT) - 1

    def __init__(self, key):
        self.key = key
        self.pks, self.lanes = [], []  # the periods and their lanes, in order of start
        self.count = 0  # lanes
        self.busy, self.free = [], []

    def add(self, pk, start, end):
        start = start.toordinal()
        busy, free = self.busy, self.free
        while busy and busy[0] >> self.SHIFT < start:
            heapq.heappush(free, heapq.heappop(busy) & self.MASK)
        if free:
            lane = heapq.heappop(free)
        else:
            lane = self.count
            self.count += 1
        heapq.heappush(busy, end.toordinal() << self.SHIFT | lane)
        self.pks.append(pk)
        self.lanes.append(lane)

    def lines(self, first, stop):
        """The row's lanes first..stop - 1 (those that exist)."""
        stop = min(stop, self.count)
        pks = [[] for _lane in range(first, stop)]
        for pk, lane in zip(self.pks, self.lanes, strict=True):
            if first <= lane < stop:
                pks[lane - first].append(pk)
        return [
            Line(self.key, lane, lane == self.count - 1, lane_pks) for lane, lane_pks in enumerate(pks, start=first)
        ]


class Lines(Sequence):
    """Every line of the month, row after row: what a Paginator slices; the Line objects are
    built for the slice only."""

    def __init__(self, rows):
        self.rows = rows
        self.offsets = list(accumulate((row.count for row in rows), initial=0))

    def __len__(self):
        return self.offsets[-1]

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1 if index != -1 else None][0]
        start, stop, _step = index.indices(len(self))
        lines = []
        for row, offset in zip(self.rows, self.offsets, strict=False):  # offsets: one more, the total
            first, last = max(start - offset, 0), min(stop - offset, row.count)
            if first < last:
                lines.extend(row.lines(first, last))
        return lines


class MonthGrid:
    def __init__(self, month, today):
        self.first_day = month.replace(day=1)
        self.day_count = calendar.monthrange(month.year, month.month)[1]
        self.last_day = self.first_day.replace(day=self.day_count)
        self.today = today
        self.row_lanes = []
        self.lines = Lines([])
        self.rows = []

    @property
    def days(self):
        return [self.first_day + datetime.timedelta(days=offset) for offset in range(self.day_count)]

    @property
    def today_in_month(self):
        return self.first_day <= self.today <= self.last_day

    def head_html(self):
        """The day columns and their headings: `<col>`s for the colgroup, `<th>`s for the head line
        (the template's loop spent 3 ms on its 62 date filters)."""
        columns, headings = [], []
        month = escape(str(MONTHS[self.first_day.month]))
        for day in self.days:
            weekday = day.weekday()
            today = day == self.today
            columns.append('<col class="sses-cal-today">' if today else "<col>")
            attributes = ' class="sses-cal-today" aria-current="date"' if today else ""
            if weekday >= 5:
                attributes += " data-weekend"
            title = f"{escape(str(WEEKDAYS[weekday]))} {day.day} {month} {day.year}"
            headings.append(
                f'<th scope="col"{attributes}><abbr title="{title}">'
                f"{escape(str(WEEKDAYS_ABBR[weekday])[:1])}<br>{day.day}</abbr></th>"
            )
        return {"columns": mark_safe("".join(columns)), "headings": mark_safe("\n".join(headings))}

    def lay_out(self, entries):
        """Stack the month's periods in lanes, row by row, from (pk, institute_id, discipline_id,
        start, end) rows sorted by row, start and pk (an iterator: they are not kept)."""
        self.row_lanes = []
        row = institute = discipline = None
        for pk, institute_id, discipline_id, start, end in entries:
            if institute_id != institute or discipline_id != discipline:
                institute, discipline = institute_id, discipline_id
                row = RowLanes((institute_id, discipline_id))
                self.row_lanes.append(row)
            row.add(pk, start, end)
        return self.row_lanes

    def order_rows(self, row_order):
        """Put the rows in the order of `row_order((institute_id, discipline_id))`; `self.lines`."""
        self.row_lanes.sort(key=lambda row: row_order(row.key))
        self.lines = Lines(self.row_lanes)
        return self.lines

    def fill_lines(self, lines, periods, institutes, disciplines):
        """The rows of some lines (a page), with their loaded periods: `periods`, `institutes`
        and `disciplines` map primary keys to objects. What was deleted since the layout was
        read is left out."""
        self.rows = []
        for key, row_lines in groupby(lines, key=lambda line: line.key):
            row_lines = list(row_lines)
            institute, discipline = institutes.get(key[0]), disciplines.get(key[1])
            if institute is None or discipline is None:
                continue
            row = Row(
                institute,
                discipline,
                continued=row_lines[0].index > 0,
                continues=not row_lines[-1].last,
            )
            for line in row_lines:
                lane = Lane()
                for pk in line.pks:
                    if (period := periods.get(pk)) is not None:
                        lane.add(self.bar(period))
                lane.close(self.day_count)
                row.lanes.append(lane)
            self.rows.append(row)
        return self.rows

    def bar(self, period):
        first = max(period.start, self.first_day)
        last = min(period.end, self.last_day)
        return Bar(
            period=period,
            first_day=first.day,
            span=(last - first).days + 1,
            starts_before=period.start < self.first_day,
            ends_after=period.end > self.last_day,
        )

    def render(self):
        """Pre-render every lane's cells in one pass (see CellRenderer), for the template to print."""
        renderer = CellRenderer()
        for row in self.rows:
            heading = f"{escape(row.institute.name)} – {escape(row.discipline.name)}"
            for lane in row.lanes:
                lane.html = mark_safe("".join(renderer.cell(span, bar, heading) for span, bar in lane.cells))
        return self.rows


class CellRenderer:
    """The HTML of the month view's cells, built with string formatting: at 5,000 periods the
    template language spent seconds on the per-bar tags (translations, date filters, loops). The
    markup and the translated texts are those the template had; the translations, dates and
    modality labels are computed once per distinct value."""

    def __init__(self):
        from calendars.models import Modality

        self.modalities = [(value, str(label)) for value, label in Modality.choices]
        self.cache = {}

    def memo(self, key, compute):
        try:
            return self.cache[key]
        except KeyError:
            value = self.cache[key] = compute()
            return value

    def students(self, count):
        return self.memo(
            ("students", count),
            lambda: escape(ngettext("%(counter)s student", "%(counter)s students", count) % {"counter": count}),
        )

    def offers(self, count):
        return self.memo(
            ("offers", count),
            lambda: escape(ngettext("%(counter)s offer", "%(counter)s offers", count) % {"counter": count}),
        )

    def overlapping(self, count):
        if not count:
            return self.memo("no-offer", lambda: escape(gettext("No published offer overlaps this period yet.")))
        return self.memo(
            ("overlapping", count),
            lambda: escape(
                ngettext(
                    "%(counter)s published offer overlaps this period",
                    "%(counter)s published offers overlap this period",
                    count,
                )
                % {"counter": count}
            ),
        )

    def date(self, day):
        """`date_format(day, "j F Y")` without the format parser (50 µs a date)."""
        return self.memo(("date", day), lambda: f"{day.day} {self.month_name(day.month)} {day.year}")

    def month_name(self, month):
        return self.memo(("month", month), lambda: str(MONTHS[month]))

    def dates(self, start, end):
        template = self.memo("from-to", lambda: gettext("From %(start)s to %(end)s"))
        return escape(template % {"start": self.date(start), "end": self.date(end)})

    def modalities_text(self, values):
        values = tuple(values or ())

        def compute():
            # (gettext outside f-strings: makemessages does not read inside them)
            prefix, none = gettext("Modalities:"), gettext("not specified")
            labels = [label for value, label in self.modalities if value in values]
            return escape(f"{prefix} {', '.join(labels) if labels else none}")

        return self.memo(("modalities", values), compute)

    def comment(self, text):
        if not text:
            return ""
        prefix = self.memo("comment", lambda: escape(gettext("Comment:")))
        return f"<span>{prefix} {escape(text)}</span>"

    def cell(self, span, bar, heading):
        if bar is None:
            return f'<td colspan="{span}"></td>'
        period = bar.period
        pk = period.pk
        count = period.published_offer_count
        students = self.students(period.student_count)
        label = f"{students} · {self.offers(count)}" if count else students
        classes = "sses-cal-bar"
        if bar.starts_before:
            classes += " sses-cal-continues-before"
        if bar.ends_after:
            classes += " sses-cal-continues-after"
        return (
            f'<td colspan="{span}" class="sses-cal-cell">'
            f'<div class="{classes}" tabindex="0" aria-describedby="period-{pk}-details" data-period="{pk}">'
            f"{label}</div>"
            f'<div class="sses-cal-tooltip" role="tooltip" id="period-{pk}-details">'
            f"<strong>{heading}</strong>"
            f"<span>{self.dates(period.start, period.end)}</span>"
            f"<span>{students}</span>"
            f"<span>{self.modalities_text(period.modalities)}</span>"
            f"{self.comment(period.comment)}"
            f"<span>{self.overlapping(count)}</span>"
            "</div></td>"
        )


class OverlapCounter:
    """How many published offers overlap a period, for many periods at once, in two queries.

    An offer counts for a period when their dates share a day and the offer either names no
    discipline or names the period's. Per discipline, the offers' start and end dates are kept
    sorted: the offers overlapping start..end are those starting on or before `end`, less those
    ending before `start` (these start before `end` too), two binary searches per period instead
    of a correlated SQL subquery per period (60 s at 5,000 periods and 20,000 offers).

    The offers of the dates are read first, with their disciplines, on the index of the offers'
    dates; then `offers` (the published ones) tells which of them count, by primary key. In one
    query, a database without statistics (never analysed) joined every structure to its offers
    first, reading every live offer: 10-30 ms at 20,000 offers, against about 1 ms."""

    def __init__(self, offers, start, end):
        candidates = offers.model.objects.filter(period_start__lte=end, period_end__gte=start).order_by()
        # One row per offer and discipline (a LEFT JOIN: None for an offer naming no discipline).
        dates, disciplines_of = {}, defaultdict(list)
        for pk, offer_start, offer_end, discipline_id in candidates.values_list(
            "pk", "period_start", "period_end", "disciplines"
        ):
            dates[pk] = (offer_start, offer_end)
            if discipline_id is not None:
                disciplines_of[pk].append(discipline_id)
        counted = set(offers.filter(pk__in=list(dates)).order_by().values_list("pk", flat=True)) if dates else ()
        self.any_discipline = ([], [])
        self.by_discipline = defaultdict(lambda: ([], []))
        for pk, (offer_start, offer_end) in dates.items():
            if pk not in counted:
                continue
            keys = disciplines_of.get(pk)
            for starts, ends in [self.by_discipline[key] for key in keys] if keys else [self.any_discipline]:
                starts.append(offer_start)
                ends.append(offer_end)
        for starts, ends in [self.any_discipline, *self.by_discipline.values()]:
            starts.sort()
            ends.sort()

    def count(self, discipline_id, start, end):
        total = 0
        for starts, ends in (self.any_discipline, self.by_discipline.get(discipline_id, ((), ()))):
            total += bisect_right(starts, end) - bisect_left(ends, start)
        return total


def annotate_published_offer_counts(periods, offers):
    """Set `published_offer_count` on each period (a list), like `with_published_offer_count()`."""
    if not periods:
        return periods
    counter = OverlapCounter(offers, min(p.start for p in periods), max(p.end for p in periods))
    for period in periods:
        period.published_offer_count = counter.count(period.discipline_id, period.start, period.end)
    return periods
