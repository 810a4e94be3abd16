from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)

from accounts.departements import DEPARTEMENT_CHOICES, departement_from_postcode
from accounts.models import Structure, postcode_validator


class ReferenceItem(models.Model):
    """A value of a reference list that the regional administrator edits."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class Theme(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


class SiteType(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("type of host site")
        verbose_name_plural = _("types of host site")


class Discipline(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")


class OfferQuerySet(models.QuerySet):
    def for_structure(self, structure):
        return self.filter(structure=structure)

    def published(self):
        """Offers the public may see: live, and not past their publication end."""
        now = timezone.now()
        return self.filter(live=True).exclude(expire_at__lte=now).exclude(structure__status="refused")


class Offer(
    PreviewableMixin,
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    ClusterableModel,
):
    class PeriodKind(models.TextChoices):
        SPLIT = "split", _("Split")
        CONTINUOUS = "continuous", _("Continuous")
        SPLIT_OR_CONTINUOUS = "split_or_continuous", _("Split or continuous")

    # 1. Description
    name = models.CharField(_("offer name"), max_length=255)
    description = models.TextField(_("description"))
    theme = models.ForeignKey(Theme, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="offers")
    structure = models.ForeignKey(
        Structure, verbose_name=_("structure"), on_delete=models.PROTECT, related_name="offers", editable=False
    )
    host_name = models.CharField(_("host structure"), max_length=255)
    address = models.CharField(_("address"), max_length=255)
    postcode = models.CharField(_("postcode"), max_length=5, validators=[postcode_validator])
    city = models.CharField(_("town"), max_length=255)
    department = models.CharField(_("département"), max_length=3, choices=DEPARTEMENT_CHOICES, editable=False)
    site_type = models.ForeignKey(
        SiteType, verbose_name=_("type of host site"), on_delete=models.PROTECT, related_name="offers"
    )
    referent_name = models.CharField(_("referent's name"), max_length=255)
    referent_email = models.EmailField(_("referent's e-mail"))
    referent_phone = models.CharField(_("referent's phone"), max_length=30, blank=True)
    application_email = models.EmailField(_("e-mail to apply"))

    # 2. Modalités
    modalities = models.TextField(_("hosting modalities"), blank=True)
    period_kind = models.CharField(
        _("period"), max_length=30, choices=PeriodKind.choices, default=PeriodKind.SPLIT_OR_CONTINUOUS
    )
    hosting_range = models.CharField(_("hosting range"), max_length=255, blank=True)
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    disciplines = ParentalManyToManyField(Discipline, verbose_name=_("disciplines hosted"), blank=True)
    student_count = models.PositiveIntegerField(_("number of students hosted"), null=True, blank=True)

    # 3. Compléments
    required_documents = models.TextField(_("documents to provide"), blank=True, help_text=_("One per line."))
    support_options = models.TextField(_("support options"), blank=True)

    # 4. Publication: the dates users type; go_live_at/expire_at follow them.
    publication_start = models.DateField(_("publication start"), null=True, blank=True)
    publication_end = models.DateField(_("publication end"), null=True, blank=True)

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authored_offers",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="offer",
        for_concrete_model=False,
    )
    revisions = GenericRelation(
        "wagtailcore.Revision",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="offer",
        for_concrete_model=False,
    )

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-publication_start", "-pk"]
        indexes = [
            models.Index(fields=["live", "publication_start"]),
            models.Index(fields=["structure", "live"]),
            models.Index(fields=["department"]),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.department = departement_from_postcode(self.postcode) or self.department
        super().save(*args, **kwargs)

    def get_preview_template(self, request, mode_name):
        return "offers/offer_preview.html"

    def required_documents_list(self):
        return [line.strip() for line in self.required_documents.splitlines() if line.strip()]


class OfferDocument(Orderable):
    """A file attached to an offer; served as an attachment, only to those who may see the offer."""

    offer = ParentalKey(Offer, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(_("file"), upload_to="offers/documents/%Y/%m/")

    class Meta(Orderable.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.title
