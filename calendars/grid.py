"""The month view's layout: one row per institute × discipline, one column per day, periods as bars."""

import calendar
import datetime
from dataclasses import dataclass, field


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
    institute: object
    discipline: object
    lanes: list = field(default_factory=list)

    def place(self, bar):
        for lane in self.lanes:
            if lane.last_day < bar.first_day:
                lane.add(bar)
                return
        lane = Lane()
        lane.add(bar)
        self.lanes.append(lane)

    @property
    def students(self):
        return sum(cell[1].period.student_count for lane in self.lanes for cell in lane.cells if cell[1])


class MonthGrid:
    def __init__(self, month, today):
        self.first_day = month.replace(day=1)
        self.day_count = calendar.monthrange(month.year, month.month)[1]
        self.last_day = self.first_day.replace(day=self.day_count)
        self.today = today
        self.rows = []

    @property
    def days(self):
        return [self.first_day + datetime.timedelta(days=offset) for offset in range(self.day_count)]

    @property
    def today_in_month(self):
        return self.first_day <= self.today <= self.last_day

    def fill(self, periods):
        """Lay out periods ordered by institute then discipline (one pass, no extra query)."""
        row = None
        for period in periods:
            if row is None or (row.institute.pk, row.discipline.pk) != (period.institute_id, period.discipline_id):
                row = Row(period.institute, period.discipline)
                self.rows.append(row)
            first = max(period.start, self.first_day)
            last = min(period.end, self.last_day)
            row.place(
                Bar(
                    period=period,
                    first_day=first.day,
                    span=(last - first).days + 1,
                    starts_before=period.start < self.first_day,
                    ends_after=period.end > self.last_day,
                )
            )
        for row in self.rows:
            for lane in row.lanes:
                lane.close(self.day_count)
        return self.rows
