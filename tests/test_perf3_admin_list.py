"""The admin offers list at national scale (20,000 offers, 500 structures): what the faster list
must keep (per-row actions for every role, filters, the structure <select>), and what it no longer
does (a query for the disciplines it never shows; a template per <option>)."""

import datetime
import re

import pytest
from django import forms
from django.contrib.admin.utils import quote
from django.db import connection
from django.forms.utils import flatatt
from django.template import Context
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, path, register_converter, reverse, set_script_prefix
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import BaseColumn, Column, TitleColumn
from wagtail.admin.widgets import Button, ButtonWithDropdown, ListingButton
from wagtail.snippets.views.snippets import IndexView

from accounts.roles import Role
from offers import permissions
from offers.admin_cells import BulkActionsCheckboxCellColumn, ListingTable, OfferTitleColumn, ValueColumn, button_html
from offers.admin_urls import object_url
from offers.models import Offer, OfferState
from offers.widgets import Select, escape, flat_attributes
from tests.factories.accounts import StructureFactory, UserFactory
from tests.factories.offers import OfferFactory

pytestmark = pytest.mark.django_db
LIST = reverse("wagtailsnippets_offers_offer:list")


def url(name, offer):
    if name == "matches":
        return reverse("calendars_admin:offer_matches", args=[offer.pk])
    return reverse(f"wagtailsnippets_offers_offer:{name}", args=[offer.pk])


def row_actions(html, offer):
    """The names of the URLs linked from the offer's row (title link, buttons, "more" menu)."""
    start = html.index(f'data-object-id="{offer.pk}"')
    row = html[start : html.index("</tr>", start)]
    links = set(re.findall(r'href="([^"#]+)"', row))
    names = {"edit", "inspect", "delete", "pdf", "extend", "stop", "duplicate", "matches"}
    found = {name for name in names if url(name, offer) in links}
    assert len(found) == len(links), links  # no link we don't know of
    return found


# Role: (actions on a draft, actions on a published offer), offers of the user's own structure.
# A Gestionnaire deletes drafts only; the structure's editors extend and stop a publication.
ROW_ACTIONS = {
    "regional_admin": ({"inspect", "pdf", "matches"}, {"inspect", "pdf", "stop", "matches"}),
    "manager": (
        {"edit", "inspect", "delete", "pdf", "duplicate", "matches"},
        {"edit", "inspect", "pdf", "extend", "stop", "duplicate", "matches"},
    ),
    "validator": (
        {"edit", "inspect", "delete", "pdf", "duplicate", "matches"},
        {"edit", "inspect", "delete", "pdf", "extend", "stop", "duplicate", "matches"},
    ),
    "viewer": ({"inspect", "pdf", "matches"}, {"inspect", "pdf", "matches"}),
    "offerer_admin": ({"inspect", "pdf", "matches"}, {"inspect", "pdf", "matches"}),
}
ROLES = {
    "regional_admin": Role.REGIONAL_ADMIN,
    "manager": Role.OFFER_MANAGER,
    "validator": Role.OFFER_VALIDATOR,
    "viewer": Role.OFFER_VIEWER,
    "offerer_admin": Role.OFFERER_ADMIN,
}


@pytest.mark.parametrize("role", ROW_ACTIONS)
def test_row_actions_follow_the_role(client, role):
    structure = StructureFactory()
    draft = OfferFactory(structure=structure)
    published = OfferFactory(structure=structure, published=True)
    other = OfferFactory(published=True)  # another structure's
    user_structure = None if role == "regional_admin" else structure
    client.force_login(UserFactory(structure=user_structure, roles=[ROLES[role]]))
    html = client.get(LIST).content.decode()
    on_draft, on_published = ROW_ACTIONS[role]
    assert row_actions(html, draft) == on_draft
    assert row_actions(html, published) == on_published
    if role == "regional_admin":
        assert row_actions(html, other) == on_published
    else:
        assert f'data-object-id="{other.pk}"' not in html


