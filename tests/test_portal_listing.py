"""The public listing /offres/: visibility, ordering, filters, counts, pagination, query count."""

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.departements import DEPARTEMENT_CHOICES
from accounts.models import Structure
from offers.models import Offer, SiteType, Theme
from offers.public_filters import FACET_COLUMNS, PERIOD_KINDS, PublicOfferFilterForm, facet_counts
from tests.factories.accounts import StructureFactory
from tests.factories.offers import OfferFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def listed_names(response):
    """Names of the offers shown as cards, in page order."""
    return re.findall(r'<h3 class="fr-card__title"><a href="/offres/\d+/">([^<]+)</a>', response.content.decode())


def title(response):
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


@pytest.fixture
def theme_sleep():
    return Theme.objects.get(name="Sommeil")


@pytest.fixture
def theme_food():
    return Theme.objects.get(name="Alimentation")


def test_only_published_offers_are_listed(client, site):
    OfferFactory(name="Publiée", published=True)
    OfferFactory(name="Brouillon")
    OfferFactory(name="Validée future", scheduled=True)
    OfferFactory(name="Caduque", expired=True)
    # Still live (the scheduled command has not run yet) but past its publication end.
    OfferFactory(
        name="Expirée sans commande",
        published=True,
        publication_start=timezone.localdate() - datetime.timedelta(days=30),
        publication_end=timezone.localdate() - datetime.timedelta(days=1),
    )
    OfferFactory(name="Structure refusée", published=True, structure=StructureFactory(refused=True))
    response = client.get("/offres/")
    assert response.status_code == 200
    assert listed_names(response) == ["Publiée"]
    assert "1 offre" in response.content.decode()


def test_offer_awaiting_validation_is_not_listed(client, site):
    # À valider: a draft with a workflow in progress is still not live.
    offer = OfferFactory(name="À valider")
    offer.save_revision()
    assert listed_names(client.get("/offres/")) == []


def test_newest_publication_start_first(client, site):
    for days, name in [(3, "Ancienne"), (0, "Récente"), (1, "Moyenne")]:
        OfferFactory(name=name, published=True, publication_start=today() - datetime.timedelta(days=days))
    assert listed_names(client.get("/offres/")) == ["Récente", "Moyenne", "Ancienne"]


def test_card_shows_structure_town_departement_theme_and_dates(client, site, theme_sleep):
    structure = StructureFactory(name="Lycée Montaigne")
    OfferFactory(
        name="Sommeil des ados",
        published=True,
        structure=structure,
        theme=theme_sleep,
        city="Pau",
        postcode="64000",
        period_start=datetime.date(2027, 3, 1),
        period_end=datetime.date(2027, 4, 12),
        publication_end=datetime.date(2027, 2, 1),
    )
    html = client.get("/offres/").content.decode()
    assert "Lycée Montaigne — Pau (64 – Pyrénées-Atlantiques)" in html
    assert '<p class="fr-tag fr-tag--sm">Sommeil</p>' in html
    assert "du 1 mars 2027" in html and "au 12 avril 2027" in html
    assert "Publiée jusqu’au 1 février 2027" in html or "Publiée jusqu'au 1 février 2027" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=dentaire", ["Brossage dentaire"]),  # name
        ("q=EHPAD", ["Gym douce"]),  # description, case-insensitive
        ("q=Mérignac", ["Gym douce"]),  # town
        ("q=collège+jaurès", ["Brossage dentaire"]),  # structure, every word must match
        ("q=introuvable", []),
    ],
)
def test_text_search(client, site, query, expected):
    OfferFactory(name="Brossage dentaire", published=True, structure=StructureFactory(name="Collège Jean Jaurès"))
    OfferFactory(
        name="Gym douce", description="Activité physique en EHPAD.", city="Mérignac", postcode="33700", published=True
    )
    assert listed_names(client.get(f"/offres/?{query}")) == expected


