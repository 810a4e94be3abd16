"""Parts of the public pages kept in the cache under the purge generation of the page cache.

Some parts of every public page change only when a page, a site or a view restriction does: Wagtail's
routing rows (`portal.routing`), the header and the footer (their menu links are pages of the site,
`public_fragment` in `portal.templatetags.portal_tags`). Each such change purges the public pages'
cache (`portal.signals`), which bumps its generation (`portal.cache`); a part cached under the
generation current when its request began is therefore unreachable at once after a purge, in every
process sharing the cache, as the listing's counts are (`portal.listing.listing_facets`). These
parts are kept whether the page cache is on or off: `PORTAL_FRAGMENTS_CACHE_TIMEOUT=0` turns them off.
"""

from django.conf import settings
from django.core.cache import cache

from portal.cache import request_generation

# Bumped whenever the shape of a cached value changes: a shared cache may hold older ones.
FRAGMENTS_CACHE_FORMAT = 1


def fragments_timeout():
    return getattr(settings, "PORTAL_FRAGMENTS_CACHE_TIMEOUT", 600)


def cached(request, name, build):
    """`build()`'s value, kept under the request's generation for `PORTAL_FRAGMENTS_CACHE_TIMEOUT` seconds.

    `name` says everything the value depends on besides the rows that purge the cache (host,
    language, section of the site...). None is never stored: it is built again next time. Every
    request gets its own copy of what is cached (unpickled), so nothing one request sets on a
    cached model instance reaches another.
    """
    timeout = fragments_timeout()
    if timeout <= 0:
        return build()
    key = f"portal:fragment:{FRAGMENTS_CACHE_FORMAT}:{request_generation(request)}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        if value is not None:
            cache.set(key, value, timeout)
    return value
