"""Whole-response cache of the public offer pages (listing, offer, PDF, feed).

Only anonymous GET requests are cached: no session or messages cookie (so never an admin user,
never a page carrying a one-off message). Every key holds a *generation* number stored in the
cache itself; `purge()` bumps it, so with a shared cache (Redis) one purge invalidates the pages
cached by every process at once, and old entries simply age out.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

GENERATION_KEY = "portal:cache-generation"
NONCE_PLACEHOLDER = "__portal_csp_nonce__"
CACHED_STATUSES = {200, 410}
CACHED_HEADERS = ["Content-Type", "Content-Disposition", "Content-Language"]


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


def cache_key(request):
    digest = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
    return f"portal:page:{generation()}:{digest}"


def _nonce(request):
    """The request's CSP nonce (django-csp), which a cached body must not replay."""
    nonce = getattr(request, "csp_nonce", None)
    return str(nonce) if nonce else ""


def cached_response(request, build):
    """Serve `build()`'s response from the cache when the request allows it, storing it otherwise."""
    if not enabled() or not is_cacheable(request):
        return build()
    key = cache_key(request)
    entry = cache.get(key)
    if entry is not None:
        content = entry["content"]
        if entry["has_nonce"]:
            content = content.replace(NONCE_PLACEHOLDER.encode(), _nonce(request).encode())
        response = HttpResponse(content, status=entry["status"])
        for header, value in entry["headers"].items():
            response[header] = value
        response["X-Portal-Cache"] = "hit"
        return response

    response = build()
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    if response.status_code in CACHED_STATUSES and not response.cookies and not response.streaming:
        content = response.content
        nonce = _nonce(request)
        has_nonce = bool(nonce) and nonce.encode() in content
        if has_nonce:
            content = content.replace(nonce.encode(), NONCE_PLACEHOLDER.encode())
        headers = {header: response[header] for header in CACHED_HEADERS if response.has_header(header)}
        cache.set(
            key,
            {"content": content, "status": response.status_code, "headers": headers, "has_nonce": has_nonce},
            timeout(),
        )
        response["X-Portal-Cache"] = "miss"
    return response
