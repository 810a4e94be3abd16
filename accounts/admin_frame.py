"""The frame of every Wagtail admin page, rendered once per distinct input instead of once per request.

Wagtail builds two pieces of the frame from scratch on every admin page: the sidebar's JSON
(`{% sidebar_props %}`: each menu item's and search area's permission checks, a query for the
explorer's start page, then telepath packing, ~15 ms) and the keyboard shortcuts dialog
(`{% keyboard_shortcuts_dialog %}`, ~3 ms of template). Both are functions of a few inputs.
`install()` registers, under Wagtail's tag names, versions that keep each output in this process
under a digest of *all* its inputs, read afresh by every request: an entry is never served to a
request whose inputs differ, and nothing needs purging. Entries expire after `TIMEOUT` seconds
(the oldest go first beyond `MAX_ENTRIES`), only to bound the memory.

The sidebar depends on (see `sidebar_key`):
- the language;
- the user's row (name, flags, structure) and their structure's row (status, kind: our menu
  items), both loaded by the authentication backend on every request;
- their Wagtail profile's row (dismissed help items, preferred language), which Wagtail loads
  on every admin page;
- their groups (our roles) and their model permissions (every `ModelViewSet`, snippet and
  settings item), which the admin's access check has loaded;
- their groups' page permissions, with each page's tree path (the explorer starts at the
  common ancestor of those pages; the reports need the page permissions), and collection
  permissions (images, documents, collections): one light query.
It is not cached for a user with an avatar (its URL may be a signed URL that expires) or when
the project has form pages (the Forms item then depends on the page tree). A menu item reading
anything else must add it to `sidebar_key`: tests/test_admin_frame.py lists the menu items whose
inputs were checked, and fails on any new one.
"""

import hashlib
import re

from django.core.cache.backends.locmem import LocMemCache
from django.db.models import CharField, Value
from django.template.loader import render_to_string
from django.utils.translation import get_language
from wagtail.admin.templatetags import wagtailadmin_tags
from wagtail.contrib.forms.utils import get_form_types
from wagtail.models import GroupCollectionPermission, GroupPagePermission

TIMEOUT = 120
MAX_ENTRIES = 1000
# In this process only: an entry is found again by the process that built it, and a key built
# from every input needs no invalidation shared between processes.
frame_cache = LocMemCache("accounts.admin_frame", {"TIMEOUT": TIMEOUT, "OPTIONS": {"MAX_ENTRIES": MAX_ENTRIES}})

# The tags as Wagtail registered them (compile functions), for the tests to compare with.
WAGTAIL_TAGS = {}
# Wagtail's test of the platform, for the shortcut keys shown (wagtailadmin_tags, admin.utils).
MAC_USER_AGENT = re.compile(r"Mac|iPod|iPhone|iPad")


def row(instance, exclude=()):
    """The values of a model instance's columns, as loaded."""
    if instance is None:
        return None
    return tuple(
        getattr(instance, field.attname) for field in instance._meta.concrete_fields if field.name not in exclude
    )


def wagtail_profile(user):
    return getattr(user, "wagtail_userprofile", None)


def digest(*parts):
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def sidebar_key(user):
    """The digest of everything the sidebar shows for `user`, or None when it must not be cached."""
    if not user.is_authenticated:
        return None
    profile = wagtail_profile(user)
    if (profile is not None and profile.avatar) or get_form_types():
        return None
    # A superuser passes every check: listing their permissions would read every permission.
    superuser = user.is_active and user.is_superuser
    model_permissions = () if superuser else sorted(user.get_all_permissions())
    return digest(
        "sidebar",
        get_language(),
        row(user, exclude={"password"}),
        row(user.structure) if user.structure_id else None,
        row(profile),
        sorted(user.role_names),
        model_permissions,
        page_and_collection_permissions(user),
    )


def page_and_collection_permissions(user):
    """(kind, codename, page or collection, page path) of the user's groups' page and collection
    permissions, in one light query (Wagtail's own two read whole pages and collections, ~4 ms)."""
    text = CharField()
    pages = GroupPagePermission.objects.filter(group__user=user).values_list(
        Value("page", text), "permission__codename", "page_id", "page__path"
    )
    collections = GroupCollectionPermission.objects.filter(group__user=user).values_list(
        Value("collection", text), "permission__codename", "collection_id", Value("", text)
    )
    return sorted(pages.union(collections, all=True))


def sidebar_props(context):
    """Wagtail's `{% sidebar_props %}`, kept per `sidebar_key`."""
    key = sidebar_key(context["request"].user)
    if key is None:
        return wagtailadmin_tags.sidebar_props(context)
    props = frame_cache.get(key)
    if props is None:
        props = wagtailadmin_tags.sidebar_props(context)
        frame_cache.set(key, props)
    return props


def keyboard_shortcuts_key(request):
    """What Wagtail's dialog depends on: the language, the platform (from the User-Agent), whether
    the user turned the shortcuts off, and whether comments are enabled."""
    profile = wagtail_profile(getattr(request, "user", None))
    return digest(
        "keyboard-shortcuts",
        get_language(),
        bool(MAC_USER_AGENT.search(request.headers.get("User-Agent", ""))),
        bool(getattr(profile, "keyboard_shortcuts", True)) if profile is not None else True,
        wagtailadmin_tags.get_comments_enabled(),
    )


def keyboard_shortcuts_dialog(context):
    """Wagtail's `{% keyboard_shortcuts_dialog %}` (an inclusion tag), kept per platform and language."""
    key = keyboard_shortcuts_key(context["request"])
    html = frame_cache.get(key)
    if html is None:
        html = render_dialog(context)
        frame_cache.set(key, html)
    return html


def render_dialog(context):
    return render_to_string(
        "wagtailadmin/shared/keyboard_shortcuts_dialog.html", wagtailadmin_tags.keyboard_shortcuts_dialog(context)
    )


def install():
    """Register our versions under Wagtail's tag names (templates compiled afterwards use them)."""
    if WAGTAIL_TAGS:
        return
    library = wagtailadmin_tags.register
    for name, function in (("sidebar_props", sidebar_props), ("keyboard_shortcuts_dialog", keyboard_shortcuts_dialog)):
        WAGTAIL_TAGS[name] = library.tags[name]
        library.simple_tag(function, takes_context=True, name=name)
