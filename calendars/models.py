from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Structure
from offers.models import Discipline, Offer


class Modality(models.TextChoices):
    # A context: offers' period kinds use the same English words with other French ones.
    CONTINUOUS = "continuous", pgettext_lazy("period modality", "Continuous")
    SPLIT = "split", pgettext_lazy("period modality", "Split")
    MORNINGS = "mornings", pgettext_lazy("period modality", "Mornings")
    AFTERNOONS = "afternoons", pgettext_lazy("period modality", "Afternoons")


class InstituteProfile(models.Model):
    """A training institute's public information; name, town and département live on its structure."""

    structure = models.OneToOneField(
        Structure,
        verbose_name=_("training institute"),
        on_delete=models.CASCADE,
        related_name="institute_profile",
        limit_choices_to={"kind": Structure.Kind.TRAINING_INSTITUTE},
    )
    disciplines = models.ManyToManyField(
        Discipline, verbose_name=_("disciplines taught"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("institute profile")
        verbose_name_plural = _("institute profiles")

    def __str__(self):
        return str(self.structure)


def disciplines_taught(structure_ids):
    """{structure id: [discipline ids]} of those of the institutes that have a profile (an empty
    list: a profile naming no discipline yet), in one query on the profiles and their links."""
    taught = {}
    profiles = InstituteProfile.objects.filter(structure_id__in=structure_ids)
    for structure_id, discipline_id in profiles.values_list("structure_id", "disciplines"):
        disciplines = taught.setdefault(structure_id, [])
        if discipline_id is not None:
            disciplines.append(discipline_id)
    return taught


class AvailabilityPeriodQuerySet(models.QuerySet):
    def visible(self):
        """Periods shown to planners: those of active training institutes."""
        return self.filter(institute__status=Structure.Status.ACTIVE)

    def overlapping(self, start, end):
        """Periods sharing at least one day with start..end (both included)."""
        return self.filter(start__lte=end, end__gte=start)

    def with_published_offer_count(self):
        """Annotate `published_offer_count`: published offers whose period overlaps and whose
        disciplines (when the offer names some) include the period's discipline. One subquery."""
        discipline_links = Offer.disciplines.through.objects.filter(offer_id=OuterRef("pk"))
        offers = (
            Offer.objects.published()
            .filter(period_start__lte=OuterRef("end"), period_end__gte=OuterRef("start"))
            .filter(
                ~Exists(discipline_links)
                | Exists(discipline_links.filter(discipline_id=OuterRef(OuterRef("discipline_id"))))
            )
            .order_by()
            .annotate(count=Func(F("pk"), function="COUNT"))
            .values("count")
        )
        return self.annotate(published_offer_count=Coalesce(Subquery(offers, output_field=IntegerField()), 0))


class AvailabilityPeriod(models.Model):
    """When students of a training institute, in one discipline, are available for their placement."""

    institute = models.ForeignKey(
        Structure,
        verbose_name=_("training institute"),
        on_delete=models.CASCADE,
        related_name="availability_periods",
        limit_choices_to={"kind": Structure.Kind.TRAINING_INSTITUTE},
        editable=False,
    )
    discipline = models.ForeignKey(
        Discipline, verbose_name=_("discipline"), on_delete=models.PROTECT, related_name="availability_periods"
    )
    student_count = models.PositiveIntegerField(
        _("number of students"),
        validators=[MinValueValidator(1, _("The number of students must be at least 1."))],
    )
    start = models.DateField(_("start date"))
    end = models.DateField(_("end date"))
    modalities = models.JSONField(_("modalities"), default=list, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AvailabilityPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("availability period")
        verbose_name_plural = _("availability periods")
        ordering = ["start", "end", "pk"]
        indexes = [
            models.Index(fields=["start", "end"]),
            models.Index(fields=["institute", "discipline"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="calendars_period_end_after_start"),
            models.CheckConstraint(condition=Q(student_count__gte=1), name="calendars_period_students_positive"),
        ]

    def __str__(self):
        return _("%(discipline)s, %(start)s – %(end)s") % {
            "discipline": self.discipline,
            "start": self.start.strftime("%d/%m/%Y"),
            "end": self.end.strftime("%d/%m/%Y"),
        }

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end date must be on or after the start date.")})
        unknown = set(self.modalities or []) - set(Modality.values)
        if unknown:
            raise ValidationError({"modalities": _("Unknown modality.")})

    def modality_labels(self):
        labels = dict(Modality.choices)
        return [labels[value] for value in Modality.values if value in (self.modalities or [])]

    @property
    def day_count(self):
        return (self.end - self.start).days + 1


def overlapping_periods(offer):
    """Availability periods that overlap the offer's period and, when it names some, its disciplines."""
    if not offer.period_start or not offer.period_end:
        return AvailabilityPeriod.objects.none()
    periods = AvailabilityPeriod.objects.visible().overlapping(offer.period_start, offer.period_end)
    discipline_ids = list(offer.disciplines.values_list("pk", flat=True))
    if discipline_ids:
        periods = periods.filter(discipline_id__in=discipline_ids)
    return periods.select_related("institute", "discipline").order_by("start", "institute__name", "pk")
