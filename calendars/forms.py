import datetime

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from accounts.departements import DEPARTEMENT_CHOICES
from accounts.models import Structure
from calendars.models import AvailabilityPeriod, InstituteProfile, Modality
from offers.models import Discipline

MONTH_FORMAT = "%Y-%m"


class AvailabilityPeriodForm(WagtailAdminModelForm):
    """The period form of the admin; the institute is always the writer's own."""

    modalities = forms.MultipleChoiceField(
        label=_("Modalities"),
        choices=Modality.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    student_count = forms.IntegerField(
        label=_("Number of students"),
        min_value=1,
        error_messages={
            "invalid": _("Enter a whole number of students."),
            "required": _("Enter the number of students."),
            "min_value": _("The number of students must be at least 1."),
        },
    )

    class Meta:
        model = AvailabilityPeriod
        fields = ["discipline", "student_count", "start", "end", "modalities", "comment"]
        error_messages = {
            "start": {"invalid": _("Enter a valid start date."), "required": _("Enter the start date.")},
            "end": {"invalid": _("Enter a valid end date."), "required": _("Enter the end date.")},
            "discipline": {"required": _("Choose a discipline.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is not None and self.instance.pk is None:
            self.instance.institute = user.structure

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date must be on or after the start date."))
        return cleaned


class InstituteProfileForm(forms.ModelForm):
    class Meta:
        model = InstituteProfile
        fields = ["disciplines"]
        widgets = {"disciplines": forms.CheckboxSelectMultiple}


def parse_month(value):
    """The first day of the month written `YYYY-MM`, or None."""
    try:
        return datetime.datetime.strptime(value or "", MONTH_FORMAT).date().replace(day=1)
    except ValueError:
        return None


class MonthField(forms.CharField):
    widget = forms.DateInput(attrs={"type": "month"})
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, for example 2026-12.")}

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        month = parse_month(value)
        if month is None or not 1900 <= month.year <= 2999:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return month


class CalendarFilterForm(forms.Form):
    """The calendar's URL parameters: month and filters. Invalid values are reported, then ignored."""

    mois = MonthField(label=_("Month"), required=False)
    discipline = forms.ModelChoiceField(
        label=_("Discipline"), queryset=Discipline.objects.all(), required=False, empty_label=_("All disciplines")
    )
    institut = forms.ModelChoiceField(
        label=_("Training institute"),
        queryset=Structure.objects.institutes().active(),
        required=False,
        empty_label=_("All institutes"),
    )
    departement = forms.ChoiceField(
        label=_("Département"), choices=[("", _("All départements"))] + list(DEPARTEMENT_CHOICES), required=False
    )

    def __init__(self, data, *args, **kwargs):
        if not data.get("mois"):
            # The month picker shows the current month.
            data = data.copy()
            data["mois"] = timezone.localdate().strftime(MONTH_FORMAT)
        super().__init__(data, *args, **kwargs)
        self.is_valid()

    def value(self, name):
        """The cleaned value of a parameter, None when missing or invalid."""
        return self.cleaned_data.get(name) or None

    @property
    def month(self):
        return self.value("mois") or timezone.localdate().replace(day=1)

    def filter(self, periods):
        if discipline := self.value("discipline"):
            periods = periods.filter(discipline=discipline)
        if institute := self.value("institut"):
            periods = periods.filter(institute=institute)
        if departement := self.value("departement"):
            periods = periods.filter(institute__department=departement)
        return periods

    def query_string(self, **overrides):
        """The current valid parameters, with some replaced, as an URL query string."""
        params = QueryDict(mutable=True)
        for name in self.fields:
            valid = self.data.get(name) if name not in self.errors else None
            value = overrides.get(name, valid)
            if value:
                params[name] = value
        return params.urlencode()
