"""A fixed-window counter in the Django cache, for unauthenticated forms (sign-up, password reset)."""

from django.core.cache import cache


def client_ip(request):
    return request.META.get("REMOTE_ADDR", "")


def limit_reached(scope, request, limit, period):
    """Count one more hit for the client's address; True once it is over `limit` in `period` seconds."""
    key = f"ratelimit:{scope}:{client_ip(request)}"
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        count = 1
    return count > limit