def test_filter_by_theme_site_type_structure_departement_and_period(client, site, theme_sleep, theme_food):
    school = SiteType.objects.get(name="Association")
    structure = StructureFactory(name="Asso Santé")
    OfferFactory(name="A", published=True, theme=theme_sleep, postcode="33000", period_kind="continuous")
    OfferFactory(name="B", published=True, theme=theme_food, postcode="64000", period_kind="split")
    OfferFactory(
        name="C", published=True, theme=theme_food, postcode="33000", site_type=school, structure=structure,
        period_kind="split_or_continuous",
    )  # fmt: skip

    def names(query):
        return sorted(listed_names(client.get(f"/offres/?{query}")))

    assert names(f"thematique={theme_sleep.slug}") == ["A"]
    assert names("departement=64") == ["B"]
    assert names(f"terrain={school.slug}") == ["C"]
    assert names(f"structure={structure.pk}") == ["C"]
    assert names("periode=continuous") == ["A", "C"]
    assert names("periode=split") == ["B", "C"]
    # Combined filters narrow each other.
    assert names(f"thematique={theme_food.slug}&departement=33") == ["C"]
    assert names(f"thematique={theme_food.slug}&periode=split&departement=64") == ["B"]
    assert names(f"thematique={theme_sleep.slug}&departement=64") == []


def test_each_option_shows_the_count_of_matching_offers(client, site, theme_sleep, theme_food):
    OfferFactory.create_batch(2, published=True, theme=theme_sleep, postcode="33000")
    OfferFactory(published=True, theme=theme_food, postcode="64000")
    OfferFactory(theme=theme_food, postcode="64000")  # draft: never counted
    html = client.get("/offres/").content.decode()
    assert f'<option value="{theme_sleep.slug}">Sommeil (2 offres)</option>' in html
    assert f'<option value="{theme_food.slug}">Alimentation (1 offre)</option>' in html
    assert '<option value="33">33 – Gironde (2 offres)</option>' in html
    assert '<option value="64">64 – Pyrénées-Atlantiques (1 offre)</option>' in html
    assert '<option value="continuous">Continue (3 offres)</option>' in html
    # Counts of an option apply the other active filters, and the chosen option stays selected.
    html = client.get("/offres/?departement=33").content.decode()
    assert f'<option value="{theme_food.slug}">Alimentation (0 offre)</option>' in html
    assert '<option value="33" selected>33 – Gironde (2 offres)</option>' in html
    assert '<option value="64">64 – Pyrénées-Atlantiques (1 offre)</option>' in html


def test_every_filter_has_a_label(client, site):
    html = client.get("/offres/").content.decode()
    for name in ["q", "thematique", "departement", "terrain", "structure", "periode"]:
        assert f'<label class="fr-label" for="id_{name}">' in html
        assert f'id="id_{name}" name="{name}"' in html


