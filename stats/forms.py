from django import forms
from django.utils.translation import gettext_lazy as _

from calendars.forms import MonthField
from offers.models import OfferState


class StatisticsForm(forms.Form):
    """The page's parameters; invalid values are reported, then replaced by the defaults."""

    etat = forms.ChoiceField(
        label=_("State of the offers counted by département and theme"),
        choices=[("", _("All states"))] + list(OfferState.choices),
        required=False,
    )
    debut = MonthField(label=_("First month"), required=False)

    def __init__(self, data, **kwargs):
        super().__init__({name: data.get(name, "") for name in ("etat", "debut")}, **kwargs)
        self.is_valid()

    def value(self, name):
        return self.cleaned_data.get(name) or None
