"""The Content-Security-Policy in a real browser: Chromium reports no violation on the public pages
nor in the Wagtail admin (login, listings, page editor with its live preview), and the scripts
run (DSFR's on the public side, Wagtail's in the admin)."""

import pytest
from wagtail.models import Page

from tests.browser import screenshot
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PUBLIC_URLS = ["/", "/offres/", "/documentation/", "/documentation/creer-un-compte-offreur/", "/mentions-legales/"]
ADMIN_URLS = [
    "/admin/",
    "/admin/pages/",
    "/admin/users/",
    "/admin/groups/",
    "/admin/documents/",
    "/admin/images/",
    "/admin/reports/site-history/",
]


class Watcher:
    """Every CSP violation Chromium reports on a page, with the page's address."""

    def __init__(self, page):
        self.page = page
        self.violations = []
        page.on("console", self.on_console)

    def on_console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.violations.append((self.page.url, message.text))

    def visit(self, url):
        self.page.goto(url)
        self.page.wait_for_load_state("networkidle")


def test_public_pages_and_the_admin_run_under_the_policy(live_server, site, browser_page):
    superuser = UserFactory(is_superuser=True, structure=None)
    home = Page.objects.get(url_path="/accueil/")
    page = browser_page
    watcher = Watcher(page)

    for url in PUBLIC_URLS:
        watcher.visit(live_server.url + url)
        assert page.locator("html[data-fr-js]").count() == 1, f"DSFR's JavaScript ran on {url}"

    watcher.visit(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", superuser.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    for url in ADMIN_URLS:
        watcher.visit(live_server.url + url)
        assert page.evaluate("typeof window.wagtail") == "object", f"Wagtail's JavaScript ran on {url}"

    # The page editor (inline scripts of its widgets) and its preview, framed by the admin.
    watcher.visit(f"{live_server.url}/admin/pages/{home.pk}/edit/")
    page.click("button[data-side-panel-toggle='preview']")
    preview = page.frame_locator("#w-preview-iframe")
    preview.locator("html[data-fr-js]").wait_for(state="attached", timeout=15_000)
    screenshot(page, "security_csp_admin_preview")

    assert watcher.violations == []
