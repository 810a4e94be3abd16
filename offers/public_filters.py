"""Filters of the public offer listing (and of its feed): a form that validates the query string,
the filtered QuerySet, and the count of matching offers for every option of every filter.

Bad values never raise: an invalid field gets a French error and is ignored, the other filters
still apply. Counting takes five aggregate queries in all, whatever the number of offers.
"""

from django import forms
from django.db import connection
from django.db.models import Count, Q
from django.utils.functional import lazy
from django.utils.text import capfirst

from accounts.departements import DEPARTEMENT_NAMES, DEPARTEMENTS
from offers.models import Offer, SiteType, Theme

PERIOD_CHOICES = [
    (Offer.PeriodKind.CONTINUOUS.value, Offer.PeriodKind.CONTINUOUS.label),
    (Offer.PeriodKind.SPLIT.value, Offer.PeriodKind.SPLIT.label),
]
# An offer "split or continuous" matches both period filters.
PERIOD_KINDS = {
    Offer.PeriodKind.CONTINUOUS.value: [Offer.PeriodKind.CONTINUOUS, Offer.PeriodKind.SPLIT_OR_CONTINUOUS],
    Offer.PeriodKind.SPLIT.value: [Offer.PeriodKind.SPLIT, Offer.PeriodKind.SPLIT_OR_CONTINUOUS],
}
FILTER_NAMES = ["q", "thematique", "departement", "terrain", "structure", "periode"]
MAX_QUERY_WORDS = 10


def _label(field_name):
    """The Offer field's own verbose name, capitalised: no new message to translate here."""
    return capfirst(Offer._meta.get_field(field_name).verbose_name)


field_label = lazy(_label, str)


class PublicOfferFilterForm(forms.Form):
    # Labels come from the model; the search box's label is the template's (it describes the fields searched).
    q = forms.CharField(max_length=200, required=False, strip=True)
    thematique = forms.SlugField(label=field_label("theme"), required=False, max_length=150)
    departement = forms.ChoiceField(
        label=field_label("department"),
        required=False,
        choices=[("", "")] + [(code, code) for code, _name in DEPARTEMENTS],
    )
    terrain = forms.SlugField(label=field_label("site_type"), required=False, max_length=150)
    structure = forms.IntegerField(label=field_label("structure"), required=False, min_value=1, max_value=2**31 - 1)
    periode = forms.ChoiceField(label=field_label("period_kind"), required=False, choices=[("", "")] + PERIOD_CHOICES)

    def __init__(self, data=None, **kwargs):
        # Only the filter keys are bound: `page` and unknown parameters are not the form's business.
        data = {name: data.get(name, "") for name in FILTER_NAMES} if data is not None else None
        super().__init__(data, **kwargs)

    @property
    def active(self):
        """The valid, non-empty filters: {name: cleaned value}."""
        if not self.is_bound:
            return {}
        self.errors  # noqa: B018 -- runs the validation once, so that cleaned_data holds the valid fields
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

    def filter_queryset(self, queryset, exclude=None):
        """Apply every active filter but `exclude` (the one whose options are being counted)."""
        return queryset.filter(self.conditions(exclude=exclude))

    def conditions(self, exclude=None):
        condition = Q()
        for name, value in self.active.items():
            if name != exclude:
                condition &= getattr(self, f"_condition_{name}")(value)
        return condition

    def _condition_q(self, value):
        condition = Q()
        for word in value.split()[:MAX_QUERY_WORDS]:
            condition &= (
                Q(name__icontains=word)
                | Q(description__icontains=word)
                | Q(structure__name__icontains=word)
                | Q(host_name__icontains=word)
                | Q(city__icontains=word)
            )
        return condition

    def _condition_thematique(self, value):
        return Q(theme__slug=value)

    def _condition_departement(self, value):
        return Q(department=value)

    def _condition_terrain(self, value):
        return Q(site_type__slug=value)

    def _condition_structure(self, value):
        return Q(structure_id=value)

    def _condition_periode(self, value):
        return Q(period_kind__in=PERIOD_KINDS[value])

    def describe(self, facets=None):
        """Human-readable active filters, e.g. ["« atelier »", "Thématique : Sommeil"]."""
        labels = []
        if facets:
            names = {name: {option.value: option.label for option in options} for name, options in facets.items()}
        else:
            names = self._reference_names()
        for name, value in self.active.items():
            if name == "q":
                labels.append(f"« {value} »")
                continue
            elif name == "departement":
                shown = f"{value} – {DEPARTEMENT_NAMES.get(value, '')}"
            elif name == "periode":
                shown = dict(PERIOD_CHOICES)[value]
            else:
                shown = names.get(name, {}).get(str(value), value)
            labels.append(f"{self.fields[name].label} : {shown}")
        return labels

    def _reference_names(self):
        """Names of the chosen theme, site type and structure, read from the database (one query each)."""
        from accounts.models import Structure

        active = self.active
        lookups = {
            "thematique": (Theme.objects, "slug"),
            "terrain": (SiteType.objects, "slug"),
            "structure": (Structure.objects, "pk"),
        }
        names = {}
        for name, (manager, field) in lookups.items():
            if name in active:
                names[name] = {
                    str(value): label
                    for value, label in manager.filter(**{field: active[name]}).values_list(field, "name")
                }
        return names


