"""iCalendar export of availability periods (all-day events, one per period)."""

import datetime

import icalendar
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def period_summary(period):
    return ngettext(
        "%(institute)s – %(discipline)s: %(count)s student",
        "%(institute)s – %(discipline)s: %(count)s students",
        period.student_count,
    ) % {
        "institute": period.institute.name,
        "discipline": period.discipline.name,
        "count": period.student_count,
    }


def period_description(period):
    lines = [
        _("Number of students: %(count)s") % {"count": period.student_count},
        _("From %(start)s to %(end)s")
        % {
            "start": period.start.strftime("%d/%m/%Y"),
            "end": period.end.strftime("%d/%m/%Y"),
        },
    ]
    if labels := period.modality_labels():
        lines.append(_("Modalities: %(modalities)s") % {"modalities": ", ".join(str(label) for label in labels)})
    if period.comment:
        lines.append(period.comment)
    return "\n".join(lines)


def periods_to_ical(periods, host):
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Portail SSES//Calendrier des étudiants//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("SSES students' availability"))
    stamp = timezone.now()
    for period in periods:
        event = icalendar.Event()
        event.add("uid", f"period-{period.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", period.start)
        # All-day events end on the next day (DTEND is exclusive).
        event.add("dtend", period.end + datetime.timedelta(days=1))
        event.add("summary", period_summary(period))
        event.add("description", period_description(period))
        location = ", ".join(part for part in [period.institute.city, period.institute.department] if part)
        if location:
            event.add("location", location)
        event.add("categories", [period.discipline.name])
        cal.add_component(event)
    return cal.to_ical()
