from django import template
from django.utils.translation import get_language

from portal import cards, fragments

register = template.Library()


@register.simple_tag
def offer_card(offer, index_url):
    """The DSFR card of an offer (`portal.cards.offer_card`)."""
    return cards.offer_card(offer, index_url)


@register.simple_tag(takes_context=True)
def public_fragment(context, template_name, *vary_on):
    """`{% include template_name %}`, kept in the fragments cache (`portal.fragments`): for the header
    and the footer, whose menu links are pages of the site, so that a page published, moved or
    unpublished shows in them at once. `vary_on`: what else the fragment shows (the header marks the
    current section of the site); the host and the language are part of the key."""
    fragment = context.template.engine.get_template(template_name)

    def render():
        with context.push():
            return fragment.render(context)

    request = context.get("request")
    if request is None:  # e.g. a page rendered without a request context
        return render()
    name = ":".join(["include", template_name, request.get_host(), get_language() or "", *map(str, vary_on)])
    return fragments.cached(request, name, render)
