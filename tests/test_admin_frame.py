"""The admin frame kept per input (accounts.admin_frame): whatever changes, the sidebar served is
the one Wagtail builds from scratch, at once, and the keyboard shortcuts dialog is Wagtail's."""

import json
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.utils import translation
from wagtail.admin.menu import SubmenuMenuItem, admin_menu
from wagtail.admin.search import admin_search_areas
from wagtail.admin.templatetags import wagtailadmin_tags
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page
from wagtail.users.models import UserProfile

from accounts import admin_frame
from accounts.models import Structure, User
from accounts.roles import Role
from tests.factories.accounts import StructureFactory, UserFactory

pytestmark = pytest.mark.django_db
SIDEBAR = re.compile(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', re.S)
HELP_ITEM = "whats-new-in-wagtail-8.0"


def served(client, path="/admin/"):
    """The sidebar props of an admin page, as served (from the cache when an entry matches)."""
    response = client.get(path)
    assert response.status_code == 200
    return json.loads(SIDEBAR.search(response.content.decode()).group(1))


def built_afresh(client, path="/admin/"):
    """The sidebar props Wagtail builds from scratch for the same request."""
    admin_frame.frame_cache.clear()
    return served(client, path)


def menu(props):
    """The main menu's item names, submenus' items as "submenu/item"."""

    def names(items, prefix=""):
        for item in items:
            name = item["_args"][0]["name"]
            name = name["_val"] if isinstance(name, dict) else name
            yield prefix + name
            if item["_type"] == "wagtail.sidebar.SubMenuItem":
                yield from names(item["_args"][1], f"{name}/")

    (main,) = [module for module in props["modules"] if module["_type"] == "wagtail.sidebar.MainMenuModule"]
    return set(names(main["_args"][0]))


def assert_current(client):
    """The sidebar served now is Wagtail's for the current state; returns it."""
    current = served(client)
    assert current == built_afresh(client)
    return current


def test_the_sidebar_is_built_once_per_user_state_then_served_as_built(client):
    user = UserFactory(roles=[Role.REGIONAL_ADMIN])
    client.force_login(user)
    first = served(client)
    fresh_user = User.objects.select_related("structure").get(pk=user.pk)
    with translation.override("fr"):
        assert admin_frame.frame_cache.get(admin_frame.sidebar_key(fresh_user)) is not None
    assert served(client) == first
    assert {"explorer", "offers", "calendrier", "structures", "utilisateurs", "statistiques", "images"} <= menu(first)
    assert assert_current(client) == first


def test_a_new_role_shows_at_once(client):
    user = UserFactory(roles=[Role.OFFER_VIEWER])
    client.force_login(user)
    before = served(client)
    assert "utilisateurs" not in menu(before) and "mon-compte" not in menu(before)
    user.set_roles([Role.OFFER_VIEWER, Role.OFFERER_ADMIN])
    after = assert_current(client)
    assert {"utilisateurs", "mon-compte"} <= menu(after)
    user.set_roles([Role.OFFER_VIEWER])
    assert assert_current(client) == before


def test_permissions_given_to_a_group_show_at_once(client, site):
    user = UserFactory(roles=[Role.OFFER_VIEWER])
    client.force_login(user)
    group = Group.objects.get(name=Role.OFFER_VIEWER.value)
    shown = menu(served(client))
    assert not shown & {"explorer", "images", "settings/sites"}

    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailcore", codename="add_site"))
    assert "settings/sites" in menu(assert_current(client))

    GroupPagePermission.objects.create(
        group=group, page=Page.objects.get(depth=2), permission=Permission.objects.get(codename="change_page")
    )
    assert "explorer" in menu(assert_current(client))

    GroupCollectionPermission.objects.create(
        group=group,
        collection=Collection.get_first_root_node(),
        permission=Permission.objects.get(content_type__app_label="wagtailimages", codename="add_image"),
    )
    assert "images" in menu(assert_current(client))

    GroupPagePermission.objects.filter(group=group).delete()
    assert "explorer" not in menu(assert_current(client))


def explorer_start(props):
    (main,) = [module for module in props["modules"] if module["_type"] == "wagtail.sidebar.MainMenuModule"]
    (explorer,) = [item for item in main["_args"][0] if item["_type"] == "wagtail.sidebar.PageExplorerMenuItem"]
    return explorer["_args"][1]


def test_moving_a_page_moves_the_explorers_start_at_once(client, site):
    """The explorer starts at the common ancestor of the pages the user may edit."""
    user = UserFactory(roles=[Role.OFFER_VIEWER])
    client.force_login(user)
    group = Group.objects.get(name=Role.OFFER_VIEWER.value)
    first, second = site.get_children()[:2]
    for page in (first, second):
        GroupPagePermission.objects.create(
            group=group, page=page, permission=Permission.objects.get(codename="change_page")
        )
    assert explorer_start(served(client)) == site.pk
    Page.objects.get(pk=second.pk).move(Page.get_first_root_node(), pos="last-child")
    assert explorer_start(assert_current(client)) == Page.get_first_root_node().pk


def test_the_profile_and_the_language_show_at_once(client):
    user = UserFactory(roles=[Role.OFFER_VIEWER])
    client.force_login(user)
    before = served(client)
    profile = UserProfile.get_for_user(user)
    profile.dismissibles = {HELP_ITEM: True}
    profile.save()
    dismissed = assert_current(client)
    assert dismissed != before and '"data-w-dismissible-dismissed-value": "true"' in json.dumps(dismissed)
    profile.preferred_language = "en"
    profile.save()
    english = json.dumps(assert_current(client))
    assert '"label": "Calendar"' in english and '"label": "Calendrier"' not in english


def test_the_structure_shows_at_once(client):
    institute = StructureFactory(institute=True)
    user = UserFactory(structure=institute, roles=[Role.CALENDAR_MANAGER])
    client.force_login(user)
    assert "mon-etablissement" in menu(served(client))
    Structure.objects.filter(pk=institute.pk).update(kind=Structure.Kind.OFFERER)
    assert "mon-etablissement" not in menu(assert_current(client))


def test_two_users_never_share_a_sidebar(client):
    """Same structure, same roles: each sees their own name."""
    structure = StructureFactory()
    anne, paul = (
        UserFactory(structure=structure, first_name=name, roles=[Role.OFFER_MANAGER]) for name in ("Anne", "Paul")
    )
    for user in (anne, paul, anne):
        client.force_login(user)
        (main,) = [m for m in served(client)["modules"] if m["_type"] == "wagtail.sidebar.MainMenuModule"]
        assert main["_args"][2]["name"] == user.first_name
    user = User.objects.get(pk=anne.pk)
    user.first_name = "Annie"
    user.save()
    (main,) = [m for m in assert_current(client)["modules"] if m["_type"] == "wagtail.sidebar.MainMenuModule"]
    assert main["_args"][2]["name"] == "Annie"


def test_a_superuser_sees_wagtails_sidebar(client):
    user = UserFactory(is_superuser=True)
    client.force_login(user)
    assert {"explorer", "settings/users", "settings/sites"} <= menu(assert_current(client))


def test_a_user_with_an_avatar_is_not_cached(client):
    """An avatar's URL may be signed for a few minutes (private object storage)."""
    user = UserFactory(roles=[Role.OFFER_VIEWER])
    profile = UserProfile.get_for_user(user)
    profile.avatar = "avatar_images/photo.png"
    profile.save()
    client.force_login(user)
    assert "avatar_images/photo.png" in json.dumps(served(client))
    assert admin_frame.sidebar_key(User.objects.get(pk=user.pk)) is None


# The menu items and search areas whose inputs `sidebar_key` covers (read their `is_shown`). A new
# one (a new app, a Wagtail upgrade) fails here: check what it reads, add it to the key if needed.
CHECKED_MENU_ITEMS = {
    "explorer",
    "offers",
    "calendrier",
    "periodes-de-disponibilite",
    "structures",
    "utilisateurs",
    "mon-etablissement",
    "mon-compte",
    "statistiques",
    "images",
    "documents",
    "forms",
    "snippets",
    "listes-de-reference",
    "listes-de-reference/thematiques",
    "listes-de-reference/types-de-terrain-dexercice",
    "listes-de-reference/disciplines",
    "reports",
    "reports/locked-pages",
    "reports/workflows",
    "reports/workflow-tasks",
    "reports/site-history",
    "reports/aging-pages",
    "reports/page-types-usage",
    "settings",
    "settings/workflows",
    "settings/workflow-tasks",
    "settings/users",
    "settings/groups",
    "settings/sites",
    "settings/collections",
    "settings/redirects",
    "help",
    f"help/{HELP_ITEM}",
    "help/editor-guide",
    "help/keyboard-shortcuts-trigger",
}
CHECKED_SEARCH_AREAS = {"pages", "images", "documents", "users"}


def test_every_menu_item_was_checked_for_the_sidebar_key():
    def names(items, prefix=""):
        for item in items:
            yield prefix + item.name
            if isinstance(item, SubmenuMenuItem):
                yield from names(item.menu.registered_menu_items, f"{item.name}/")

    assert set(names(admin_menu.registered_menu_items)) == CHECKED_MENU_ITEMS
    assert {area.name for area in admin_search_areas.registered_search_areas} == CHECKED_SEARCH_AREAS


def render_dialog(user, user_agent, tag=None):
    """`{% keyboard_shortcuts_dialog %}` rendered with our tag, or with Wagtail's own (`tag`)."""
    request = RequestFactory().get("/admin/", HTTP_USER_AGENT=user_agent)
    request.user = user
    library = wagtailadmin_tags.register
    ours = library.tags["keyboard_shortcuts_dialog"]
    library.tags["keyboard_shortcuts_dialog"] = tag or ours
    try:
        template = Template("{% load wagtailadmin_tags %}{% keyboard_shortcuts_dialog %}")
    finally:
        library.tags["keyboard_shortcuts_dialog"] = ours
    return template.render(RequestContext(request, {"request": request}))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_keyboard_shortcuts_dialog_is_wagtails(language):
    user = UserFactory()
    profile = UserProfile.get_for_user(user)
    wagtails = admin_frame.WAGTAIL_TAGS["keyboard_shortcuts_dialog"]
    seen = set()
    with translation.override(language):
        for enabled in (True, False):
            profile.keyboard_shortcuts = enabled
            profile.save()
            user = User.objects.get(pk=user.pk)
            for user_agent in ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)", "Mozilla/5.0 (X11; Linux x86_64)", ""):
                for _twice in range(2):  # built, then from the cache
                    html = render_dialog(user, user_agent)
                    assert html == render_dialog(user, user_agent, tag=wagtails)
                seen.add(html)
    assert len(seen) == 4  # Mac or not, shortcuts on or off
