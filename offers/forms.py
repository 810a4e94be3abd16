import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

FORM_TOKEN = "form_token"


class FormTokenField(forms.UUIDField):
    """One opened offer form (a page load), sent back with each of its posts: Wagtail's autosaves
    and the editor's own saves. A new one each time the form is opened, kept when it is shown again."""

    widget = forms.HiddenInput

    def __init__(self):
        super().__init__(required=False, initial=uuid.uuid4)

    def has_changed(self, initial, data):
        return False  # not content: a save would otherwise always count as a change


def posted_form_token(request):
    """The form token of a post; None for a client that sends none (an old page, a script)."""
    try:
        return uuid.UUID(request.POST.get(FORM_TOKEN, ""))
    except ValueError:
        return None


class OfferForm(WagtailAdminModelForm):
    """The four-step offer form: publication dates required, start not in the past."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("publication_start", "publication_end"):
            if name in self.fields:
                self.fields[name].required = True
        self.fields[FORM_TOKEN] = FormTokenField()

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


class ExtendForm(forms.Form):
    """The new publication end of a running offer: after the current one, not in the past
    (three months later are proposed)."""

    publication_end = forms.DateField(
        label=_("New publication end"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, offer, **kwargs):
        super().__init__(*args, initial={"publication_end": offer.extended_end()}, **kwargs)
        self.offer = offer

    def clean_publication_end(self):
        end = self.cleaned_data["publication_end"]
        current = self.offer.publication_end
        if current and end <= current:
            raise forms.ValidationError(
                _("The new publication end must be after the current one (%(end)s)."),
                code="not_later",
                params={"end": current.strftime("%d/%m/%Y")},
            )
        if end < timezone.localdate():
            raise forms.ValidationError(_("The new publication end cannot be in the past."), code="end_in_past")
        return end