def test_regional_admin_filters_by_structure(client):
    chosen, other = StructureFactory(name="Mutualité <Gironde> & Co"), StructureFactory(name="Autre structure")
    StructureFactory(name="Institut de formation", institute=True)
    mine = OfferFactory(structure=chosen, name="Offre choisie")
    OfferFactory(structure=other, name="Offre écartée")
    client.force_login(UserFactory(structure=None, roles=[Role.REGIONAL_ADMIN]))
    html = client.get(LIST, {"structure": chosen.pk}).content.decode()
    assert "Offre choisie" in html and "Offre écartée" not in html
    assert f'data-object-id="{mine.pk}"' in html
    # The option is selected, its name escaped; institutes are not offerers.
    assert f'<option value="{chosen.pk}" selected>Mutualité &lt;Gironde&gt; &amp; Co</option>' in html
    assert f'<option value="{other.pk}">Autre structure</option>' in html
    assert "Institut de formation" not in html
    # The active filter names the structure.
    assert re.search(r"<b[^>]*>Mutualité &lt;Gironde&gt; &amp; Co</b>", html)
    assert client.get(LIST, {"structure": "not-a-number"}).status_code == 200


CHOICES = [
    ("", "---------"),
    (1, "Un"),
    ("2", 'Deux <b>&</b> "trois"'),
    ("Groupe <A>", [("a1", "A un"), ("a2", "A deux")]),
    (None, "Aucun"),
]


@pytest.mark.parametrize(
    ("attrs", "value", "multiple"),
    [
        ({}, None, False),
        ({"id": "id_structure"}, "2", False),
        ({"id": "id_x", "required": True, "disabled": False, "data-x": 'a"b'}, "a2", False),
        ({}, ["1", "a1"], True),
        ({}, "", False),
    ],
)
def test_select_renders_like_the_django_templates(attrs, value, multiple):
    """Our <select> writes its options in Python: the HTML must stay the one Django's templates give."""
    if multiple:
        ours = type("SelectMultiple", (Select,), {"allow_multiple_selected": True})(choices=CHOICES)
        django = forms.SelectMultiple(choices=CHOICES)
    else:
        ours, django = Select(choices=CHOICES), forms.Select(choices=CHOICES)
    assert ours.render("field", value, attrs=attrs) == django.render("field", value, attrs=attrs)


def test_the_list_reads_no_disciplines_but_the_export_does(client):
    offer = OfferFactory(published=True)
    offer.disciplines.set([1, 2])
    offer.save()
    client.force_login(UserFactory(structure=None, roles=[Role.REGIONAL_ADMIN]))
    client.get(LIST)  # warm the caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    assert not [query for query in queries if "offers_offer_disciplines" in query["sql"]]
    assert not [query for query in queries if "offers_sitetype" in query["sql"] and "offers_offer" in query["sql"]]
    response = client.get(LIST, {"export": "csv"})
    text = b"".join(response.streaming_content).decode()
    assert offer.site_type.name in text
    assert ", ".join(sorted(offer.disciplines.values_list("name", flat=True))) in text
    assert Offer.objects.count() == 1


@pytest.fixture
def offers_in_every_state():
    """One offer per state of DESIGN.md, and a live offer past its end (Caduque before the expiry command runs)."""
    structure = StructureFactory()
    manager = UserFactory(structure=structure, roles=[Role.OFFER_MANAGER])
    validator = UserFactory(structure=structure, roles=[Role.OFFER_VALIDATOR])
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    offers = {
        "draft": OfferFactory(structure=structure),
        "published": OfferFactory(structure=structure, published=True),
        "obsolete": OfferFactory(structure=structure, expired=True),
        "lapsed": OfferFactory(
            structure=structure, published=True, publication_start=yesterday - datetime.timedelta(days=30),
            publication_end=yesterday,
        ),
        "to_validate": OfferFactory(structure=structure),
        "validated": OfferFactory(structure=structure, scheduled=True),
    }  # fmt: skip
    offers["to_validate"].save_revision(user=manager)
    offers["to_validate"].get_workflow().start(offers["to_validate"], manager)
    offers["validated"].save_revision(user=validator, approved_go_live_at=offers["validated"].go_live_at)
    return offers


EXPECTED_STATES = {
    "draft": OfferState.DRAFT,
    "published": OfferState.PUBLISHED,
    "obsolete": OfferState.OBSOLETE,
    "lapsed": OfferState.OBSOLETE,
    "to_validate": OfferState.TO_VALIDATE,
    "validated": OfferState.VALIDATED,
}


def test_state_filter_finds_the_offers_the_state_column_shows(client, offers_in_every_state):
    for key, offer in offers_in_every_state.items():
        assert Offer.objects.get(pk=offer.pk).state == EXPECTED_STATES[key], key  # computed in Python
    client.force_login(UserFactory(structure=None, roles=[Role.REGIONAL_ADMIN]))
    for state in OfferState:
        expected = {offer.pk for key, offer in offers_in_every_state.items() if EXPECTED_STATES[key] == state}
        assert set(Offer.objects.in_state(state).values_list("pk", flat=True)) == expected, state
        annotated = Offer.objects.with_state().filter(state=state)
        assert set(annotated.values_list("pk", flat=True)) == expected, state
        html = client.get(LIST, {"state": state}).content.decode()
        shown = {offer.pk for offer in offers_in_every_state.values() if f'data-object-id="{offer.pk}"' in html}
        assert shown == expected, state


