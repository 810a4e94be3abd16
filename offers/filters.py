import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from accounts.departements import DEPARTEMENT_CHOICES
from accounts.models import Structure
from offers.models import Offer, OfferState, SiteType, Theme
from offers.permissions import can_see_all_offers
from offers.widgets import Select


class NameChoiceIterator(django_filters.fields.ModelChoiceIterator):
    """The choices as (pk, name) rows: no model instance per option (500 offerer structures)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        yield from self.queryset.values_list("pk", "name")


class ModelChoiceField(django_filters.fields.ModelChoiceField):
    # Django's name: Wagtail derives the field wrapper's class from it (`w-field--model_choice_field`).
    iterator = NameChoiceIterator


class NameChoiceFilter(django_filters.ModelChoiceFilter):
    """A model choice filter whose options are labelled by the `name` field (the models' `__str__`)."""

    field_class = ModelChoiceField


class OfferFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("state"), choices=OfferState.choices, method="filter_state", widget=Select
    )
    structure = NameChoiceFilter(
        label=_("structure"), queryset=Structure.objects.offerers().order_by("name"), widget=Select
    )
    site_type = NameChoiceFilter(label=_("type of host site"), queryset=SiteType.objects.all(), widget=Select)
    department = django_filters.ChoiceFilter(label=_("département"), choices=DEPARTEMENT_CHOICES, widget=Select)
    theme = NameChoiceFilter(label=_("theme"), queryset=Theme.objects.all(), widget=Select)

    class Meta:
        model = Offer
        fields = ["state", "structure", "site_type", "department", "theme"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        # Only the regional administrator works across structures.
        if request is None or not can_see_all_offers(request.user):
            del self.filters["structure"]

    def filter_state(self, queryset, name, value):
        return queryset.filter(queryset.state_condition(value))
