"""Whole-response cache of the public offer pages (listing, offer, PDF, feed).

The routes of `OfferIndexPage` mark their responses as cacheable (`cached_response`);
`PageCacheMiddleware`, placed before the session, authentication and Wagtail's page routing,
stores them and serves them again without touching the database.

Only anonymous GET requests are cached: no session or messages cookie (so never an admin user,
never a page carrying a one-off message, never a Wagtail preview, which carries the editor's
cookies). Each entry records the *generation* number of the cache it was built in; the number
lives in the cache itself and `purge()` bumps it, so with a shared cache (Redis) one purge
invalidates the pages cached by every process at once, and old entries simply age out.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import Resolver404, resolve

GENERATION_KEY = "portal:cache-generation"
NONCE_PLACEHOLDER = "__portal_csp_nonce__"
CACHED_STATUSES = {200, 410}
# Recomputed for every response served (the nonce changes the length) or owned by cookies.
UNSTORED_HEADERS = {"content-length", "set-cookie", "x-portal-cache"}
WAGTAIL_SERVE = "wagtail_serve"


def timeout():
    return getattr(settings, "PORTAL_CACHE_TIMEOUT", 600)


def enabled():
    """`PORTAL_CACHE_TIMEOUT=0` turns the page cache off, and only it: the benchmarks' "uncached"
    figures, where Wagtail's own cached lookups (site root paths) keep working as in production."""
    return timeout() > 0


def generation():
    value = cache.get(GENERATION_KEY)
    if value is None:
        # A time-based start: if the key is ever evicted, the new generation is still a new one.
        cache.add(GENERATION_KEY, time.time_ns() // 1000, timeout=None)
        value = cache.get(GENERATION_KEY)
    return value


def request_generation(request):
    """The generation, read once per request: the fragments of one page (routing rows, header and
    footer, counts) all come from the generation current when the request began."""
    try:
        return request.portal_generation
    except AttributeError:
        request.portal_generation = generation()
        return request.portal_generation


def purge():
    """Invalidate every cached public page, in every process sharing the cache."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (or evicted): the next one starts afresh
        generation()


def is_cacheable(request):
    if request.method not in ("GET", "HEAD") or getattr(request, "is_preview", False):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def is_page_route(request):
    """Only Wagtail's page routing can answer with a cacheable page: other views (the health
    check, sign-up, the admin) never pay for a cache lookup."""
    try:
        return resolve(request.path_info).url_name == WAGTAIL_SERVE
    except Resolver404:
        return False


def cache_key(request):
    digest = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
    return f"portal:page:{digest}"


def cached_response(request, build):
    """`build()`'s response, marked for `PageCacheMiddleware` to store when the request allows it."""
    response = build()
    response.portal_cacheable = True
    return response


def _nonce(request):
    """The request's CSP nonce (django-csp), which a cached body must not replay."""
    nonce = getattr(request, "csp_nonce", None)
    return str(nonce) if nonce else ""


def _lookup(key):
    """The current generation and the entry stored under `key` if it belongs to it: one round
    trip to a shared cache."""
    values = cache.get_many([GENERATION_KEY, key])
    current = values.get(GENERATION_KEY)
    if current is None:
        current = generation()
    entry = values.get(key)
    if entry is not None and entry.get("generation") != current:
        entry = None
    return current, entry


def _from_entry(request, entry):
    content = entry["content"]
    if entry["has_nonce"]:
        content = content.replace(NONCE_PLACEHOLDER.encode(), _nonce(request).encode())
    response = HttpResponse(content, status=entry["status"])
    for header, value in entry["headers"]:
        response[header] = value
    response["Content-Length"] = str(len(content))
    response["X-Portal-Cache"] = "hit"
    return response


def _store(request, key, current, response):
    content = response.content
    nonce = _nonce(request)
    has_nonce = bool(nonce) and nonce.encode() in content
    if has_nonce:
        content = content.replace(nonce.encode(), NONCE_PLACEHOLDER.encode())
    headers = [(header, value) for header, value in response.items() if header.lower() not in UNSTORED_HEADERS]
    cache.set(
        key,
        {
            "generation": current,
            "content": content,
            "status": response.status_code,
            "headers": headers,
            "has_nonce": has_nonce,
        },
        timeout(),
    )
    response["X-Portal-Cache"] = "miss"


def _storable(request, response):
    return (
        getattr(response, "portal_cacheable", False)
        and is_cacheable(request)
        and response.status_code in CACHED_STATUSES
        and not response.cookies
        and not response.streaming
    )


class PageCacheMiddleware:
    """Serve a cached public page before the session, authentication and Wagtail's routing run:
    a hit costs no SQL query. Placed after the security and CSP middlewares, so that every
    response served from the cache still gets their headers (and a fresh nonce); the headers of
    the middlewares placed after it (X-Frame-Options, Vary, Content-Language) are stored with the
    page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (enabled() and is_cacheable(request) and is_page_route(request)):
            return self.get_response(request)
        key = cache_key(request)
        current, entry = _lookup(key)
        if entry is not None:
            return _from_entry(request, entry)
        response = self.get_response(request)
        if _storable(request, response):
            _store(request, key, current, response)
        return response
