"""The audit trail is Wagtail's log, read in the "Site history" report: the regional administrator
sees and filters it; no other role may open it."""

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.log_actions import log

from accounts.roles import Role
from tests.factories.accounts import StructureFactory, UserFactory

pytestmark = pytest.mark.django_db

REPORT = "/admin/reports/site-history/"
RESULTS = "/admin/reports/site-history/results/"


@pytest.fixture
def logged_actions():
    """Two moderation actions on structures, by a regional administrator."""
    # Wagtail shows a user the log of the object types they have a permission on: the accounts
    # feature gives the regional role its structure permissions; grant one here for the test.
    group = Group.objects.get(name=Role.REGIONAL_ADMIN.value)
    group.permissions.add(Permission.objects.get(codename="change_structure"))
    moderator = UserFactory(roles=[Role.REGIONAL_ADMIN], structure=None, first_name="Régine", last_name="Garnier")
    accepted = StructureFactory(name="Association Prévention Santé")
    refused = StructureFactory(name="Bien-être Conseil", refused=True)
    log(instance=accepted, action="wagtail.edit", user=moderator)
    log(instance=refused, action="wagtail.delete", user=moderator)
    return moderator


def test_the_regional_role_holds_the_audit_permission():
    group = Group.objects.get(name=Role.REGIONAL_ADMIN.value)
    assert group.permissions.filter(content_type__app_label="wagtailcore", codename="view_modellogentry").exists()
    for role in Role:
        if role != Role.REGIONAL_ADMIN:
            assert not Group.objects.get(name=role.value).permissions.filter(codename="view_modellogentry").exists()


def test_regional_admin_sees_who_did_what_and_when(client, logged_actions):
    viewer = UserFactory(roles=[Role.REGIONAL_ADMIN], structure=None)
    client.force_login(viewer)

    response = client.get(REPORT)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Association Prévention Santé" in html
    assert "Bien-être Conseil" in html
    assert "Régine Garnier" in html


def test_regional_admin_filters_the_log_by_action_name_and_date(client, logged_actions):
    client.force_login(UserFactory(roles=[Role.REGIONAL_ADMIN], structure=None))

    by_action = client.get(RESULTS, {"action": "wagtail.delete"}).content.decode()
    assert "Bien-être Conseil" in by_action
    assert "Association Prévention Santé" not in by_action

    by_name = client.get(RESULTS, {"label": "prévention"}).content.decode()
    assert "Association Prévention Santé" in by_name
    assert "Bien-être Conseil" not in by_name

    long_ago = client.get(RESULTS, {"timestamp_from": "2020-01-01", "timestamp_to": "2020-12-31"}).content.decode()
    assert "Bien-être Conseil" not in long_ago
    assert "Association Prévention Santé" not in long_ago


@pytest.mark.parametrize("role", [role for role in Role if role != Role.REGIONAL_ADMIN])
@pytest.mark.parametrize("url", [REPORT, RESULTS, REPORT + "?export=csv"])
def test_other_roles_cannot_open_the_report(client, logged_actions, role, url):
    # Even with a permission on the logged objects (which would show them every structure's log).
    user = UserFactory(roles=[role])
    user.user_permissions.add(Permission.objects.get(codename="change_structure"))
    client.force_login(user)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert "Bien-être Conseil" not in client.get("/admin/").content.decode()


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(REPORT)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