def test_state_filter_is_a_plain_where(client, offers_in_every_state):
    """Filtering the list on the state CASE made PostgreSQL evaluate (and JIT-compile) it for every
    offer, twice (count and page): the filter is written as conditions on the row instead."""
    client.force_login(UserFactory(structure=None, roles=[Role.REGIONAL_ADMIN]))
    client.get(LIST, {"state": "draft"})  # warm the caches
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST, {"state": "draft"})
    (count,) = [
        query["sql"]
        for query in queries
        if query["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "offers_offer"')
    ]
    assert "CASE" not in count


def same_html(html):
    """HTML as a browser reads it: any run of whitespace is one space."""
    return re.sub(r"\s+", " ", str(html)).strip()


@pytest.mark.parametrize("role", ["regional_admin", "manager", "validator", "viewer"])
def test_cells_have_the_markup_of_the_wagtail_templates(client, offers_in_every_state, role):
    """The title cell (link, buttons, "more" menu) and the value cells are written in Python: the
    same elements as Wagtail's templates give for the same column, row and user."""
    structure = offers_in_every_state["draft"].structure
    OfferFactory(structure=structure, name='<b>"Zoé" & l\'équipe</b>', published=True)
    user_structure = None if role == "regional_admin" else structure
    client.force_login(UserFactory(structure=user_structure, roles=[ROLES[role]]))
    response = client.get(LIST)
    table = response.context["table"]
    assert table.row_count == 7
    compared = 0
    for row in table.rows:
        context = Context({"table": table, "row": row, "request": response.wsgi_request})
        for column in table.columns.values():
            if isinstance(column, OfferTitleColumn):
                wagtail = TitleColumn.render_cell_html(column, row.instance, context)
            elif isinstance(column, (ValueColumn, BulkActionsCheckboxCellColumn)):
                wagtail = BaseColumn.render_cell_html(column, row.instance, context)  # its template
            else:
                continue
            assert same_html(column.render_cell_html(row.instance, context)) == same_html(wagtail)
            compared += 1
    assert compared == 7 * 8
    # The table around the cells: rows, headers, attributes.
    assert isinstance(table, ListingTable)
    parent = Context({"request": response.wsgi_request})
    assert same_html(table.render_html(parent)) == same_html(Component.render_html(table, parent))
    assert "&lt;b&gt;&quot;Zoé&quot; &amp; l&#x27;équipe&lt;/b&gt;" in response.content.decode()


class CustomComponent(Component):
    def render_html(self, parent_context=None):
        return "<span>custom</span>"


def test_buttons_of_every_kind_render_as_their_templates():
    buttons = [
        ListingButton("Voir <tout>", url="/a?b=1&c=2", icon_name="doc-full", attrs={"aria-label": 'Voir "x"'}),
        Button("Sans lien", icon_name="cross"),
        Button("Sans icône", url="/b/", attrs={"rel": "noopener"}),
        ButtonWithDropdown(
            buttons=[Button("Un", url="/1/", priority=2), Button("Deux", url="/2/", icon_name="copy", priority=1)],
            icon_name="dots-horizontal",
            attrs={"aria-label": "Plus d’options pour « <b> »"},
        ),
        ButtonWithDropdown(buttons=[Button("Un", url="/1/")], label="Actions", classname="extra"),
        CustomComponent(),
    ]
    context = Context({"request": None})
    for button in buttons:
        assert same_html(button_html(button, context)) == same_html(button.render_html(context)), button


def test_value_cells_show_values_as_the_template_does():
    offer = OfferFactory(student_count=1234, publication_start=datetime.date(2030, 3, 4), modalities="<i>À & B</i>")
    context = Context({"table": None, "row": None, "request": None})
    columns = [ValueColumn(name) for name in ("publication_start", "student_count", "modalities", "referent_phone")]
    columns.append(ValueColumn("city", classname="ville"))
    for value in [gettext_lazy("Select"), mark_safe("<b>sûr</b>"), "   ", True, 0, None, offer.structure]:
        columns.append(ValueColumn("custom", accessor=lambda offer, value=value: value))
    for column in columns:
        ours = column.render_cell_html(offer, context)
        assert same_html(ours) == same_html(Column.render_cell_html(column, offer, context)), column.name


def test_the_table_renders_as_its_template_with_a_caption_widths_and_row_classes(client):
    class Striped(ListingTable):
        header_row_classname = "en-tête"

        def get_row_classname(self, instance):
            return "pair" if instance.pk % 2 == 0 else ""

    offers = [OfferFactory(name=f"Offre <{n}>") for n in range(3)]
    columns = [ValueColumn("name", width="40%", classname="nom"), ValueColumn("city")]
    table = Striped(columns, offers, caption='Les "offres" & co', attrs={"data-x": "1"})
    assert same_html(table.render_html({})) == same_html(Component.render_html(table, {}))
    assert 'class="pair"' in table.render_html({})


def test_flat_attributes_are_djangos_flatatt():
    for attrs in [
        {},
        {"type": "button"},
        {"rel": "noopener", "aria-label": 'Voir "x" & <y>', "data-n": 3, "hidden": True, "off": False, "none": None},
        {"title": mark_safe("<b>sûr</b>"), "label": gettext_lazy("Select")},
    ]:
        assert flat_attributes(attrs) == flatatt(attrs), attrs


def test_escape_is_conditional_escape():
    values = ["", "a & <b> \"c\" 'd'", mark_safe("<b>sûr</b>"), gettext_lazy("Select"), 12, None, 1.5]
    values.append(gettext_lazy("More options for '%(title)s'") % {"title": "<i>"})
    for value in values:
        assert str(escape(value)) == str(conditional_escape(value)), value


@pytest.mark.parametrize(
    ("name", "pk"),
    [
        ("wagtailsnippets_offers_offer:inspect", 7),
        ("wagtailsnippets_offers_offer:pdf", 1234567890123),
        ("calendars_admin:offer_matches", 42),  # an <int:…> converter
        ("wagtailsnippets_offers_offer:edit", "12"),  # not an integer: reverse() itself
        ("wagtailsnippets_offers_offer:edit", 0),
    ],
)
def test_object_urls_are_those_of_reverse(name, pk):
    for _ in range(2):  # the first call reverses the placeholder, the next ones reuse it
        assert object_url(name, pk) == reverse(name, args=[quote(pk)])


def test_object_urls_refuse_what_reverse_refuses():
    with pytest.raises(NoReverseMatch):
        object_url("calendars_admin:offer_matches", -1)
    with pytest.raises(NoReverseMatch):
        object_url("calendars_admin:no_such_view", 1)


class PaddedId:
    regex = "[0-9]+"  # accepts the placeholder, and writes it as it is: only small ids are padded

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):08d}"


