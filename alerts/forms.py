from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm


class AlertForm(DsfrBaseForm):
    rate_limited_message = _("Too many subscriptions from your connection. Please try again later.")

    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("Format: name@example.org"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter a valid e-mail address, e.g. name@example.org."),
        },
    )
