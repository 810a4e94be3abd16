import pytest

from portal.demo import build_site
from tests.browser import screenshot, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize(
    "path", ["/", "/documentation/", "/documentation/creer-une-offre/", "/accessibilite/", "/admin/login/"]
)
def test_public_pages_have_no_serious_accessibility_violation(browser_page, path):
    build_site()
    browser_page.goto(path)
    screenshot(browser_page, "a11y" + path.replace("/", "_"))
    assert serious_violations(browser_page) == []
