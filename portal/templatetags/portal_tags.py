from django import template
from django.conf import STATICFILES_STORAGE_ALIAS, settings
from django.core.files.storage import storages
from django.utils.html import conditional_escape
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


# Stands for the request's CSP nonce in the copy of `{% static_markup %}` kept per process.
STATIC_MARKUP_NONCE = "__portal_static_markup_nonce__"


def static_files_state():
    """What the URLs of the static files depend on: the storage (a new instance whenever STORAGES,
    STATIC_URL or STATIC_ROOT change), DEBUG (unhashed names) and the DSFR's integrity switch."""
    return (
        storages[STATICFILES_STORAGE_ALIAS],
        settings.DEBUG,
        getattr(settings, "DSFR_USE_INTEGRITY_CHECKSUMS", True),
    )


class StaticMarkupNode(template.Node):
    def __init__(self, nodelist, nonce):
        self.nodelist = nodelist
        self.nonce = nonce
        self.rendered = {}  # {(static files state, with a nonce): markup}, for the current state only

    def render(self, context):
        nonce = str(self.nonce.resolve(context) or "") if self.nonce else ""
        key = (static_files_state(), bool(nonce))
        markup = self.rendered.get(key)
        if markup is None:
            with context.push(static_markup_nonce=STATIC_MARKUP_NONCE if nonce else ""):
                markup = self.nodelist.render(context)
            self.rendered = {key: markup}
        return markup.replace(STATIC_MARKUP_NONCE, conditional_escape(nonce)) if nonce else markup


@register.tag
def static_markup(parser, token):
    """`{% static_markup [nonce=…] %}…{% endstatic_markup %}`: content rendered once per process, then copied.

    For the DSFR's stylesheet, favicon and script tags: rendering their inclusion tags and static
    URLs took some 1 ms per page, for markup that only the deployed static files determine (their
    hashed names: a deployment restarts the processes; tests changing the static settings get a new
    storage, hence a new rendering). The content must use no other variable, except the request's
    CSP nonce, given as `nonce=` and used inside as `static_markup_nonce`: each copy gets the
    request's own.
    """
    bits = token.split_contents()
    nonce = None
    for bit in bits[1:]:
        name, _equals, value = bit.partition("=")
        if name != "nonce" or not value:
            raise template.TemplateSyntaxError(f"{bits[0]} takes only nonce=…, not {bit!r}")
        nonce = parser.compile_filter(value)
    nodelist = parser.parse(("endstatic_markup",))
    parser.delete_first_token()
    return StaticMarkupNode(nodelist, nonce)
