"""Admin views of the calendar: month view, iCalendar export, matching periods of an offer."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, UpdateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import CopyView, CreateView, EditView, IndexView

from accounts.models import Structure
from calendars import ical
from calendars.forms import MONTH_FORMAT, CalendarFilterForm, InstituteProfileForm
from calendars.grid import MonthGrid, add_months, annotate_published_offer_counts
from calendars.models import AvailabilityPeriod, InstituteProfile, overlapping_periods
from calendars.permissions import can_view_calendar, can_view_offer_matches, can_write_periods
from offers.models import Offer


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


# What the month view reads (thousands of rows: no timestamps, addresses or descriptions to load).
MONTH_FIELDS = [
    *("institute_id", "discipline_id", "student_count", "start", "end", "modalities", "comment"),
    *("institute__name", "institute__city", "institute__department", "discipline__name"),
]


class CalendarView(CalendarAccessMixin, AdminPageMixin, TemplateView):
    template_name = "calendars/calendar.html"
    page_title = gettext_lazy("Students' calendar")
    header_icon = "date"

    def get_context_data(self, **kwargs):
        form = CalendarFilterForm(self.request.GET)
        month = form.month
        grid = MonthGrid(month, today=timezone.localdate())
        periods = (
            form.filter(AvailabilityPeriod.objects.visible().overlapping(grid.first_day, grid.last_day))
            .select_related("institute", "discipline")
            .only(*MONTH_FIELDS)
            .order_by("institute__name", "institute_id", "discipline__name", "discipline_id", "start", "pk")
        )
        grid.fill(annotate_published_offer_counts(list(periods), Offer.objects.published()))
        grid.render()
        institutes = (
            Structure.objects.filter(pk__in={row.institute.pk for row in grid.rows})
            .select_related("institute_profile")
            .prefetch_related("institute_profile__disciplines")
            .order_by("name")
        )
        previous_month, next_month = add_months(month, -1), add_months(month, 1)
        return super().get_context_data(
            form=form,
            grid=grid,
            institutes=institutes if grid.rows else [],
            month=month,
            previous_query=form.query_string(mois=previous_month.strftime(MONTH_FORMAT)),
            next_query=form.query_string(mois=next_month.strftime(MONTH_FORMAT)),
            today_query=form.query_string(mois=timezone.localdate().strftime(MONTH_FORMAT)),
            export_query=form.query_string(mois=month.strftime(MONTH_FORMAT)),
            previous_month=previous_month,
            next_month=next_month,
            **kwargs,
        )


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
