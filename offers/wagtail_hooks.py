"""The offers admin: the snippet viewset (guarded per structure), reference lists, dashboard."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.http import StreamingHttpResponse
from django.urls import path, resolve, reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.models import get_all_child_relations
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Table
from wagtail.admin.widgets import ListingButton
from wagtail.coreutils import multigetattr
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import (
    CreateView,
    EditView,
    IndexView,
    InspectView,
    SnippetViewSet,
    SnippetViewSetGroup,
)
from wagtail.snippets.widgets import AdminSnippetChooser

from offers import dashboard, permissions, views, xlsx
from offers.admin_cells import BulkActionsCheckboxCellColumn, ListingTable, OfferTitleColumn, ValueColumn
from offers.admin_urls import ObjectUrls
from offers.filters import OfferFilterSet
from offers.forms import OfferForm, posted_form_token
from offers.models import RUNNING_STATES, AutosavedRevision, Discipline, Offer, SiteType, Theme
from offers.panels import OfferStep, OfferSteps


class CalendarDateColumn(ValueColumn):
    """A day shown as a date: Wagtail's DateColumn shows the time elapsed, meaningless for a future day."""

    def get_value(self, instance):
        value = super().get_value(instance)
        return date_format(value, "SHORT_DATE_FORMAT") if value else "—"


class OfferPermissionPolicy(ModelPermissionPolicy):
    """Model permissions from the role groups, narrowed to the user's own structure per instance."""

    def user_has_permission(self, user, action):
        if action == "add" and not (user.is_superuser or permissions.can_create_offer(user)):
            return False
        return super().user_has_permission(user, action)

    def instance_rule(self, user, action):
        """The rule that decides `action` on one offer, once the model permission is granted."""
        if user.is_active and user.is_superuser:
            return permissions.always
        return permissions.INSTANCE_RULES.get(action, permissions.can_view_offer)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and self.instance_rule(user, action)(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, action, instance) for action in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = Offer.objects.all()
        if not self.user_has_any_permission(user, actions):
            return queryset.none()
        if user.is_active and user.is_superuser:
            return queryset
        if permissions.can_see_all_offers(user) and set(actions) & {"view", "publish"}:
            return queryset
        if user.structure_id is None:
            return queryset.none()
        return queryset.filter(structure_id=user.structure_id)


register_permission_policy(Offer, OfferPermissionPolicy(Offer))


def visible_offers(user):
    return OfferPermissionPolicy(Offer).instances_user_has_any_permission_for(user, ["view"])


class ScopedChooserMixin:
    """The offer chooser lists and returns only the offers the user may see."""

    def get_object_list(self):
        return visible_offers(self.request.user)


class OfferChooseView(ScopedChooserMixin, ChooseView):
    pass


class OfferChooseResultsView(ScopedChooserMixin, ChooseResultsView):
    pass


class OfferChosenView(SnippetChosenView):
    def get_object(self, pk):
        return visible_offers(self.request.user).get(pk=pk)


class OfferChosenMultipleView(SnippetChosenMultipleView):
    def get_objects(self, pks):
        return visible_offers(self.request.user).filter(pk__in=pks)


class SafeSnippetChooser(AdminSnippetChooser):
    """Wagtail's chooser widget looks the bound value up to render it again; a tampered value
    (`theme=:`) made that lookup raise and the invalid form a 500. Show no choice instead."""

    def get_instance(self, value):
        try:
            return super().get_instance(value)
        except (ValueError, TypeError, ValidationError):
            return None


class OfferChooserViewSet(SnippetChooserViewSet):
    base_widget_class = SafeSnippetChooser
    choose_view_class = OfferChooseView
    choose_results_view_class = OfferChooseResultsView
    chosen_view_class = OfferChosenView
    chosen_multiple_view_class = OfferChosenMultipleView


ALREADY_SAVED = _(
    "This offer has already been saved from this form. Save it with the button to keep your latest changes."
)


class RecordsAutosaves:
    """Remembers which opened form saved each autosaved revision (see OfferEditView.is_valid)."""

    def save_instance(self):
        instance = super().save_instance()
        form_token = posted_form_token(self.request)
        if self.expects_json_response and self.new_revision and form_token:
            AutosavedRevision.record(self.new_revision, form_token)
        return instance


class CreatedMeanwhile(Exception):
    """Another post of the same create form created the offer while this one was saving it."""

    def __init__(self, offer):
        super().__init__(offer)
        self.offer = offer


