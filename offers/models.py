import calendar
import datetime
import zoneinfo

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models
from django.db.models import Case, CharField, Exists, OuterRef, Q, Value, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    Revision,
    RevisionMixin,
    Task,
    TaskState,
    WorkflowMixin,
    WorkflowState,
)

from accounts.departements import DEPARTEMENT_CHOICES, departement_from_postcode
from accounts.models import Structure, postcode_validator
from accounts.uploads import validate_document

DEPARTEMENT_LABELS = dict(DEPARTEMENT_CHOICES)


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


PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def start_of_day(day):
    """Midnight at the start of `day`, Europe/Paris, as an aware datetime."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=PARIS)


class OfferState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    TO_VALIDATE = "to_validate", _("To validate")
    VALIDATED = "validated", _("Validated")
    PUBLISHED = "published", _("Published")
    OBSOLETE = "obsolete", _("Obsolete")


# A publication running or scheduled: the states it may be extended or stopped from.
RUNNING_STATES = (OfferState.PUBLISHED, OfferState.VALIDATED)


class OfferQuerySet(models.QuerySet):
    def for_structure(self, structure):
        return self.filter(structure=structure)

    def for_structure_ids_as_text(self, structure_id):
        """The offer ids of a structure as text, to match `WorkflowState.object_id`."""
        return self.filter(structure_id=structure_id).annotate(text_pk=Cast("pk", CharField())).values("text_pk")

    def _state_tests(self, now):
        """The tests of `with_state()`, in order: the first one true gives the state (else Brouillon)."""
        content_type = ContentType.objects.get_for_model(Offer)
        text_pk = Cast(OuterRef("pk"), CharField())
        in_progress = WorkflowState.objects.filter(
            base_content_type=content_type, object_id=text_pk, status=WorkflowState.STATUS_IN_PROGRESS
        )
        scheduled = Revision.objects.filter(
            base_content_type=content_type, object_id=text_pk, approved_go_live_at__isnull=False
        )
        return [
            (OfferState.PUBLISHED, Q(live=True) & (Q(expire_at__isnull=True) | Q(expire_at__gt=now))),
            (OfferState.TO_VALIDATE, Q(Exists(in_progress))),
            (OfferState.VALIDATED, Q(Exists(scheduled))),
            (OfferState.OBSOLETE, Q(live=True) | Q(expired=True) | Q(first_published_at__isnull=False)),
        ]

    def with_state(self):
        """Annotate `state` (an OfferState value) in SQL, so that lists can filter and sort on it."""
        tests = self._state_tests(timezone.now())
        return self.annotate(
            state=Case(
                *(When(test, then=Value(state)) for state, test in tests),
                default=Value(OfferState.DRAFT),
                output_field=CharField(),
            )
        )

    def state_condition(self, state):
        """The offers in `state` as conditions on their row, the same as `with_state()` then
        `state=…`: a filter on the annotation evaluates the CASE for every offer (and its cost
        estimate, several subqueries per row, made PostgreSQL compile it: 60-90 ms at 20,000
        offers); these conditions are a plain WHERE, read from an index where there is one."""
        condition = Q()
        for value, test in self._state_tests(timezone.now()):
            if value == state:
                return condition & test
            condition &= ~test
        return condition

    def in_state(self, state):
        return self.with_state().filter(self.state_condition(state))

    def awaiting_validation_by(self, user):
        """Offers whose validation task `user` may act on (valideurs of the offer's structure)."""
        from offers.permissions import is_validator

        if not is_validator(user):
            return self.none()
        states = TaskState.objects.filter(
            status=TaskState.STATUS_IN_PROGRESS,
            workflow_state__base_content_type=ContentType.objects.get_for_model(Offer),
            workflow_state__object_id=Cast(OuterRef("pk"), CharField()),
        )
        return self.filter(structure_id=user.structure_id).filter(Exists(states))

    def published(self, now=None):
        """Offers the public may see: live, and not past their publication end (at `now`, by default
        the current time)."""
        now = now or timezone.now()
        # `structure_id NOT IN (refused structures)` rather than a join to every offer's structure:
        # the refused ones are few, and the plan stays a plain scan of the offers whatever the statistics.
        refused = Structure.objects.filter(status=Structure.Status.REFUSED).values("pk")
        return self.filter(live=True).exclude(expire_at__lte=now).exclude(structure_id__in=refused)


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
    # The opened create form this offer came from (its form token, see offers.forms): the create
    # URL receives one form more than once (Wagtail's autosave and the editor's own save, a double
    # click) and must create the offer only once. See OfferCreateView.
    creation_token = models.UUIDField(_("creation token"), null=True, blank=True, unique=True, editable=False)
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
            # The admin list's default order (newest publication first): read the first page from
            # the index instead of sorting every offer.
            models.Index(fields=["publication_start", "id"], name="offers_offer_pubstart_id"),
            # Offers overlapping a month (the calendar's counts, the matching periods): those ending
            # after its first day, a small part of the table once past offers pile up.
            models.Index(fields=["period_end", "period_start"]),
            # The next end of publication of a live offer (portal.listing.listing_facets).
            models.Index(fields=["expire_at"], condition=Q(live=True), name="offers_live_expire_at"),
        ]

    def __str__(self):
        return self.name

    def get_department_display(self):
        """Django's own display of the choice, from a dict built once: the listing shows it on every
        card, and Django rebuilds the dict of the hundred-odd départements at each call."""
        return DEPARTEMENT_LABELS.get(self.department, self.department)

    def save(self, *args, **kwargs):
        self.department = departement_from_postcode(self.postcode) or self.department
        self.sync_schedule()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.publication_start and self.publication_end and self.publication_end <= self.publication_start:
            raise ValidationError({"publication_end": _("The publication end must be after the publication start.")})
        self.sync_schedule()

    def save_revision(self, *args, **kwargs):
        self.sync_schedule()
        return super().save_revision(*args, **kwargs)

    def sync_schedule(self):
        """Derive Wagtail's `go_live_at`/`expire_at` from the publication dates users type.

        The offer goes live at the start of its first day (Europe/Paris), or at once when that day
        has come, and expires at the end of its last day. Recomputing both on every save also
        clears the stale dates Wagtail keeps after an expiry (upstream #13896), so that renewing a
        caduque offer with new dates works.
        """
        today = timezone.localdate()
        if self.publication_start and self.publication_start > today:
            self.go_live_at = start_of_day(self.publication_start)
        else:
            self.go_live_at = None
        if self.publication_end:
            self.expire_at = start_of_day(self.publication_end + datetime.timedelta(days=1))
        else:
            self.expire_at = None

    @property
    def state(self):
        """The state label of DESIGN.md; read from the `with_state()` annotation when present."""
        annotated = self.__dict__.get("state")
        if annotated:
            return OfferState(annotated)
        now = timezone.now()
        if self.live and not (self.expire_at and self.expire_at <= now):
            return OfferState.PUBLISHED
        if self.pk and self.workflow_in_progress:
            return OfferState.TO_VALIDATE
        if self.pk and self.scheduled_revision:
            return OfferState.VALIDATED
        if self.live or self.expired or self.first_published_at:
            return OfferState.OBSOLETE
        return OfferState.DRAFT

    @state.setter
    def state(self, value):
        self.__dict__["state"] = value

    @property
    def state_label(self):
        return self.state.label

    def get_preview_template(self, request, mode_name):
        return "offers/offer_preview.html"

    def disciplines_display(self):
        """Comma-separated disciplines (uses the prefetched set when present)."""
        return ", ".join(sorted(discipline.name for discipline in self.disciplines.all()))

    def stop(self, user=None):
        """Stop the publication now (the offer becomes Caduque), or cancel a scheduled one."""
        self.revisions.filter(approved_go_live_at__isnull=False).update(approved_go_live_at=None)
        if self.live:
            from wagtail.actions.unpublish import UnpublishAction

            # Our views check `can_stop_offer` (Gestionnaires may stop without the publish permission).
            UnpublishAction(self, user=user, log_action=True).execute(skip_permission_checks=True)
        elif not self.first_published_at:
            # A cancelled schedule never went live: keep it recognisable as stopped.
            Offer.objects.filter(pk=self.pk).update(expired=True)
            self.expired = True
            from wagtail.log_actions import log

            log(instance=self, action="wagtail.schedule.cancel", user=user)

    def extended_end(self, months=3):
        return add_months(self.publication_end or timezone.localdate(), months)

    def extend(self, until=None, user=None):
        """Push the publication end back to `until` (by default three months later) on the live row
        and the latest revision."""
        new_end = until or self.extended_end()
        self.publication_end = new_end
        self.sync_schedule()
        Offer.objects.filter(pk=self.pk).update(publication_end=new_end, expire_at=self.expire_at)
        # The latest revision (next edit) and a scheduled one (published later) carry the new end too.
        revisions = self.revisions.filter(Q(pk=self.latest_revision_id) | Q(approved_go_live_at__isnull=False))
        for revision in revisions:
            revision.content["publication_end"] = new_end.isoformat()
            revision.content["expire_at"] = self.expire_at.isoformat()
            revision.save(update_fields=["content"])
        from wagtail.log_actions import log

        log(instance=self, action="wagtail.edit", user=user)
        return new_end

    def duplicate(self, user):
        """A copy in Brouillon for the same structure, without publication or period dates, documents kept."""
        source = self.get_latest_revision_as_object() if self.latest_revision_id else self
        copy = Offer(
            **{
                field.name: getattr(source, field.name)
                for field in Offer._meta.concrete_fields
                if field.name in DUPLICATED_FIELDS
            }
        )
        copy.name = _("%(name)s (copy)") % {"name": source.name}
        copy.structure_id = self.structure_id
        copy.author = user
        copy.live = False
        copy.has_unpublished_changes = True
        copy.disciplines.set(list(source.disciplines.all()))
        copy.save()
        for document in source.documents.all():
            new_document = OfferDocument(offer=copy, title=document.title, sort_order=document.sort_order)
            with document.file.open("rb") as handle:
                new_document.file.save(document.file.name.rsplit("/", 1)[-1], File(handle), save=False)
            new_document.save()
        copy.save_revision(user=user, log_action=True)
        return copy

    def required_documents_list(self):
        return [line.strip() for line in self.required_documents.splitlines() if line.strip()]


