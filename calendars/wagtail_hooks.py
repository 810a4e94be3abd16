from functools import wraps

from django.core.exceptions import PermissionDenied
from django.urls import include, path, reverse
from django.urls.resolvers import URLPattern
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.permissions import register_permission_policy
from wagtail.snippets.action_menu import ActionMenuItem

from calendars import views
from calendars.forms import AvailabilityPeriodForm
from calendars.models import AvailabilityPeriod
from calendars.permissions import (
    AvailabilityPeriodPermissionPolicy,
    can_edit_period,
    can_view_calendar,
    can_view_offer_matches,
    can_write_periods,
)
from offers.admin_urls import object_url
from offers.models import Offer


def own_period_required(view):
    """Refuse every URL naming a period of another institute (Wagtail's generic views load objects
    without row-level checks)."""

    @wraps(view)
    def wrapped(request, *args, pk, **kwargs):
        period = AvailabilityPeriod.objects.filter(pk=pk).only("pk", "institute_id").first()
        if period is None or not can_edit_period(request.user, period):
            raise PermissionDenied
        return view(request, *args, pk=pk, **kwargs)

    return wrapped


class AvailabilityPeriodViewSet(ModelViewSet):
    model = AvailabilityPeriod
    name = "periodes"
    icon = "date"
    menu_label = _("Availability periods")
    menu_order = 210
    add_to_admin_menu = True
    copy_view_enabled = True
    inspect_view_enabled = False
    index_view_class = views.PeriodIndexView
    add_view_class = views.PeriodCreateView
    edit_view_class = views.PeriodEditView
    copy_view_class = views.PeriodCopyView
    list_display = ["__str__", "discipline", "start", "end", "student_count"]
    list_filter = ["discipline"]
    ordering = ["start", "pk"]
    edit_handler = ObjectList(
        [
            FieldPanel("discipline"),
            FieldPanel("student_count"),
            FieldPanel("start"),
            FieldPanel("end"),
            FieldPanel("modalities"),
            FieldPanel("comment"),
        ],
        base_form_class=AvailabilityPeriodForm,
    )

    def get_urlpatterns(self):
        return [
            URLPattern(pattern.pattern, own_period_required(pattern.callback), pattern.default_args, pattern.name)
            if "<int:pk>" in str(pattern.pattern)
            else pattern
            for pattern in super().get_urlpatterns()
        ]


register_permission_policy(AvailabilityPeriod, AvailabilityPeriodPermissionPolicy(AvailabilityPeriod))
period_viewset = AvailabilityPeriodViewSet()


@hooks.register("register_admin_viewset")
def register_period_viewset():
    return period_viewset


@hooks.register("register_admin_urls")
def register_calendar_urls():
    return [
        path(
            "calendrier/",
            include(
                (
                    [
                        path("", views.CalendarView.as_view(), name="calendar"),
                        path("export.ics", views.calendar_export, name="export"),
                        path("offre/<int:offer_id>/", views.OfferMatchesView.as_view(), name="offer_matches"),
                        path("etablissement/", views.InstituteProfileView.as_view(), name="institute_profile"),
                    ],
                    "calendars_admin",
                ),
                namespace="calendars_admin",
            ),
        )
    ]


class CalendarMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_calendar(request.user)


@hooks.register("register_admin_menu_item")
def register_calendar_menu_item():
    return CalendarMenuItem(_("Calendar"), reverse("calendars_admin:calendar"), icon_name="calendar", order=200)


class InstituteMenuItem(MenuItem):
    def is_shown(self, request):
        return can_write_periods(request.user)


@hooks.register("register_admin_menu_item")
def register_institute_menu_item():
    return InstituteMenuItem(
        _("My institute"), reverse("calendars_admin:institute_profile"), icon_name="home", order=220
    )


@hooks.register("register_snippet_listing_buttons")
def offer_matches_button(snippet, user, next_url=None):
    """From the offers list: the students available during the offer's period (offers don't import us)."""
    if isinstance(snippet, Offer) and can_view_offer_matches(user, snippet):
        yield ListingButton(
            _("Available students"),
            object_url("calendars_admin:offer_matches", snippet.pk),  # not a reverse() per row of the list
            icon_name="date",
            priority=60,
        )


class OfferMatchesMenuItem(ActionMenuItem):
    """In the offer's editor, a link to the students available during its period."""

    name = "action-available-students"
    label = _("Available students")
    icon_name = "date"

    def is_shown(self, context):
        offer = context.get("instance")
        return (
            context.get("view") == "edit"
            and isinstance(offer, Offer)
            and can_view_offer_matches(context["request"].user, offer)
        )

    def get_url(self, parent_context):
        return reverse("calendars_admin:offer_matches", args=[parent_context["instance"].pk])


@hooks.register("register_snippet_action_menu_item")
def offer_matches_action_menu_item(model):
    if issubclass(model, Offer):
        return OfferMatchesMenuItem(order=90)
    return None
