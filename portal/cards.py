"""The DSFR card of an offer (listing, home page, similar offers), written in Python.

The listing shows twenty cards: as an included template, each cost more than the rest of the page's
content (a context pushed, some thirty variables resolved, four `{% blocktranslate %}`). This writes
the very same markup, byte for byte (tests/test_portal_cards.py renders the template it replaced
next to it): same messages, dates and numbers formatted by the same Django functions, every value
escaped as the template's autoescape did.
"""

from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

CARD_DATE_FORMAT = "j F Y"


def _date(value):
    # `{{ value|date:"j F Y" }}` given to `{% blocktranslate %}`, which escapes it.
    return conditional_escape(date_format(value, CARD_DATE_FORMAT))


def _period(offer):
    start = _("from %(start)s") % {"start": _date(offer.period_start)} if offer.period_start else ""
    end = _("to %(end)s") % {"end": _date(offer.period_end)} if offer.period_end else ""
    kind = conditional_escape(str(offer.get_period_kind_display()).lower())
    label = _("Period:")  # not inside the f-string, where makemessages would not find it
    return f'<p class="fr-card__detail fr-icon-calendar-line">{label} {start} {end} ({kind})</p>'


def _publication(offer):
    until = _("Published until %(end)s") % {"end": _date(offer.publication_end)}
    return f'<p class="fr-card__detail fr-icon-time-line">{until}</p>'


def offer_card(offer, index_url):
    """The card of `offer` (its structure and theme selected), linking to `{index_url}{offer.pk}/`."""
    structure = offer.structure
    escape = conditional_escape
    department, theme = escape(offer.get_department_display()), escape(offer.theme.name)
    period = f"\n          {_period(offer)}\n        " if offer.period_start or offer.period_end else ""
    publication = f"\n          {_publication(offer)}\n        " if offer.publication_end else ""
    logo = (
        '\n    <div class="fr-card__header">\n'
        '      <div class="fr-card__img portal-card-logo">'
        f'<img class="fr-responsive-img" src="{escape(structure.logo.url)}" alt=""></div>\n'
        "    </div>\n  "
        if structure.logo
        else ""
    )
    return mark_safe(  # noqa: S308 -- every value is escaped above and below; messages are trusted as in templates
        "\n"
        '<div class="fr-card fr-enlarge-link fr-card--horizontal fr-card--horizontal-tier">\n'
        '  <div class="fr-card__body">\n'
        '    <div class="fr-card__content">\n'
        f'      <h3 class="fr-card__title"><a href="{escape(index_url)}{offer.pk}/">{escape(offer.name)}</a></h3>\n'
        f'      <p class="fr-card__desc">{escape(structure.name)} — {escape(offer.city)} ({department})</p>\n'
        '      <div class="fr-card__start">\n'
        f'        <ul class="fr-tags-group"><li><p class="fr-tag fr-tag--sm">{theme}</p></li></ul>\n'
        "      </div>\n"
        '      <div class="fr-card__end">\n'
        f"        {period}\n"
        f"        {publication}\n"
        "      </div>\n"
        "    </div>\n"
        "  </div>\n"
        f"  {logo}\n"
        "</div>\n"
    )