@pytest.mark.parametrize(
    "query",
    [
        "structure=abc",
        "structure=-3",
        "structure=99999999999999999999",
        "departement=999",
        "periode=weekend",
        "thematique=%3Cscript%3E",
        "page=abc",
        "page=9999",
        "q=" + "x" * 300,
        "thematique=inconnue",
    ],
)
def test_bad_filter_values_never_fail(client, site, query):
    OfferFactory(name="Visible", published=True)
    response = client.get(f"/offres/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    if query != "thematique=inconnue" and not query.startswith("page="):
        assert "Ce filtre est ignoré." in html
        assert listed_names(response) == ["Visible"]
    assert "<script>" not in html.split("<main", 1)[1].split("</main>")[0]


def test_invalid_value_shows_a_french_error(client, site):
    html = client.get("/offres/?structure=abc").content.decode()
    assert "Saisissez un nombre entier." in html


@pytest.mark.parametrize("value", ["999", "33 ", "<b>"])
def test_an_unknown_departement_gets_the_error_of_a_choice_field(value):
    """The département is checked in a set of codes, with Django's own error for a bad choice."""
    from django import forms
    from django.http import QueryDict
    from django.utils import translation

    reference = forms.ChoiceField(choices=[("33", "33")], required=False)
    with translation.override("fr"):
        with pytest.raises(forms.ValidationError) as expected:
            reference.clean(value)
        form = PublicOfferFilterForm(QueryDict(urlencode({"departement": value})))
        assert form.errors["departement"] == expected.value.messages
    assert "departement" not in form.active
    assert PublicOfferFilterForm(QueryDict("departement=2A")).active == {"departement": "2A"}


def test_empty_result_says_so_and_offers_a_reset(client, site, theme_sleep):
    OfferFactory(published=True)
    response = client.get(f"/offres/?thematique={theme_sleep.slug}&q=rien")
    html = response.content.decode()
    assert "Aucune offre publiée ne correspond à ces filtres." in html
    assert 'href="/offres/">Réinitialiser les filtres</a>' in html


def test_empty_site_says_no_offer_is_published(client, site):
    assert "Aucune offre n’est publiée pour le moment." in client.get("/offres/").content.decode() or (
        "Aucune offre n'est publiée pour le moment." in client.get("/offres/").content.decode()
    )


def test_pagination_keeps_the_filters(client, site, theme_sleep):
    for day in range(45):
        OfferFactory(
            name=f"Offre {day:02d}",
            published=True,
            theme=theme_sleep,
            publication_start=today() - datetime.timedelta(days=day),
        )
    OfferFactory(name="Autre thème", published=True)
    first = client.get(f"/offres/?thematique={theme_sleep.slug}")
    assert len(listed_names(first)) == 20
    assert listed_names(first)[0] == "Offre 00"
    assert "45 offres" in first.content.decode()
    assert f"?thematique={theme_sleep.slug}&amp;page=2" in first.content.decode()
    assert "page 1 / 3" in title(first)
    assert "Thématique : Sommeil" in title(first)
    third = client.get(f"/offres/?thematique={theme_sleep.slug}&page=3")
    assert listed_names(third) == [f"Offre {day:02d}" for day in range(40, 45)]
    assert "page 3 / 3" in title(third)
    assert 'class="fr-pagination"' in third.content.decode()


def test_title_shows_the_filters(client, site):
    OfferFactory(published=True)
    assert "Département : 33 – Gironde" in title(client.get("/offres/?departement=33&periode=split"))
    assert "Période : Fractionnée" in title(client.get("/offres/?departement=33&periode=split"))
    assert "« atelier »" in title(client.get("/offres/?q=atelier"))


@pytest.mark.parametrize(
    "query", ["", "?page=2", "?departement=33&thematique=alimentation&periode=continuous&q=atelier&structure=1"]
)
def test_constant_queries_whatever_the_number_of_offers(client, site, django_assert_max_num_queries, query):
    """1 offer, then 31 offers from 31 structures (two pages): the same number of queries."""
    theme = Theme.objects.get(slug="alimentation")
    first = OfferFactory(published=True, theme=theme)
    query = query.replace("structure=1", f"structure={first.structure_id}")
    client.get("/offres/")  # warm up Wagtail's site lookup
    cache.clear()
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"/offres/{query}").status_code == 200
    same_structure = {"structure": first.structure} if "structure" in query else {}
    OfferFactory.create_batch(30, published=True, theme=theme, **same_structure)
    cache.clear()
    with django_assert_max_num_queries(len(one.captured_queries)) as many:
        response = client.get(f"/offres/{query}")
    assert listed_names(response)
    assert len(many.captured_queries) == len(one.captured_queries)


def test_home_page_shows_latest_offers_in_constant_queries(client, site, django_assert_num_queries):
    OfferFactory(name="Sur l'accueil", published=True)
    OfferFactory(name="Brouillon caché")
    response = client.get("/")
    html = response.content.decode()
    assert "Sur l&#x27;accueil" in html or "Sur l'accueil" in html
    assert "Brouillon caché" not in html
    # Measured with empty caches both times: the new offers purge the cached routing and menus.
    cache.clear()
    with CaptureQueriesContext(connection) as one:
        client.get("/")
    OfferFactory.create_batch(10, published=True)
    cache.clear()
    with django_assert_num_queries(len(one.captured_queries)):
        client.get("/")


def test_structure_status_refused_hides_its_offers_from_counts(client, site):
    refused = StructureFactory(name="Refusée", status=Structure.Status.REFUSED)
    OfferFactory(published=True, structure=refused)
    html = client.get("/offres/").content.decode()
    assert "Refusée" not in html
    assert "0 offre" in html
    assert Offer.objects.count() == 1