class FacetOption:
    def __init__(self, value, label, count, selected):
        self.value = str(value)
        self.label = label
        self.count = count
        self.selected = selected

    def __repr__(self):
        return f"FacetOption({self.value!r}, {self.label!r}, {self.count})"


def _counted(model, filtered, field):
    """Every row of a reference list (by name) with `n`, the count of `filtered` offers pointing to
    it: one query, the list LEFT JOINed to the grouped count (a hash aggregate over the offers, where
    a correlated subquery per row would walk the offers once per row)."""
    column = Offer._meta.get_field(field).column
    counts_sql, params = filtered.order_by().values(column).annotate(n=Count("pk")).query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    return model.objects.raw(
        f"SELECT ref.id, ref.name, ref.slug, COALESCE(counts.n, 0) AS n FROM {table} ref "
        f"LEFT JOIN ({counts_sql}) counts ON counts.{connection.ops.quote_name(column)} = ref.id ORDER BY ref.name",
        params,
    )


def facet_counts(form, queryset, with_total=False):
    """For each filter with options, the options with the count of offers that choosing them would list.

    The count of an option applies every other active filter (the usual faceted-search rule), so
    choosing a shown option never gives fewer offers than announced. Five queries in all; with
    `with_total`, the period query also counts the offers matching every filter, returned as
    `(facets, total)` so that the listing's paginator needs no COUNT query of its own.
    """
    active = form.active

    def grouped(name, *fields):
        return form.filter_queryset(queryset, exclude=name).order_by().values(*fields).annotate(n=Count("pk"))

    facets = {}
    facets["thematique"] = [
        FacetOption(theme.slug, theme.name, theme.n, active.get("thematique") == theme.slug)
        for theme in _counted(Theme, form.filter_queryset(queryset, exclude="thematique"), "theme")
    ]
    facets["terrain"] = [
        FacetOption(site.slug, site.name, site.n, active.get("terrain") == site.slug)
        for site in _counted(SiteType, form.filter_queryset(queryset, exclude="terrain"), "site_type")
    ]

    department_counts = {row["department"]: row["n"] for row in grouped("departement", "department")}
    facets["departement"] = [
        FacetOption(code, f"{code} – {name}", department_counts.get(code, 0), active.get("departement") == code)
        for code, name in DEPARTEMENTS
        if department_counts.get(code) or active.get("departement") == code
    ]

    structures = grouped("structure", "structure_id", "structure__name").order_by("structure__name")
    facets["structure"] = [
        FacetOption(
            row["structure_id"], row["structure__name"], row["n"], active.get("structure") == row["structure_id"]
        )
        for row in structures
    ]

    counts = {value: Count("pk", filter=Q(period_kind__in=kinds)) for value, kinds in PERIOD_KINDS.items()}
    if with_total:
        # The offers listed: the period facet's rows, restricted by the chosen period (if any).
        period = form.active.get("periode")
        counts["_total"] = Count("pk", filter=Q(period_kind__in=PERIOD_KINDS[period])) if period else Count("pk")
    periods = form.filter_queryset(queryset, exclude="periode").aggregate(**counts)
    facets["periode"] = [
        FacetOption(value, label, periods[value], active.get("periode") == value) for value, label in PERIOD_CHOICES
    ]
    return (facets, periods["_total"]) if with_total else facets
