import datetime
from html import escape

from django import forms
from django.forms.utils import flatatt
from django.http import QueryDict
from django.utils import timezone
from django.utils.safestring import mark_safe
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


class MonthInput(forms.DateInput):
    """<input type="month">, written with string formatting (its template costs ~1 ms a page)."""

    input_type = "month"

    def render(self, name, value, attrs=None, renderer=None):
        value = self.format_value(value)
        value = "" if value is None else f' value="{escape(str(value))}"'
        attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<input type="{self.input_type}" name="{escape(name)}"{value}{attrs}>')


class MonthField(forms.CharField):
    widget = MonthInput
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, for example 2026-12.")}

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        month = parse_month(value)
        if month is None or not 1900 <= month.year <= 2999:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return month


class QuickSelect(forms.Select):
    """A <select> written with string formatting: Django's templates render one template per
    option, about 7 ms for the hundred départements of the calendar's filters, on every page."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        selected = self.format_value(value)
        options = []
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            chosen = option_value in selected
            if chosen:
                selected = ()  # one selected option at most, as Django's Select
            options.append(
                f'<option value="{escape(option_value)}"{" selected" if chosen else ""}>{escape(str(label))}</option>'
            )
        return mark_safe(f'<select name="{escape(name)}"{flatatt(attrs)}>\n' + "\n".join(options) + "\n</select>")


class CalendarFilterForm(forms.Form):
    """The calendar's URL parameters: month and filters. Invalid values are reported, then ignored."""

    mois = MonthField(label=_("Month"), required=False)
    discipline = forms.ModelChoiceField(
        label=_("Discipline"),
        queryset=Discipline.objects.all(),
        required=False,
        empty_label=_("All disciplines"),
        widget=QuickSelect,
    )
    institut = forms.ModelChoiceField(
        label=_("Training institute"),
        queryset=Structure.objects.institutes().active(),
        required=False,
        empty_label=_("All institutes"),
        widget=QuickSelect,
    )
    departement = forms.ChoiceField(
        label=_("Département"),
        choices=[("", _("All départements"))] + list(DEPARTEMENT_CHOICES),
        required=False,
        widget=QuickSelect,
    )

    def __init__(self, data, *args, **kwargs):
        if not data.get("mois"):
            # The month picker shows the current month.
            data = data.copy()
            data["mois"] = timezone.localdate().strftime(MONTH_FORMAT)
        super().__init__(data, *args, **kwargs)
        self.is_valid()

    def use_choices(self, disciplines, institutes):
        """Offer these already loaded objects in the discipline and institute menus (no query
        when the menus are rendered); validation still reads the database."""
        for name, objects in (("discipline", disciplines), ("institut", institutes)):
            field = self.fields[name]
            field.choices = [("", field.empty_label), *((obj.pk, field.label_from_instance(obj)) for obj in objects)]

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
