"""The e-mail backend reads a user's own permissions, their groups' permissions and their roles
in one query, with the same results as Django's ModelBackend."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import EmailBackend
from accounts.models import User
from accounts.roles import Role
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def permission(name):
    app_label, codename = name.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def users():
    """Own permissions only, groups only (one of them without permissions), both, neither, a
    superuser, an inactive user."""
    empty_group = Group.objects.create(name="Sans permission")
    own_only = UserFactory()
    own_only.user_permissions.add(permission("wagtailcore.add_site"), permission("offers.view_offer"))
    groups_only = UserFactory(roles=[Role.OFFER_MANAGER, Role.CALENDAR_MANAGER])
    groups_only.groups.add(empty_group)
    both = UserFactory(roles=[Role.REGIONAL_ADMIN])
    both.user_permissions.add(permission("wagtailcore.add_site"))
    inactive = UserFactory(roles=[Role.OFFER_VIEWER], is_active=False)
    return [own_only, groups_only, both, UserFactory(), UserFactory(is_superuser=True), inactive]


def fresh(user):
    return User.objects.get(pk=user.pk)


def test_permissions_and_roles_are_djangos():
    for user in users():
        django, ours = ModelBackend(), EmailBackend()
        expected = fresh(user)
        actual = fresh(user)
        assert ours.get_all_permissions(actual) == django.get_all_permissions(expected)
        assert ours.get_user_permissions(actual) == django.get_user_permissions(expected)
        assert ours.get_group_permissions(actual) == django.get_group_permissions(expected)
        assert actual.role_names == frozenset(expected.groups.values_list("name", flat=True))
        for perm in ("wagtailadmin.access_admin", "wagtailcore.add_site", "offers.change_offer"):
            assert actual.has_perm(perm) == ModelBackend().has_perm(fresh(user), perm)


def test_one_query_for_the_permissions_and_the_roles():
    user = UserFactory(roles=[Role.REGIONAL_ADMIN, Role.OFFER_VIEWER])
    user.user_permissions.add(permission("wagtailcore.add_site"))
    user = fresh(user)
    with CaptureQueriesContext(connection) as queries:
        assert user.has_perm("wagtailadmin.access_admin") and user.has_perm("wagtailcore.add_site")
        assert user.get_all_permissions() >= {"wagtailadmin.access_admin", "wagtailcore.add_site"}
        assert user.role_names == {Role.REGIONAL_ADMIN.value, Role.OFFER_VIEWER.value}
    assert len(queries) == 1


def test_roles_read_first_are_kept_then_permissions_are_still_read():
    user = fresh(UserFactory(roles=[Role.OFFER_VIEWER]))
    assert user.role_names == {Role.OFFER_VIEWER.value}
    assert user.has_perm("wagtailadmin.access_admin")
    assert user.role_names == {Role.OFFER_VIEWER.value}