DUPLICATED_FIELDS = {
    "description", "theme", "host_name", "address", "postcode", "city", "department", "site_type",
    "referent_name", "referent_email", "referent_phone", "application_email", "modalities", "period_kind",
    "hosting_range", "student_count", "required_documents", "support_options",
}  # fmt: skip


def add_months(day, months):
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


class AutosavedRevision(models.Model):
    """A revision of an offer saved by Wagtail's autosave, and the opened form that saved it (its
    form token, see offers.forms). Autosave leaves the form's loaded revision as it was: that form's
    own save must not take this revision for someone else's newer version (OfferEditView)."""

    revision = models.OneToOneField(Revision, on_delete=models.CASCADE, primary_key=True, related_name="+")
    form_token = models.UUIDField()

    def __str__(self):
        return f"{self.revision_id} ({self.form_token})"

    @classmethod
    def record(cls, revision, form_token):
        cls.objects.update_or_create(revision=revision, defaults={"form_token": form_token})

    @classmethod
    def is_by(cls, revision, form_token):
        return cls.objects.filter(revision=revision, form_token=form_token).exists()


class OfferDocument(Orderable):
    """A file attached to an offer; served as an attachment, only to those who may see the offer."""

    offer = ParentalKey(Offer, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(_("file"), upload_to="offers/documents/%Y/%m/", validators=[validate_document])

    class Meta(Orderable.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.title


class StructureValidationTask(Task):
    """Validation by a Valideur d'offres of the offer's own structure (guide, case 1).

    Wagtail assigns workflows per model: this task narrows every decision to the valideurs of the
    structure that owns the object, so a valideur of another structure never sees nor acts on it.
    """

    def _can_validate(self, obj, user):
        from offers.permissions import can_publish_offer

        return isinstance(obj, Offer) and can_publish_offer(user, obj)

    def user_can_access_editor(self, obj, user):
        return self._can_validate(obj, user)

    def locked_for_user(self, obj, user):
        return not self._can_validate(obj, user)

    def user_can_lock(self, obj, user):
        return self._can_validate(obj, user)

    def user_can_unlock(self, obj, user):
        return False

    def get_actions(self, obj, user):
        if self._can_validate(obj, user):
            return [
                ("reject", _("Request changes"), True),
                ("approve", _("Approve"), False),
                ("approve", _("Approve with comment"), True),
            ]
        return []

    def get_task_states_user_can_moderate(self, user, **kwargs):
        from offers.permissions import is_validator

        if not is_validator(user):
            return TaskState.objects.none()
        return self.task_states.filter(
            status=TaskState.STATUS_IN_PROGRESS,
            workflow_state__base_content_type=ContentType.objects.get_for_model(Offer),
            workflow_state__object_id__in=Offer.objects.for_structure_ids_as_text(user.structure_id),
        )

    @classmethod
    def get_description(cls):
        return _("The offer validators of the offer's structure approve it or request changes.")

    class Meta:
        verbose_name = _("validation by the structure's validators")
        verbose_name_plural = _("validations by the structure's validators")


class ExpiryReminder(models.Model):
    """One reminder e-mail sent for an offer and a deadline (30 or 7 days): never sent twice."""

    offer = models.ForeignKey(Offer, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="reminders")
    publication_end = models.DateField(_("publication end"))
    days_before = models.PositiveSmallIntegerField(_("days before the end"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    used_at = models.DateTimeField(_("extension used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("expiry reminder")
        verbose_name_plural = _("expiry reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "publication_end", "days_before"], name="offers_one_reminder_per_deadline"
            )
        ]

    def __str__(self):
        return f"{self.offer} — J-{self.days_before}"
