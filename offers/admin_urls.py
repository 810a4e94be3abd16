"""Object URLs for the many rows of an admin list."""

from django.contrib.admin.utils import quote
from django.urls import reverse


class ObjectUrls:
    """`reverse(name, args=[quote(pk)])` for the rows of one list page.

    `reverse()` resolves the namespaces and matches the pattern again at every call (some 20 µs,
    and each row of the offers list has four to seven URLs). Here each URL name is reversed once,
    with a placeholder id, and a row's id is put in the placeholder's place: the same URL for an
    integer id (digits are never quoted). Other ids go through `reverse()`.
    """

    PLACEHOLDER = "9081726354"

    def __init__(self):
        self._parts = {}

    def __call__(self, name, pk):
        if type(pk) is not int or pk < 0:
            return reverse(name, args=[quote(pk)])
        parts = self._parts.get(name)
        if parts is None:
            parts = self._parts[name] = reverse(name, args=[self.PLACEHOLDER]).split(self.PLACEHOLDER)
        if len(parts) != 2:
            return reverse(name, args=[quote(pk)])
        return f"{parts[0]}{pk}{parts[1]}"