class EightDigits(PaddedId):
    regex = "[0-9]{8}"  # refuses the placeholder


register_converter(PaddedId, "test_padded_id")
register_converter(EightDigits, "test_eight_digits")
urlpatterns = [
    path("padded/<test_padded_id:pk>/", lambda request, pk: None, name="padded"),
    path("eight/<test_eight_digits:pk>/", lambda request, pk: None, name="eight"),
    path("plain/<int:pk>/", lambda request, pk: None, name="plain"),
]


def test_object_urls_follow_the_url_configuration_the_script_prefix_and_the_converter(settings):
    assert object_url("wagtailsnippets_offers_offer:pdf", 5) == "/admin/snippets/offers/offer/pdf/5/"
    settings.ROOT_URLCONF = __name__
    assert object_url("plain", 5) == reverse("plain", args=[5]) == "/plain/5/"
    # A converter that writes ids its own way: reverse() for every id.
    assert object_url("padded", 5) == reverse("padded", args=[5]) == "/padded/00000005/"
    assert object_url("padded", 12) == "/padded/00000012/"
    assert object_url("eight", 5) == reverse("eight", args=[5]) == "/eight/00000005/"
    set_script_prefix("/portail/")
    try:
        assert object_url("plain", 5) == reverse("plain", args=[5]) == "/portail/plain/5/"
    finally:
        set_script_prefix("/")


def button_summary(buttons):
    """Labels and URLs of the row's buttons, those of the "more" menu included."""
    summary = []
    for button in buttons:
        summary.append((str(button.label), button.url, str(button.aria_label)))
        summary.extend(button_summary(getattr(button, "dropdown_buttons", [])))
    return sorted(summary)


