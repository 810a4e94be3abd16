"""Admin home: the offers of the user's structure by state, users, documentation; regional totals."""

from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode
from wagtail.admin.site_summary import SummaryItem
from wagtail.admin.ui.components import Component

from accounts.models import Structure, User
from offers import permissions
from offers.models import Offer, OfferState


def state_counts(queryset):
    """{state: count} in one query."""
    rows = queryset.with_state().order_by().values("state").annotate(total=Count("pk"))
    counts = dict.fromkeys(OfferState.values, 0)
    counts.update({row["state"]: row["total"] for row in rows})
    return counts


class OffersPanel(Component):
    name = "offers_by_state"
    template_name = "offers/admin/dashboard_panel.html"
    order = 50

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        user = self.request.user
        regional = permissions.can_see_all_offers(user)
        queryset = Offer.objects.all() if regional else Offer.objects.for_structure(user.structure_id)
        counts = state_counts(queryset)
        list_url = reverse("wagtailsnippets_offers_offer:list")
        rows = [
            {"label": state.label, "count": counts[state.value], "url": f"{list_url}?{urlencode({'state': state})}"}
            for state in OfferState
        ]
        users = User.objects.filter(is_active=True)
        if not regional:
            users = users.filter(structure_id=user.structure_id)
        context = {
            "rows": rows,
            "total": sum(counts.values()),
            "regional": regional,
            "structure": None if regional else user.structure,
            "user_count": users.count(),
            "list_url": list_url,
            "documentation_url": "/documentation/",
        }
        if regional:
            context["pending_signups"] = Structure.objects.pending().count()
        return context


class DocumentationSummaryItem(SummaryItem):
    order = 900
    template_name = "offers/admin/summary_documentation.html"


def add_summary_items(request, summary_items):
    if permissions.can_view_offers(request.user):
        summary_items.append(DocumentationSummaryItem(request))


def add_panels(request, panels):
    if permissions.can_view_offers(request.user):
        panels.insert(0, OffersPanel(request))
