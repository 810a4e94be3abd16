"""Admin views of the calendar: month view, iCalendar export, matching periods of an offer."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, UpdateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import CopyView, CreateView, EditView, IndexView

from accounts.models import Structure
from calendars import ical
from calendars.forms import MONTH_FORMAT, CalendarFilterForm, InstituteProfileForm
from calendars.grid import MonthGrid, add_months, annotate_published_offer_counts
from calendars.models import AvailabilityPeriod, InstituteProfile, disciplines_taught, overlapping_periods
from calendars.permissions import can_view_calendar, can_view_offer_matches, can_write_periods
from offers.models import Discipline, Offer


class AdminPageMixin(WagtailAdminTemplateMixin):
    """Wagtail's admin furniture, with the page's own title as the last breadcrumb."""

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, *self.get_parent_breadcrumbs(), {"url": "", "label": self.get_page_title()}]

    def get_parent_breadcrumbs(self):
        return []


class CalendarAccessMixin:
    def dispatch(self, request, *args, **kwargs):
        if not can_view_calendar(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# What the month view reads of the periods of the page's lines (no timestamps to load).
PAGE_FIELDS = ["institute_id", "discipline_id", "student_count", "start", "end", "modalities", "comment"]


def stream_rows(queryset):
    """The rows of a values_list() queryset one at a time, none kept: a queryset keeps them all
    (thousands of tuples at 5,000 periods, see RowLanes), and so does its compiler unless it uses
    a server-side cursor. The database driver holds the result; Python makes one row at a time.
    (No value converters: the month's rows are integers and dates, which both drivers return.)"""
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(200):  # a row at a time costs ~3 µs more
            yield from rows


class CalendarView(CalendarAccessMixin, AdminPageMixin, TemplateView):
    """The month, a page of lines at a time.

    A row (institute × discipline) stacks its periods in lanes, one table line each; at 5,000
    periods a month has thousands of lines, so the page shows `lines_per_page` of them. The
    queries do not depend on the number of periods: the (pk, row, dates) of the month's periods,
    to lay out every line; the disciplines and the institutes (menus, row order and headings);
    the periods of the page's lines; the offers of their dates, and which of them are published."""

    template_name = "calendars/calendar.html"
    page_title = gettext_lazy("Students' calendar")
    header_icon = "date"
    lines_per_page = 25
    page_parameter = "p"

    def get_context_data(self, **kwargs):
        form = CalendarFilterForm(self.request.GET)
        month = form.month
        grid = MonthGrid(month, today=timezone.localdate())
        entries = (
            form.filter(AvailabilityPeriod.objects.visible().overlapping(grid.first_day, grid.last_day))
            .order_by("institute_id", "discipline_id", "start", "pk")  # integers: a cheap sort
            .values_list("pk", "institute_id", "discipline_id", "start", "end")
        )
        grid.lay_out(stream_rows(entries))
        institute_ids = {row.key[0] for row in grid.row_lanes}
        disciplines = list(Discipline.objects.order_by("name", "pk").only("pk", "name"))
        menu = {"kind": Structure.Kind.TRAINING_INSTITUTE, "status": Structure.Status.ACTIVE}  # the filter's menu
        structures = list(Structure.objects.filter(Q(**menu) | Q(pk__in=institute_ids)).order_by("name", "pk"))
        form.use_choices(disciplines, [s for s in structures if (s.kind, s.status) == (menu["kind"], menu["status"])])
        # Rows in the order of the names (the database's collation), then of the keys.
        institute_rank = {structure.pk: rank for rank, structure in enumerate(structures)}
        discipline_rank = {discipline.pk: rank for rank, discipline in enumerate(disciplines)}
        grid.order_rows(lambda key: (institute_rank[key[0]], discipline_rank[key[1]]))
        page = Paginator(grid.lines, self.lines_per_page).get_page(self.request.GET.get(self.page_parameter))
        lines = page.object_list
        periods = {}
        if lines:
            pks = [pk for line in lines for pk in line.pks]
            periods = AvailabilityPeriod.objects.filter(pk__in=pks).only(*PAGE_FIELDS).in_bulk()
            annotate_published_offer_counts(list(periods.values()), Offer.objects.published())
        grid.fill_lines(
            lines,
            periods,
            {structure.pk: structure for structure in structures},
            {discipline.pk: discipline for discipline in disciplines},
        )
        grid.render()
        previous_month, next_month = add_months(month, -1), add_months(month, 1)
        month_query = form.query_string(mois=month.strftime(MONTH_FORMAT))
        return super().get_context_data(
            form=form,
            grid=grid,
            page=page,
            page_links=self.page_links(page, month_query),
            # "1 972" in French: the line numbers grouped as the language writes them.
            line_numbers={
                name: number_format(number, force_grouping=True)
                for name, number in (
                    ("first", page.start_index()),
                    ("last", page.end_index()),
                    ("total", page.paginator.count),
                )
            },
            institutes=self.institutes_taught(structures, institute_ids, disciplines),
            month=month,
            previous_query=form.query_string(mois=previous_month.strftime(MONTH_FORMAT)),
            next_query=form.query_string(mois=next_month.strftime(MONTH_FORMAT)),
            today_query=form.query_string(mois=timezone.localdate().strftime(MONTH_FORMAT)),
            export_query=month_query,
            previous_month=previous_month,
            next_month=next_month,
            **kwargs,
        )

    @staticmethod
    def institutes_taught(structures, institute_ids, disciplines):
        """(institute, the disciplines it teaches, or None without a profile) for the institutes of
        the month, from their profiles' links (prefetching profiles and disciplines cost ~3 ms)."""
        taught = disciplines_taught(institute_ids) if institute_ids else {}
        institutes = []
        for structure in structures:
            if structure.pk in institute_ids:
                ids = taught.get(structure.pk)
                institutes.append((structure, None if ids is None else [d for d in disciplines if d.pk in ids]))
        return institutes

    def page_links(self, page, month_query):
        """The query strings of the first, previous, next and last pages (None when there is none),
        keeping the month and the filters."""
        if not page.has_other_pages():
            return {}

        def link(number):
            return f"{month_query}&{self.page_parameter}={number}"

        last = page.paginator.num_pages
        return {
            "first": link(1) if page.number > 2 else None,
            "previous": link(page.number - 1) if page.has_previous() else None,
            "next": link(page.number + 1) if page.has_next() else None,
            "last": link(last) if page.number < last - 1 else None,
        }


def ical_host():
    return urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "localhost"


def calendar_export(request):
    """The filtered periods, from the shown month onwards, as an iCalendar file."""
    if not can_view_calendar(request.user):
        raise PermissionDenied
    form = CalendarFilterForm(request.GET)
    periods = (
        form.filter(AvailabilityPeriod.objects.visible().filter(end__gte=form.month))
        .select_related("institute", "discipline")
        .order_by("start", "pk")
    )
    response = HttpResponse(
        ical.periods_to_ical(periods, host=ical_host()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="calendrier-sses.ics"'
    return response


class OfferMatchesView(CalendarAccessMixin, AdminPageMixin, TemplateView):
    """The availability periods matching one offer's period and disciplines."""

    template_name = "calendars/offer_matches.html"
    header_icon = "date"
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        self.offer = get_object_or_404(Offer.objects.select_related("structure"), pk=kwargs["offer_id"])
        if not can_view_offer_matches(request.user, self.offer):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Available students for “%(offer)s”") % {"offer": self.offer}

    def get_parent_breadcrumbs(self):
        return [{"url": reverse("calendars_admin:calendar"), "label": CalendarView.page_title}]

    def get_context_data(self, **kwargs):
        paginator = Paginator(overlapping_periods(self.offer), self.paginate_by)
        page = paginator.get_page(self.request.GET.get("p"))
        return super().get_context_data(
            offer=self.offer,
            page=page,
            disciplines=list(self.offer.disciplines.all()),
            calendar_url=reverse("calendars_admin:calendar"),
            **kwargs,
        )


class InstituteProfileView(AdminPageMixin, UpdateView):
    """The institute's public information: name, town and département come from its account,
    the disciplines taught are edited here."""

    form_class = InstituteProfileForm
    template_name = "calendars/institute_profile.html"
    page_title = gettext_lazy("My institute")
    header_icon = "home"

    def dispatch(self, request, *args, **kwargs):
        if not can_write_periods(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        profile, _created = InstituteProfile.objects.get_or_create(structure=self.request.user.structure)
        return profile

    def form_valid(self, form):
        messages.success(self.request, _("Institute profile saved."))
        return super().form_valid(form)

    def get_success_url(self):
        return reverse("calendars_admin:institute_profile")


class PeriodIndexView(IndexView):
    """Only the user's own institute's periods (the generic view ignores row-level permissions)."""

    def get_base_queryset(self):
        return self.permission_policy.instances_user_has_permission_for(self.request.user, "view").select_related(
            "discipline"
        )


class PeriodCreateView(CreateView):
    success_message = gettext_lazy("Availability period '%(object)s' created.")


class PeriodEditView(EditView):
    success_message = gettext_lazy("Availability period '%(object)s' updated.")


class PeriodCopyView(CopyView):
    """Duplicate: a new period pre-filled with the copied one (Wagtail's view would save over the original)."""

    success_message = gettext_lazy("Availability period '%(object)s' created.")

    def get_initial_form_instance(self):
        period = self.get_object()
        period.pk = None
        period._state.adding = True
        return period