@pytest.mark.parametrize("role", ["regional_admin", "manager", "validator", "viewer", "offerer_admin"])
def test_row_buttons_asked_once_per_structure_and_state_are_the_per_offer_answers(client, role):
    """The list asks the rules once per (structure, state) for the whole page: on a page mixing
    structures and states, each row must still get the buttons of its own offer, the same as a
    view asked about that offer alone (no answer carried over from another row)."""
    mine, other = StructureFactory(), StructureFactory()
    offers = []
    for structure in (mine, other, mine, other):  # interleaved: the first answer for a key is reused
        offers += [
            OfferFactory(structure=structure),
            OfferFactory(structure=structure, published=True),
            OfferFactory(structure=structure, expired=True),
            OfferFactory(structure=structure, scheduled=True),
        ]
    user = UserFactory(structure=None if role == "regional_admin" else mine, roles=[ROLES[role]])
    client.force_login(user)

    def fresh_view():
        return client.get(LIST).context["view"]

    shared = fresh_view()
    listed = Offer.objects.with_state().filter(pk__in=[offer.pk for offer in offers]).order_by("pk")
    for offer in listed:
        answer = button_summary(shared.get_list_buttons(offer))
        assert answer == button_summary(fresh_view().get_list_buttons(offer)), offer
        urls = {url for _label, url, _aria in answer}
        running = offer.state in (OfferState.PUBLISHED, OfferState.VALIDATED)
        assert (url("stop", offer) in urls) == (running and permissions.can_stop_offer(user, offer))
        assert (url("extend", offer) in urls) == (running and permissions.can_extend_offer(user, offer))
        assert (url("duplicate", offer) in urls) == permissions.can_duplicate_offer(user, offer)
        assert (url("delete", offer) in urls) == permissions.can_delete_offer(user, offer)
        if role == "manager" and offer.structure == other:
            assert url("stop", offer) not in urls and url("duplicate", offer) not in urls
    # (rule, structure, state), not per offer: stop, extend, duplicate and delete.
    assert len(shared.rule_answers._answers) <= 4 * 2 * 4


def test_list_rule_answers_are_the_rules_per_offer():
    mine, other = StructureFactory(), StructureFactory()
    manager = UserFactory(structure=mine, roles=[Role.OFFER_MANAGER])
    answers = permissions.ListRuleAnswers(manager)
    offers = Offer.objects.with_state().filter(
        pk__in=[OfferFactory(structure=structure, published=True).pk for structure in (mine, other, mine)]
    )
    for offer in offers.order_by("pk"):
        for rule in (permissions.can_stop_offer, permissions.can_duplicate_offer):
            assert answers(rule, offer) == rule(manager, offer) == (offer.structure_id == mine.pk)
        assert answers(permissions.can_delete_offer, offer) is permissions.can_delete_offer(manager, offer) is False


@pytest.mark.parametrize("role", ["regional_admin", "manager", "validator", "viewer"])
def test_row_urls_are_wagtails(client, role):
    """The list builds the edit, inspect and delete URLs once per page: the same as Wagtail's, the
    delete URL only where the offer's own rule allows it (Wagtail asks the model permission only)."""
    structure = StructureFactory()
    offers = [OfferFactory(structure=structure), OfferFactory(structure=structure, published=True)]
    user = UserFactory(structure=None if role == "regional_admin" else structure, roles=[ROLES[role]])
    client.force_login(user)
    view = client.get(LIST).context["view"]
    for offer in Offer.objects.with_state().filter(pk__in=[offer.pk for offer in offers]):
        for method in ("get_edit_url", "get_inspect_url"):
            assert getattr(view, method)(offer) == getattr(IndexView, method)(view, offer), method
        wagtails = IndexView.get_delete_url(view, offer)
        assert view.get_delete_url(offer) == (wagtails if permissions.can_delete_offer(user, offer) else None)


@pytest.mark.parametrize("role", ["regional_admin", "manager", "validator", "viewer"])
def test_the_list_reads_each_offer_once_whatever_the_role(client, role):
    """The list loads only the offers' fields it shows: a field read but not loaded would cost a
    query per row (the list's query count is pinned for the regional administrator only)."""
    structure = StructureFactory()
    client.force_login(UserFactory(structure=None if role == "regional_admin" else structure, roles=[ROLES[role]]))

    def queries():
        client.get(LIST)  # warm the caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    OfferFactory(structure=structure, published=True)
    at_one = queries()
    for kind in ({}, {"published": True}, {"expired": True}, {"scheduled": True}):
        OfferFactory(structure=structure, **kind)
    assert queries() == at_one
