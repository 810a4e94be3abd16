"""Playwright driving Debian's Chromium (never a downloaded browser), for the browser tests."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def chromium(live_server, monkeypatch):
    """Debian's Chromium driven by Playwright; Django's ORM is used from the test while its loop runs."""
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium, live_server):
    """Open a page in a new browser context (its own cookies: one per person of a story)."""
    contexts = []

    def open_page():
        context = chromium.new_context(
            base_url=live_server.url, locale="fr-FR", accept_downloads=True, viewport={"width": 1280, "height": 900}
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def browser_page(new_page):
    """A fresh Chromium page."""
    return new_page()


def screenshot(page, name):
    """Keep a screenshot of a step as a test artefact (test-artifacts/<name>.png)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def admin_log_in(page, email, password):
    """Log in through Wagtail's login form (django-axes counts it like a real one)."""
    page.goto("/admin/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="S'identifier").click()
    page.wait_for_url(lambda url: "/admin/login/" not in url)


def axe_violations(page, impacts=("serious", "critical")):
    """axe-core's violations of the given impacts on the current page, as dicts
    (rule id, impact, help text, the first targets)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in results.response["violations"]
        if violation["impact"] in impacts
    ]


def serious_violations(page):
    """axe-core's serious and critical violations on the current page, as (rule, target) pairs."""
    return [(violation["id"], violation["targets"][:3]) for violation in axe_violations(page)]


os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
