import pytest

from portal.demo import build_site

pytest_plugins = ["tests.browser"]


@pytest.fixture
def site(db):
    """The public page tree (home, offers listing, documentation, legal pages)."""
    return build_site()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
