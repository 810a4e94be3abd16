"""A real Chromium: the period details appear on keyboard focus and on hover, not on hover alone."""

import datetime
import os
import shutil

import pytest
from django.conf import settings

from accounts.roles import Role
from calendars.models import Modality
from tests.factories.accounts import UserFactory
from tests.factories.calendars import AvailabilityPeriodFactory

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is installed by `make test`"),
]


@pytest.fixture
def browser_page(live_server, client):
    sync_api = pytest.importorskip("playwright.sync_api")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the sync API runs an event loop
    user = UserFactory(roles=[Role.OFFER_VIEWER])
    client.force_login(user)
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1600, "height": 900})
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie, "url": live_server.url}])
        yield context.new_page()
        browser.close()


def test_bar_details_show_on_focus_and_on_hover(browser_page, live_server):
    first = AvailabilityPeriodFactory(
        start=datetime.date(2026, 12, 7),
        end=datetime.date(2026, 12, 18),
        student_count=24,
        modalities=[Modality.SPLIT.value],
        comment="Groupe A",
    )
    second = AvailabilityPeriodFactory(start=datetime.date(2026, 12, 20), end=datetime.date(2027, 1, 4))
    page = browser_page
    page.goto(f"{live_server.url}/admin/calendrier/?mois=2026-12")
    first_details = page.locator(f"#period-{first.pk}-details")
    second_details = page.locator(f"#period-{second.pk}-details")
    assert not first_details.is_visible()

    # Keyboard only: tab until the first bar has the focus.
    for _attempt in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.period") == str(first.pk):
            break
    else:
        pytest.fail("the period bar cannot be reached with the keyboard")
    assert first_details.is_visible()
    assert "En fractionné" in first_details.inner_text()
    assert "Groupe A" in first_details.inner_text()

    page.mouse.move(0, 0)
    page.locator(f'[data-period="{second.pk}"]').hover()
    assert second_details.is_visible()
    page.screenshot(path=str(settings.BASE_DIR / "var" / "calendar-month.png"))
