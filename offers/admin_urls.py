"""Object URLs for the many rows of an admin list."""

from django.contrib.admin.utils import quote
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

PLACEHOLDER = 9081726354
_url_parts = {}


class ObjectUrls:
    """`reverse(name, args=[quote(pk)])` for lists that link every row to a few views, under the
    URL configuration, script prefix and language of the request being served (those of its
    creation: make one per request).

    `reverse()` resolves the namespaces and matches the pattern again at every call (some 20 µs,
    and each row of the offers list has four to seven URLs). Each URL name is reversed once per
    URL configuration, script prefix and language, with a placeholder id; a row's integer id is
    then put in the placeholder's place. A pattern whose converter does not write an integer as
    its plain digits (checked on that first call), and ids of other types, go through `reverse()`.
    """

    def __init__(self):
        self.context = (get_resolver(get_urlconf()), get_script_prefix(), get_language())

    def __call__(self, name, pk):
        if type(pk) is not int or pk < 0:
            return reverse(name, args=[quote(pk)])
        key = (self.context, name)
        try:
            parts = _url_parts[key]
        except KeyError:
            parts = _url_parts[key] = _split_at_placeholder(name)
        if parts is None:
            return reverse(name, args=[quote(pk)])
        return f"{parts[0]}{pk}{parts[1]}"


def object_url(name, pk):
    """`ObjectUrls` for a single URL (a listing hook that gets no request)."""
    return ObjectUrls()(name, pk)


def _split_at_placeholder(name):
    try:
        parts = reverse(name, args=[PLACEHOLDER]).split(str(PLACEHOLDER))
    except NoReverseMatch:  # a pattern that refuses the placeholder (or no such name: reverse() will say)
        return None
    if len(parts) == 2 and reverse(name, args=[7]) == f"{parts[0]}7{parts[1]}":
        return parts
    return None
