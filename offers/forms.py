from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm


class OfferForm(WagtailAdminModelForm):
    """The four-step offer form: publication dates required, start not in the past."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("publication_start", "publication_end"):
            if name in self.fields:
                self.fields[name].required = True

    def clean_publication_start(self):
        start = self.cleaned_data.get("publication_start")
        unchanged = self.instance.pk and start == self.initial.get("publication_start")
        # A published offer keeps its past start date; a new or changed start cannot be in the past.
        if start and not unchanged and start < timezone.localdate():
            raise forms.ValidationError(_("The publication start cannot be in the past."), code="start_in_past")
        return start

    def clean(self):
        cleaned_data = super().clean()
        period_start, period_end = cleaned_data.get("period_start"), cleaned_data.get("period_end")
        if period_start and period_end and period_end < period_start:
            self.add_error("period_end", forms.ValidationError(_("The period end must be after its start.")))
        return cleaned_data
