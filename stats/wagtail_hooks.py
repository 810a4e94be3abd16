from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from stats.permissions import can_view_statistics
from stats.views import StatisticsView


class StatisticsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_statistics(request.user)


@hooks.register("register_admin_urls")
def register_statistics_urls():
    urls = [path("", StatisticsView.as_view(), name="index")]
    return [path("statistiques/", include((urls, "sses_stats"), namespace="sses_stats"))]


@hooks.register("register_admin_menu_item")
def register_statistics_menu_item():
    return StatisticsMenuItem(_("Statistics"), reverse("sses_stats:index"), icon_name="table", order=280)