class OfferCreateView(RecordsAutosaves, CreateView):
    """Creates the offer once per opened form (its hidden form token, see offers.forms).

    The create URL may receive one form several times: Wagtail's autosave posts it in the
    background until its first success turns the page into an edit form, and the editor's "Save
    draft" posts it too. An autosave still pending when the editor clicks (it fires while the next
    page loads), a click while the first autosave is on its way, a double click: each created a
    second offer. The second post of a session now goes to the offer the first one created.
    (Turning autosave off on this view would leave the double click, and lose the autosave of a
    new offer's first minutes of typing.)
    """

    def get_initial_form_instance(self):
        # The structure comes from the author, never from the form.
        return Offer(structure=self.request.user.structure, author=self.request.user, live=False)

    @cached_property
    def creation_token(self):
        return posted_form_token(self.request)

    def offer_created_by_this_form(self):
        if self.creation_token is None:
            return None
        return Offer.objects.filter(creation_token=self.creation_token).first()

    def post(self, request, *args, **kwargs):
        if offer := self.offer_created_by_this_form():
            return self.save_again(offer)
        try:
            return super().post(request, *args, **kwargs)
        except CreatedMeanwhile as created:
            return self.save_again(created.offer)

    def save_instance(self):
        self.form.instance.creation_token = self.creation_token
        try:
            with transaction.atomic():
                return super().save_instance()
        except IntegrityError:
            # Another post of the session created the offer between the check in post() and this
            # insert: the unique token refused a second one.
            if offer := self.offer_created_by_this_form():
                raise CreatedMeanwhile(offer) from None
            raise

    def save_again(self, offer):
        """The session's offer exists: an autosave is refused (the offer may hold newer content,
        saved by the editor's click), the editor's save is a save of that offer."""
        if offer.author_id != self.request.user.pk:
            raise PermissionDenied
        if self.expects_json_response:
            # Wagtail's code for a stale autosave: the page pauses autosave and shows the message.
            return self.json_error_response("invalid_revision", str(ALREADY_SAVED))
        # Through the edit URL's own view, its permission guard included.
        match = resolve(reverse(self.edit_url_name, args=[offer.pk]))
        return match.func(self.request, *match.args, **match.kwargs, replaces_creation=True)


def export_disciplines(offer):
    prefetched = getattr(offer, "_prefetched_objects_cache", {}).get("disciplines")
    if prefetched is None:
        return offer.disciplines_display()
    return ", ".join(sorted(discipline.name for discipline in prefetched))


class BatchedQuerySetIterable:
    """Iterate a queryset by chunks (prefetches run per chunk): bounded memory for large exports."""

    def __init__(self, queryset, chunk_size=2000):
        self.queryset, self.model, self.chunk_size = queryset, queryset.model, chunk_size

    def __iter__(self):
        return self.queryset.iterator(chunk_size=self.chunk_size)


# Wagtail's own messages (translated in its catalogue), for a save over a newer revision.
NEWER_VERSION_BY = "%(user_name)s saved a new version"
NEWER_VERSION_BY_SELF = "You saved a new version in another window"
SYSTEM = "System"


class OfferEditView(RecordsAutosaves, EditView):
    def post(self, request, *args, **kwargs):
        if kwargs.get("replaces_creation"):
            # The create form posted again (OfferCreateView.save_again): its inline documents are
            # all new forms, the whole content of the form; they replace those its first post
            # saved instead of being added a second time.
            for relation in get_all_child_relations(self.object):
                getattr(self.object, relation.get_accessor_name()).set([])
        return super().post(request, *args, **kwargs)

    def get_page_subtitle(self):
        # The state of DESIGN.md (Brouillon, À valider, Validée, Publiée, Caduque) next to the name.
        return f"{super().get_page_subtitle()} — {self.object.state.label}"

    @cached_property
    def latest_is_own_autosave(self):
        """Whether the latest revision was autosaved by this very form. Autosave keeps the form's
        loaded revision as it was opened, but an autosave is refused unless it is based on the latest
        revision: if the latest is this form's, nobody else has saved since the form was opened."""
        form_token = posted_form_token(self.request)
        return form_token is not None and AutosavedRevision.is_by(self.latest_revision, form_token)

    def is_valid(self, form):
        # Wagtail refuses a stale autosave but lets the full form overwrite a revision saved by
        # someone else since the editor opened it: refuse that too. The form comes back with the
        # editor's input and the latest revision id, so saving again is a deliberate overwrite.
        if not self.expects_json_response and self.is_out_of_date and not self.latest_is_own_autosave:
            author = self.latest_revision.user
            if author == self.request.user:
                message = gettext(NEWER_VERSION_BY_SELF)
            else:
                name = author.get_full_name() or author.get_username() if author else gettext(SYSTEM)
                message = gettext(NEWER_VERSION_BY) % {"user_name": name}
            self.produced_error_code = "invalid_revision"
            self.produced_error_message = message
            return False
        return super().is_valid(form)


