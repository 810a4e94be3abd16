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


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters and cached pages must not leak from one test into the next."""
    from django.core.cache import caches

    from accounts.admin_frame import frame_cache

    for cache in (*caches.all(), frame_cache):
        cache.clear()
    yield
