"""The offer card written in Python (portal.cards) is, byte for byte, the template it replaced."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.template import Context, Template
from django.utils import translation

from offers.models import Offer
from portal.cards import offer_card
from portal.listing import _cards
from tests.factories.accounts import StructureFactory
from tests.factories.offers import OfferFactory

pytestmark = pytest.mark.django_db

# portal/templates/portal/includes/offer_card.html as it was, rendered once per card.
REFERENCE_TEMPLATE = """{% load i18n %}{# One offer as a DSFR card. Needs `offer` (structure and theme selected) and `index_url`. #}
<div class="fr-card fr-enlarge-link fr-card--horizontal fr-card--horizontal-tier">
  <div class="fr-card__body">
    <div class="fr-card__content">
      <{{ heading|default:"h3" }} class="fr-card__title"><a href="{{ index_url }}{{ offer.pk }}/">{{ offer.name }}</a></{{ heading|default:"h3" }}>
      <p class="fr-card__desc">{{ offer.structure.name }} — {{ offer.city }} ({{ offer.get_department_display }})</p>
      <div class="fr-card__start">
        <ul class="fr-tags-group"><li><p class="fr-tag fr-tag--sm">{{ offer.theme.name }}</p></li></ul>
      </div>
      <div class="fr-card__end">
        {% if offer.period_start or offer.period_end %}
          <p class="fr-card__detail fr-icon-calendar-line">{% translate "Period:" %} {% if offer.period_start %}{% blocktranslate with start=offer.period_start|date:"j F Y" %}from {{ start }}{% endblocktranslate %}{% endif %} {% if offer.period_end %}{% blocktranslate with end=offer.period_end|date:"j F Y" %}to {{ end }}{% endblocktranslate %}{% endif %} ({{ offer.get_period_kind_display|lower }})</p>
        {% endif %}
        {% if offer.publication_end %}
          <p class="fr-card__detail fr-icon-time-line">{% blocktranslate with end=offer.publication_end|date:"j F Y" %}Published until {{ end }}{% endblocktranslate %}</p>
        {% endif %}
      </div>
    </div>
  </div>
  {% if offer.structure.logo %}
    <div class="fr-card__header">
      <div class="fr-card__img portal-card-logo"><img class="fr-responsive-img" src="{{ offer.structure.logo.url }}" alt=""></div>
    </div>
  {% endif %}
</div>
"""  # noqa: E501

DAY = datetime.date(2027, 3, 1)
PERIODS = {
    "both dates": {"period_start": DAY, "period_end": DAY + datetime.timedelta(days=42)},
    "start only": {"period_start": DAY, "period_end": None},
    "end only": {"period_start": None, "period_end": DAY},
    "no dates": {"period_start": None, "period_end": None},
}


def reference_card(offer, index_url):
    return Template(REFERENCE_TEMPLATE).render(Context({"offer": offer, "index_url": index_url}))


def as_listed(offer):
    """The offer as the listing reads it (only the card's columns, structure and theme joined)."""
    return _cards(Offer.objects.filter(pk=offer.pk)).get()


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("publication_end", [DAY + datetime.timedelta(days=90), None], ids=["ends", "open-ended"])
@pytest.mark.parametrize("kind", list(Offer.PeriodKind))
def test_the_card_is_the_template_it_replaced(site, period, publication_end, kind):
    offer = as_listed(
        OfferFactory(published=True, period_kind=kind, publication_end=publication_end, **PERIODS[period])
    )
    with translation.override("fr"):
        card = offer_card(offer, "/offres/")
        assert card == reference_card(offer, "/offres/")
    assert ("du 1 mars 2027" in card) == (offer.period_start is not None)
    assert ("Période :" in card) == (offer.period_start is not None or offer.period_end is not None)


def test_every_value_is_escaped_as_the_template_did(site):
    structure = StructureFactory(name='Asso <b>"L\'Étoile"</b> & Cie')
    offer = as_listed(
        OfferFactory(
            published=True, name="<script>alert('x')</script> & co", structure=structure, city="Saint-Jean-d'Angély"
        )
    )
    with translation.override("fr"):
        card = offer_card(offer, "/offres/?a=1&b=2/")
        assert card == reference_card(offer, "/offres/?a=1&b=2/")
    assert "<script>" not in card and "&lt;script&gt;" in card


def test_a_structure_logo_is_shown_as_the_template_did(site):
    structure = StructureFactory(name="Avec logo")
    structure.logo.save("logo.png", ContentFile(b"\x89PNG\r\n"), save=True)
    offer = as_listed(OfferFactory(published=True, structure=structure))
    card = offer_card(offer, "/offres/")
    assert card == reference_card(offer, "/offres/")
    assert f'src="{structure.logo.url}" alt=""' in card


def test_the_cards_of_the_listing_home_page_and_withdrawn_offer_page(client, site):
    offer = OfferFactory(name="Atelier carte", published=True)
    gone = OfferFactory(name="Retirée", published=True, theme=offer.theme)
    gone.unpublish()
    expected = str(offer_card(as_listed(offer), "/offres/"))
    for path in ("/offres/", "/", f"/offres/{gone.pk}/"):
        assert expected in client.get(path).content.decode(), path
