from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from stats import tables
from stats.forms import StatisticsForm
from stats.permissions import can_view_statistics


class StatisticsView(WagtailAdminTemplateMixin, TemplateView):
    """The regional statistics; `?export=<table slug>` downloads one table as CSV."""

    template_name = "stats/index.html"
    page_title = gettext_lazy("Statistics")
    header_icon = "table"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def dispatch(self, request, *args, **kwargs):
        if not can_view_statistics(request.user):
            messages.error(request, _("Sorry, you do not have permission to access this area."))
            return redirect("wagtailadmin_home")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        self.form = StatisticsForm(request.GET)
        builders = {
            "offres-par-etat": tables.offers_by_state,
            "offres-par-departement-et-thematique": lambda: tables.offers_by_department_and_theme(
                self.form.value("etat")
            ),
            "structures-par-type": tables.structures_by_type,
            "etudiants-et-offres-par-mois": lambda: tables.students_and_offers_by_month(
                self.form.value("debut") or tables.default_first_month()
            ),
        }
        export = request.GET.get("export")
        if export:
            if export not in builders:
                raise Http404
            return builders[export]().csv_response()
        self.tables = {slug.replace("-", "_"): build() for slug, build in builders.items()}
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("export", None)
        return super().get_context_data(
            form=self.form, export_prefix=f"?{query.urlencode()}&" if query else "?", **self.tables, **kwargs
        )
