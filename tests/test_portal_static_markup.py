"""{% static_markup %}: the DSFR's asset tags rendered once per process, the same as rendered each time."""

from django.template import Context, Template
from django.test import override_settings

HEAD = "{% dsfr_css %}{% dsfr_favicon %}<link href=\"{% static 'css/portal.css' %}\">"
LOAD = "{% load portal_tags dsfr_tags static %}"


def render(source, **context):
    return Template(LOAD + source).render(Context(context))


def test_the_head_assets_are_those_of_the_dsfr_tags():
    once = Template(LOAD + "{% static_markup %}" + HEAD + "{% endstatic_markup %}")
    assert once.render(Context()) == render(HEAD)
    assert once.render(Context()) == render(HEAD)  # the kept copy
    assert "dsfr.min.css" in render(HEAD) and "favicon.svg" in render(HEAD)


def test_the_content_is_rendered_once_then_copied():
    once = Template(LOAD + "{% static_markup %}{{ value }}{% endstatic_markup %}")
    assert once.render(Context({"value": "first"})) == "first"
    assert once.render(Context({"value": "second"})) == "first"


def test_new_static_settings_render_it_again():
    once = Template(LOAD + "{% static_markup %}" + HEAD + "{% endstatic_markup %}")
    assert "/static/css/portal.css" in once.render(Context())
    with override_settings(STATIC_URL="/assets/"):
        assert '"/assets/css/portal.css"' in once.render(Context())
    assert '"/static/css/portal.css"' in once.render(Context())


def test_every_copy_gets_the_request_nonce_or_none():
    once = Template(
        LOAD + "{% static_markup nonce=nonce %}{% dsfr_js nonce=static_markup_nonce %}{% endstatic_markup %}"
    )
    for nonce in ("nonce-one", "nonce-two", "", "nonce-<three>"):
        assert once.render(Context({"nonce": nonce})) == render("{% dsfr_js nonce=nonce %}", nonce=nonce), nonce
    assert 'nonce="nonce-two"' in once.render(Context({"nonce": "nonce-two"}))
    assert "nonce=" not in once.render(Context({"nonce": ""}))


def test_public_pages_keep_their_assets(client, site):
    for _twice in range(2):
        html = client.get("/offres/").content.decode()
        assert html.count("dsfr.module.min.js") == 1 and html.count("dsfr.min.css") == 1
        assert 'href="/static/css/portal.css"' in html
