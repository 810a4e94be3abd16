import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from accounts.departements import DEPARTEMENT_CHOICES
from accounts.models import Structure
from offers.models import Offer, OfferState, SiteType, Theme
from offers.permissions import can_see_all_offers


class OfferFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(label=_("state"), choices=OfferState.choices, method="filter_state")
    structure = django_filters.ModelChoiceFilter(
        label=_("structure"), queryset=Structure.objects.offerers().order_by("name")
    )
    site_type = django_filters.ModelChoiceFilter(label=_("type of host site"), queryset=SiteType.objects.all())
    department = django_filters.ChoiceFilter(label=_("département"), choices=DEPARTEMENT_CHOICES)
    theme = django_filters.ModelChoiceFilter(label=_("theme"), queryset=Theme.objects.all())

    class Meta:
        model = Offer
        fields = ["state", "structure", "site_type", "department", "theme"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        # Only the regional administrator works across structures.
        if request is None or not can_see_all_offers(request.user):
            del self.filters["structure"]

    def filter_state(self, queryset, name, value):
        if "state" not in queryset.query.annotations:
            queryset = queryset.with_state()
        return queryset.filter(state=value)
