"""Security headers on every response, a Content-Security-Policy that the public pages and the
Wagtail admin work with, admin session expiry and CSRF everywhere."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.http import HttpResponse
from django.template import engines
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path
from django.utils import timezone
from freezegun import freeze_time
from wagtail.models import Page
from wagtail.snippets.models import get_snippet_models

from accounts.roles import Role
from config import urls as config_urls
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PUBLIC_URLS = [
    "/",
    "/offres/",
    "/documentation/",
    "/documentation/creer-un-compte-offreur/",
    "/mentions-legales/",
    "/accessibilite/",
    "/donnees-personnelles/",
    "/nulle-part/",  # 404
    "/healthz",
    "/admin/login/",
    "/admin/password_reset/",
]
ADMIN_URLS = [
    "/admin/",
    "/admin/pages/",
    "/admin/users/",
    "/admin/groups/",
    "/admin/documents/",
    "/admin/images/",
    "/admin/reports/site-history/",
    "/admin/account/",
]


def csp(response):
    """The Content-Security-Policy as {directive: [sources]}."""
    policy = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        policy[name] = sources
    return policy


class Scripts(HTMLParser):
    """Collect the <script> and <style> tags and the style attributes of a page."""

    def __init__(self, html):
        super().__init__()
        self.scripts, self.styles, self.style_attributes = [], [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        elif tag == "style":
            self.styles.append(attrs)
        if "style" in attrs:
            self.style_attributes.append((tag, attrs["style"]))


def executable_inline(scripts):
    return [s for s in scripts if "src" not in s and s.get("type", "text/javascript") != "application/json"]


@pytest.fixture
def superuser():
    return UserFactory(is_superuser=True, structure=None)


def assert_common_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    policy = csp(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    for sources in policy.values():
        assert "'unsafe-eval'" not in sources
        assert not [s for s in sources if s.startswith("http") or s == "*"], "no foreign origin"


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_responses_carry_the_security_headers(client, site, url):
    response = client.get(url)

    assert response.status_code in (200, 404)
    assert_common_headers(response)
    assert response["X-Frame-Options"] == "DENY"
    policy = csp(response)
    assert policy["frame-ancestors"] == ["'none'"]
    if not url.startswith("/admin/"):
        assert "'unsafe-inline'" not in policy["script-src"]
        assert policy["style-src"] == ["'self'"]


@pytest.mark.parametrize("url", [u for u in PUBLIC_URLS if not u.startswith(("/admin/", "/healthz"))])
def test_public_pages_need_nothing_the_policy_refuses(client, site, url):
    """Scripts come from our origin (or carry the request's nonce); no inline style: the page
    works under the strict public policy."""
    response = client.get(url)
    html = response.content.decode()
    page = Scripts(html)
    policy = csp(response)

    assert page.scripts, "the DSFR scripts are there"
    for script in page.scripts:
        if "src" in script:
            assert script["src"].startswith("/static/"), script
    nonces = [f"'nonce-{s.get('nonce')}'" for s in executable_inline(page.scripts)]
    assert all(nonce in policy["script-src"] for nonce in nonces), "inline scripts carry the request's nonce"
    assert page.styles == [] and page.style_attributes == [], "inline styles are refused: use static CSS"


@pytest.mark.urls("tests.test_security_headers")
def test_a_template_using_the_nonce_gets_it_in_the_policy(client):
    response = client.get("/nonce/")

    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in csp(response)["script-src"]
    assert client.get("/nonce/")["Content-Security-Policy"] != response["Content-Security-Policy"], "one per request"


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_admin_responses_carry_the_security_headers(client, site, superuser, url):
    client.force_login(superuser)

    response = client.get(url)

    assert response.status_code == 200
    assert_common_headers(response)
    assert response["X-Frame-Options"] == "DENY"
    policy = csp(response)
    assert policy["frame-ancestors"] == ["'none'"]
    # Wagtail 8 writes inline scripts without a nonce: 'unsafe-inline', and so no nonce at all.
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]


def test_admin_login_page_renders_its_scripts_from_our_origin(client, site):
    response = client.get("/admin/login/")

    html = response.content.decode()
    page = Scripts(html)
    sources = [s["src"] for s in page.scripts if "src" in s]
    assert any(src.startswith("/static/wagtailadmin/js/core.js") for src in sources)
    assert any(src.startswith("/static/wagtailadmin/js/vendor.js") for src in sources)
    assert all(src.startswith("/") and not src.startswith("//") for src in sources)
    assert "'self'" in csp(response)["script-src"]
    assert 'name="csrfmiddlewaretoken"' in html


def listing_urls():
    from django.urls import reverse

    urls = ["/admin/users/"]  # a generic listing view, as snippet listings are
    urls += [reverse(model.snippet_viewset.get_url_name("list")) for model in get_snippet_models()]
    return urls


def test_admin_listings_render_their_scripts_under_the_admin_policy(client, site, superuser):
    client.force_login(superuser)
    for url in listing_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        page = Scripts(response.content.decode())
        assert [s for s in page.scripts if s.get("src", "").startswith("/static/wagtailadmin/js/")], url
        assert all(s["src"].startswith("/") for s in page.scripts if "src" in s), url
        policy = csp(response)
        assert "'unsafe-inline'" in policy["script-src"], "lets Wagtail's inline widget scripts run"
        assert "'unsafe-inline'" in policy["style-src"]


def test_wagtail_preview_may_be_framed_by_the_admin_only(client, site, superuser):
    client.force_login(superuser)
    home = Page.objects.get(url_path="/accueil/").specific
    preview = f"/admin/pages/{home.pk}/edit/preview/"
    client.post(preview, {"title": home.title, "slug": home.slug})

    response = client.get(preview, {"in_preview_panel": "true"})

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = csp(response)
    assert policy["frame-ancestors"] == ["'self'"]
    assert "'unsafe-inline'" in policy["script-src"]
    assert response["Content-Security-Policy"].count("frame-ancestors") == 1


def test_production_sends_hsts(settings, client, site):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    response = client.get("/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_admin_session_expires_after_session_cookie_age(client, site, settings):
    user = UserFactory(roles=[Role.OFFER_MANAGER])
    start = timezone.now()
    with freeze_time(start):
        response = client.post("/admin/login/", {"username": user.email, "password": PASSWORD})
        assert response.status_code == 302
        assert client.get("/admin/").status_code == 200
        assert client.cookies["sessionid"]["max-age"] == "", "the session ends when the browser closes"

    with freeze_time(start + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)):
        assert client.get("/admin/").status_code == 200
    with freeze_time(start + timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)):
        response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_session_lasts_eight_hours_by_default(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_posts_without_csrf_token_are_refused(site):
    user = UserFactory(roles=[Role.OFFER_MANAGER])
    browser = Client(enforce_csrf_checks=True)

    assert browser.post("/admin/login/", {"username": user.email, "password": PASSWORD}).status_code == 403

    browser.get("/admin/login/")
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        "/admin/login/", {"username": user.email, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def iter_views(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from iter_views(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


# The Wagtail admin API is Django REST framework's: its views are exempt from Django's CSRF
# middleware, and DRF's session authentication checks the token itself (tested below).
CSRF_EXEMPT_ALLOWED_PREFIX = "admin/api/"


def test_no_view_is_exempt_from_csrf(settings):
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE
    exempt = {route for route, view in iter_views() if getattr(view, "csrf_exempt", False)}
    unexpected = sorted(route for route in exempt if not route.startswith(CSRF_EXEMPT_ALLOWED_PREFIX))
    assert unexpected == [], f"CSRF-exempt views: {unexpected}"


def test_the_admin_api_checks_the_csrf_token_itself(site, superuser):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(superuser)
    home = Page.objects.get(url_path="/accueil/")

    response = browser.post(f"/admin/api/main/pages/{home.pk}/action/copy/", {"destination_page_id": 1})

    assert response.status_code == 403
    assert "CSRF" in response.content.decode()
    assert Page.objects.filter(slug=home.slug).count() == 1


def nonce_view(request):
    template = engines["django"].from_string('<script nonce="{{ request.csp_nonce }}">var a = 1;</script>')
    return HttpResponse(template.render({}, request))


urlpatterns = [path("nonce/", nonce_view), *config_urls.urlpatterns]