class OfferInspectView(InspectView):
    def get_delete_url(self):
        # Wagtail asks the model permission only; the edit view's menu asks the offer's rule.
        if self.user_has_permission_for_instance("delete", self.object):
            return super().get_delete_url()


SEARCH_MAX_LENGTH = 200
PDF_URL = "wagtailsnippets_offers_offer:pdf"
STOP_URL = "wagtailsnippets_offers_offer:stop"
DUPLICATE_URL = "wagtailsnippets_offers_offer:duplicate"
EXTEND_URL = "wagtailsnippets_offers_offer:extend"


class OfferIndexView(IndexView):
    default_ordering = None
    export_chunk_size = 1000  # offers in memory at once during an export

    def _get_title_column(self, field_name, column_class=None, **kwargs):
        return super()._get_title_column(field_name, OfferTitleColumn, **kwargs)

    @cached_property
    def columns(self):
        # Wagtail's bulk actions checkbox column, its cell written in Python.
        return [
            BulkActionsCheckboxCellColumn(column.name, obj_type=column.obj_type)
            if type(column) is BulkActionsCheckboxColumn
            else column
            for column in super().columns
        ]

    @cached_property
    def table_class(self):
        table_class = super().table_class
        return ListingTable if table_class is Table else table_class

    # What the list shows of an offer (its columns), and the structure and state its row buttons
    # depend on: an offer has some forty columns, a dozen of them dates to parse, that the list
    # never reads. (A column added without its field here costs a query per row: the query-count
    # tests catch it.)
    list_fields = [
        "name",
        "structure",
        "structure__name",
        "theme",
        "theme__name",
        "department",
        "publication_start",
        "publication_end",
    ]

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        if self.is_export:
            # Only the export shows the type of host site and the disciplines.
            return queryset.select_related("site_type").prefetch_related("disciplines")
        return queryset.only(*self.list_fields)

    def user_has_permission(self, permission):
        # Asked for every row (edit, inspect, delete URLs): the answer is the same for the whole list.
        cache = self.__dict__.setdefault("_user_permissions", {})
        if permission not in cache:
            cache[permission] = super().user_has_permission(permission)
        return cache[permission]

    def user_has_any_permission(self, permissions):
        return any(self.user_has_permission(permission) for permission in permissions)

    def get_context_data(self, *args, **kwargs):
        if self.is_export:
            # The export needs only the filtered, ordered queryset. The listing context would load
            # every row before the first byte (`items_count = len(object_list)`, the table).
            return {"object_list": self.object_list}
        return super().get_context_data(*args, **kwargs)

    @cached_property
    def export_getters(self):
        """One getter per exported column, built once per export: the display values come from
        label dictionaries (Django's `get_FOO_display()` hashes the choices on every call) and the
        disciplines from the prefetched rows (the parental manager builds a queryset per call)."""
        department_labels = {value: str(label) for value, label in Offer._meta.get_field("department").flatchoices}
        period_labels = {value: str(label) for value, label in Offer._meta.get_field("period_kind").flatchoices}
        special = {
            "get_department_display": lambda offer: department_labels.get(offer.department, offer.department),
            "get_period_kind_display": lambda offer: period_labels.get(offer.period_kind, offer.period_kind),
            "disciplines_display": export_disciplines,
        }
        return [
            (field, special.get(field) or (lambda offer, field=field: multigetattr(offer, field)))
            for field in self.list_export
        ]

    def to_row_dict(self, item):
        return {field: getter(item) for field, getter in self.export_getters}

    def write_xlsx_response(self, queryset):
        """Stream the workbook while the rows are read (Wagtail builds it whole with openpyxl first)."""
        header = [self.get_heading(queryset, field) for field in self.list_export]
        rows = (
            [
                self.preprocess_field_value(field, value, self.FORMAT_XLSX)
                for field, value in self.to_row_dict(item).items()
            ]
            for item in queryset
        )
        response = StreamingHttpResponse(
            xlsx.stream_xlsx(header, rows, title=str(_("Offers"))), content_type=xlsx.CONTENT_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{self.get_filename()}.xlsx"'
        return response

    @cached_property
    def search_query(self):
        # A 100,000-character search made SQLite's LIKE fail ("pattern too complex"): a 500.
        return super().search_query[:SEARCH_MAX_LENGTH]

    def as_spreadsheet(self, queryset, spreadsheet_format):
        return super().as_spreadsheet(BatchedQuerySetIterable(queryset, self.export_chunk_size), spreadsheet_format)

    def get_heading(self, queryset, field):
        return super().get_heading(getattr(queryset, "queryset", queryset), field)

    @cached_property
    def rule_answers(self):
        return permissions.ListRuleAnswers(self.request.user)

    @cached_property
    def object_urls(self):
        return ObjectUrls()

    @cached_property
    def button_labels(self):
        return {
            "pdf": gettext("PDF"),
            "extend": gettext("Extend the publication"),
            "stop": gettext("Stop the publication"),
            "duplicate": gettext("Duplicate"),
        }

    def user_has_permission_for_instance(self, permission, instance):
        # The policy's answer, asked once per (rule, structure, state) of the page (ListRuleAnswers).
        rule = self.permission_policy.instance_rule(self.request.user, permission)
        return self.user_has_permission(permission) and self.rule_answers(rule, instance)

    # Wagtail's URLs of a row, on the same permissions, without a `reverse()` per row (`ObjectUrls`).
    def get_edit_url(self, instance):
        if self.edit_url_name and self.user_has_permission("change"):
            return self.object_urls(self.edit_url_name, instance.pk)

    def get_inspect_url(self, instance):
        if self.inspect_url_name and self.user_has_any_permission({"add", "change", "delete", "view"}):
            return self.object_urls(self.inspect_url_name, instance.pk)

    def get_delete_url(self, instance):
        # Wagtail asks the model permission only: a Gestionnaire saw Delete on published offers.
        if self.delete_url_name and self.user_has_permission_for_instance("delete", instance):
            return self.object_urls(self.delete_url_name, instance.pk)

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        labels, url = self.button_labels, self.object_urls
        buttons.append(ListingButton(labels["pdf"], url=url(PDF_URL, instance.pk), icon_name="doc-full"))
        if instance.state in RUNNING_STATES:
            if self.rule_answers(permissions.can_extend_offer, instance):
                buttons.append(ListingButton(labels["extend"], url=url(EXTEND_URL, instance.pk), icon_name="date"))
            if self.rule_answers(permissions.can_stop_offer, instance):
                buttons.append(ListingButton(labels["stop"], url=url(STOP_URL, instance.pk), icon_name="cross"))
        if self.rule_answers(permissions.can_duplicate_offer, instance):
            buttons.append(ListingButton(labels["duplicate"], url=url(DUPLICATE_URL, instance.pk), icon_name="copy"))
        return buttons


class OfferViewSet(SnippetViewSet):
    model = Offer
    icon = "doc-full-inverse"
    menu_label = _("Offers")
    menu_name = "offers"
    menu_order = 200
    add_to_admin_menu = True
    copy_view_enabled = False  # our duplicate view clears the dates and keeps the structure
    inspect_view_enabled = True
    index_view_class = OfferIndexView
    chooser_viewset_class = OfferChooserViewSet
    add_view_class = OfferCreateView
    edit_view_class = OfferEditView
    inspect_view_class = OfferInspectView
    filterset_class = OfferFilterSet
    search_fields = ["name", "description", "host_name", "city", "structure__name"]
    list_per_page = 30
    list_display = [
        "name",
        ValueColumn("structure", label=_("Structure"), sort_key="structure__name"),
        ValueColumn("theme", label=_("Theme"), sort_key="theme__name"),
        ValueColumn("get_department_display", label=_("Département"), sort_key="department"),
        ValueColumn("state_label", label=_("State"), sort_key="state"),
        CalendarDateColumn("publication_start", label=_("Publication start"), sort_key="publication_start"),
        CalendarDateColumn("publication_end", label=_("Publication end"), sort_key="publication_end"),
    ]
    list_export = [
        "pk",
        "name",
        "state_label",
        "structure.name",
        "description",
        "theme.name",
        "host_name",
        "address",
        "postcode",
        "city",
        "get_department_display",
        "site_type.name",
        "referent_name",
        "referent_email",
        "referent_phone",
        "application_email",
        "modalities",
        "get_period_kind_display",
        "hosting_range",
        "period_start",
        "period_end",
        "disciplines_display",
        "student_count",
        "required_documents",
        "support_options",
        "publication_start",
        "publication_end",
    ]
    export_headings = {
        "pk": _("Number"),
        "name": _("Offer name"),
        "state_label": _("State"),
        "structure.name": _("Structure"),
        "description": _("Description"),
        "theme.name": _("Theme"),
        "host_name": _("Host structure"),
        "address": _("Address"),
        "postcode": _("Postcode"),
        "city": _("Town"),
        "get_department_display": _("Département"),
        "site_type.name": _("Type of host site"),
        "referent_name": _("Referent's name"),
        "referent_email": _("Referent's e-mail"),
        "referent_phone": _("Referent's phone"),
        "application_email": _("E-mail to apply"),
        "modalities": _("Hosting modalities"),
        "get_period_kind_display": _("Period"),
        "hosting_range": _("Hosting range"),
        "period_start": _("Period start"),
        "period_end": _("Period end"),
        "disciplines_display": _("Disciplines hosted"),
        "student_count": _("Number of students hosted"),
        "required_documents": _("Documents to provide"),
        "support_options": _("Support options"),
        "publication_start": _("Publication start"),
        "publication_end": _("Publication end"),
    }
    export_filename = "offres"

    edit_handler = OfferSteps(
        [
            OfferStep(
                [
                    FieldPanel("name"),
                    FieldPanel("description"),
                    FieldPanel("theme"),
                    FieldPanel("host_name"),
                    MultiFieldPanel(
                        [FieldPanel("address"), FieldRowPanel([FieldPanel("postcode"), FieldPanel("city")])],
                        heading=_("Address"),
                    ),
                    FieldPanel("site_type"),
                    MultiFieldPanel(
                        [FieldPanel("referent_name"), FieldPanel("referent_email"), FieldPanel("referent_phone")],
                        heading=_("Referent"),
                    ),
                    FieldPanel("application_email"),
                ],
                heading=_("Description"),
            ),
            OfferStep(
                [
                    FieldPanel("modalities"),
                    FieldPanel("period_kind"),
                    FieldPanel("hosting_range"),
                    FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")]),
                    FieldPanel("disciplines", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("student_count"),
                ],
                heading=_("Modalities"),
            ),
            OfferStep(
                [
                    FieldPanel("required_documents"),
                    FieldPanel("support_options"),
                    InlinePanel("documents", heading=_("Documents"), label=_("document")),
                ],
                heading=_("Complements"),
            ),
            OfferStep(
                [FieldRowPanel([FieldPanel("publication_start"), FieldPanel("publication_end")])],
                heading=_("Publication"),
            ),
        ],
        base_form_class=OfferForm,
    )

    def get_queryset(self, request):
        queryset = visible_offers(request.user).with_state().select_related("structure", "theme")
        if permissions.is_validator(request.user):
            # Valideurs see the offers awaiting their validation first.
            awaiting = Offer.objects.awaiting_validation_by(request.user).filter(pk=OuterRef("pk"))
            queryset = queryset.annotate(awaiting=Exists(awaiting)).order_by("-awaiting", "-publication_start", "-pk")
        return queryset

    def get_urlpatterns(self):
        patterns = super().get_urlpatterns() + [
            path("pdf/<str:pk>/", views.offer_pdf_admin, name="pdf"),
            path("duplicate/<str:pk>/", views.duplicate_offer, name="duplicate"),
            path("stop/<str:pk>/", views.stop_offer, name="stop"),
            path("extend/<str:pk>/", views.extend_offer, name="extend"),
        ]
        return views.guard_offer_urlpatterns(patterns)


class ReferenceChooserViewSet(SnippetChooserViewSet):
    base_widget_class = SafeSnippetChooser


class ReferenceViewSet(SnippetViewSet):
    chooser_viewset_class = ReferenceChooserViewSet
    icon = "list-ul"
    search_fields = ["name"]
    list_display = ["name", "slug"]
    panels = [FieldPanel("name"), FieldPanel("slug")]


class ThemeViewSet(ReferenceViewSet):
    model = Theme


class SiteTypeViewSet(ReferenceViewSet):
    model = SiteType


class DisciplineViewSet(ReferenceViewSet):
    model = Discipline


class ReferenceListsGroup(SnippetViewSetGroup):
    items = (ThemeViewSet, SiteTypeViewSet, DisciplineViewSet)
    menu_label = _("Reference lists")
    menu_icon = "list-ul"
    menu_order = 800


register_snippet(OfferViewSet)
register_snippet(ReferenceListsGroup)


@hooks.register("construct_homepage_summary_items")
def add_offer_summary(request, summary_items):
    dashboard.add_summary_items(request, summary_items)


@hooks.register("construct_homepage_panels")
def add_offer_panels(request, panels):
    dashboard.add_panels(request, panels)
