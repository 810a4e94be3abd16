"""Filters of the public offer listing (and of its feed): a form that validates the query string,
the filtered QuerySet, and the count of matching offers for every option of every filter.

Bad values never raise: an invalid field gets a French error and is ignored, the other filters
still apply. Counting takes one query in all, whatever the number of offers.
"""

from django import forms
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.functional import lazy
from django.utils.text import capfirst

from accounts.departements import DEPARTEMENT_NAMES, DEPARTEMENTS
from accounts.models import Structure
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


class CodeChoiceField(forms.CharField):
    """A `ChoiceField` among fixed codes (same cleaning, same error), checked in a set.

    Every form copies its fields, and a ChoiceField copies its choices: for the hundred départements,
    most of the cost of the listing's form. These choices are never rendered (the listing writes its
    options with their counts), so a set of codes is all the field needs.
    """

    default_error_messages = {"invalid_choice": forms.ChoiceField.default_error_messages["invalid_choice"]}

    def __init__(self, codes, **kwargs):
        super().__init__(strip=False, **kwargs)
        self.codes = frozenset(codes)

    def validate(self, value):
        super().validate(value)
        if value and value not in self.codes:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )


class PublicOfferFilterForm(forms.Form):
    # Labels come from the model; the search box's label is the template's (it describes the fields searched).
    q = forms.CharField(max_length=200, required=False, strip=True)
    thematique = forms.SlugField(label=field_label("theme"), required=False, max_length=150)
    departement = CodeChoiceField(
        codes=[code for code, _name in DEPARTEMENTS], label=field_label("department"), required=False
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

    # Themes and types of host site by a subquery on their slug rather than a join: a plain
    # condition on the offer's own column, usable as a flag in the facet query.
    def _condition_thematique(self, value):
        return Q(theme_id__in=Theme.objects.filter(slug=value).values("pk"))

    def _condition_departement(self, value):
        return Q(department=value)

    def _condition_terrain(self, value):
        return Q(site_type_id__in=SiteType.objects.filter(slug=value).values("pk"))

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


FACET_COLUMNS = {
    "thematique": "theme_id",
    "terrain": "site_type_id",
    "departement": "department",
    "structure": "structure_id",
    "periode": "period_kind",
}


def _facet_rows(form, queryset):
    """Every facet's counts in one query: [(facet, value, label, count)], ordered by facet then label.

    The offers matching at least one facet's conditions are read once (a CTE: one scan of the
    offers, with a flag per active filter); each facet then counts, from those rows, the ones
    passing every active filter but its own. Themes and types of host site come with every row of
    their list (count 0 included), structures only when they have offers, département and period
    rows carry their raw value (the labels are Python's). The last row, `_total`, counts the
    offers matching every filter: the listing's own count.
    """
    active = [name for name in form.active if name in FACET_COLUMNS]
    # Rows some facet counts: those passing every filter but (at most) one.
    if len(active) >= 2:
        scope = Q()
        for name in active:
            scope |= form.conditions(exclude=name)
    else:
        scope = form.conditions(exclude=active[0] if active else None)
    flags = {
        f"ok_{name}": ExpressionWrapper(getattr(form, f"_condition_{name}")(form.active[name]), BooleanField())
        for name in active
    }
    base = queryset.filter(scope).order_by().annotate(**flags).values(*FACET_COLUMNS.values(), *flags)
    base_sql, params = base.query.sql_with_params()

    def where(*names):
        """SQL condition: every active filter but those named."""
        return " AND ".join(f"base.ok_{name}" for name in active if name not in names) or "1 = 1"

    quote = connection.ops.quote_name
    parts = []
    for name, model in (("thematique", Theme), ("terrain", SiteType)):
        column = FACET_COLUMNS[name]
        parts.append(
            f"SELECT '{name}' AS facet, ref.slug AS value, ref.name AS label, COALESCE(counts.n, 0) AS n "
            f"FROM {quote(model._meta.db_table)} ref LEFT JOIN (SELECT base.{column} AS ref_id, COUNT(*) AS n "
            f"FROM base WHERE {where(name)} GROUP BY base.{column}) counts ON counts.ref_id = ref.id"
        )
    parts.append(
        f"SELECT 'structure', CAST(ref.id AS TEXT), ref.name, counts.n FROM (SELECT base.structure_id AS ref_id, "
        f"COUNT(*) AS n FROM base WHERE {where('structure')} GROUP BY base.structure_id) counts "
        f"INNER JOIN {quote(Structure._meta.db_table)} ref ON ref.id = counts.ref_id"
    )
    for name in ("departement", "periode"):
        column = FACET_COLUMNS[name]
        parts.append(
            f"SELECT '{name}', base.{column}, NULL, COUNT(*) FROM base WHERE {where(name)} GROUP BY base.{column}"
        )
    parts.append(f"SELECT '_total', NULL, NULL, COUNT(*) FROM base WHERE {where()}")
    sql = f"WITH base AS ({base_sql}) " + " UNION ALL ".join(parts) + " ORDER BY 1, 3, 2"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def facet_counts(form, queryset, with_total=False):
    """For each filter with options, the options with the count of offers that choosing them would list.

    The count of an option applies every other active filter (the usual faceted-search rule), so
    choosing a shown option never gives fewer offers than announced. One query in all; with
    `with_total`, the count of the offers matching every filter comes too, returned as
    `(facets, total)` so that the listing's paginator needs no COUNT query of its own.
    """
    active = form.active
    rows = {name: [] for name in FACET_COLUMNS}
    total = 0
    for facet, value, label, count in _facet_rows(form, queryset):
        if facet == "_total":
            total = count
        else:
            rows[facet].append((value, label, count))

    def option(name, value, label, count):
        return FacetOption(value, label, count, str(active.get(name, "")) == str(value))

    facets = {
        name: [option(name, value, label, count) for value, label, count in rows[name]]
        for name in ("thematique", "terrain")
    }
    department_counts = {value: count for value, _label, count in rows["departement"]}
    facets["departement"] = [
        option("departement", code, f"{code} – {name}", department_counts.get(code, 0))
        for code, name in DEPARTEMENTS
        if department_counts.get(code) or active.get("departement") == code
    ]
    facets["structure"] = [option("structure", value, label, count) for value, label, count in rows["structure"]]
    kind_counts = {value: count for value, _label, count in rows["periode"]}
    facets["periode"] = [
        option("periode", value, label, sum(kind_counts.get(kind, 0) for kind in PERIOD_KINDS[value]))
        for value, label in PERIOD_CHOICES
    ]
    return (facets, total) if with_total else facets