def test_every_option_counts_what_choosing_it_would_list(site, theme_sleep, theme_food):
    """The one-query facet counts against a plain count per option (every filter but the option's own)."""
    association = SiteType.objects.get(name="Association")
    structures = [StructureFactory(name=f"Structure {letter}") for letter in "ABC"]
    for index in range(12):
        OfferFactory(
            published=index % 5 != 4,  # some drafts, never counted
            theme=[theme_sleep, theme_food][index % 2],
            postcode=["33000", "64000", "17000"][index % 3],
            site_type=association if index % 4 == 0 else SiteType.objects.order_by("pk").first(),
            structure=structures[index % 3],
            period_kind=list(Offer.PeriodKind)[index % 3],
            name=f"Atelier {'sommeil' if index % 2 else 'cuisine'} {index}",
        )
    OfferFactory(published=True, structure=StructureFactory(refused=True))  # never counted
    lookups = {
        "thematique": lambda value: {"theme__slug": value},
        "terrain": lambda value: {"site_type__slug": value},
        "departement": lambda value: {"department": value},
        "structure": lambda value: {"structure_id": int(value)},
        "periode": lambda value: {"period_kind__in": PERIOD_KINDS[value]},
    }
    combinations = [
        {},
        {"departement": "33"},
        {"thematique": theme_food.slug, "departement": "64"},
        {"q": "sommeil", "terrain": association.slug, "periode": "split"},
        {"structure": str(structures[1].pk), "periode": "continuous", "thematique": theme_sleep.slug},
        {"q": "atelier", "departement": "17", "terrain": association.slug, "structure": str(structures[2].pk)},
    ]
    for data in combinations:
        form = PublicOfferFilterForm(data)
        facets, total = facet_counts(form, Offer.objects.published(), with_total=True)
        assert total == form.filter_queryset(Offer.objects.published()).count(), data
        for name in FACET_COLUMNS:
            others = form.filter_queryset(Offer.objects.published(), exclude=name)
            for option in facets[name]:
                assert option.count == others.filter(**lookups[name](option.value)).count(), (data, option)
                assert option.selected == (str(form.active.get(name, "")) == option.value)


def test_option_labels_are_escaped(client, site):
    OfferFactory(published=True, structure=StructureFactory(name='Asso <b>"Santé" & Co</b>'))
    html = client.get("/offres/").content.decode()
    structure_select = html.split('id="id_structure"', 1)[1].split("</select>", 1)[0]
    assert "Asso &lt;b&gt;&quot;Santé&quot; &amp; Co&lt;/b&gt; (1 offre)</option>" in structure_select
    assert "<b>" not in structure_select


@pytest.mark.parametrize("facets_cache", [600, 0], ids=["page starts cached", "offset"])
def test_deep_pages_keep_the_order_and_every_offer_once(client, site, settings, facets_cache):
    """Pages are read by ids, from the cached first row of each page or by offset: newest publication
    first, then the highest id (an offer without a start where the database sorts it); none twice,
    none missing, on every page, filtered or not."""
    settings.PORTAL_FACETS_CACHE_TIMEOUT = facets_cache
    settings.PORTAL_CACHE_TIMEOUT = 0
    theme, other = Theme.objects.get(name="Sommeil"), Theme.objects.get(name="Alimentation")
    for index in range(25):
        OfferFactory(name=f"Offre {index:02d}", published=True, publication_start=today() - datetime.timedelta(days=1))
    for index in range(20):
        OfferFactory(name=f"Récente {index:02d}", published=True, theme=theme if index % 2 else other)
    for index in range(3):
        OfferFactory(name=f"Sans date {index}", published=True, publication_start=None, theme=theme)
    OfferFactory(name="Brouillon", publication_start=None)
    for query in ["", f"thematique={theme.slug}&"]:
        expected = list(
            PublicOfferFilterForm({"thematique": theme.slug} if query else {})
            .filter_queryset(Offer.objects.published())
            .order_by("-publication_start", "-pk")
            .values_list("name", flat=True)
        )
        for _twice in range(2):  # counted, then from the cache
            pages = range(1, len(expected) // 20 + 2)
            shown = [name for page in pages for name in listed_names(client.get(f"/offres/?{query}page={page}"))]
            assert shown == expected
    assert len(expected) == 13 and "Sans date 0" in expected and len(pages) == 1


def test_the_departement_shown_is_djangos_own_display():
    field = Offer._meta.get_field("department")
    for code, _label in DEPARTEMENT_CHOICES + [("XX", "")]:
        offer = Offer(department=code)
        assert offer.get_department_display() == Model._get_FIELD_display(offer, field)
