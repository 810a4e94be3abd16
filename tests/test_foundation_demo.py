import pytest
from django.apps import apps
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

DEMO_LOGINS = [
    "admin.regional@example.org",
    "admin.a@example.org",
    "gestionnaire.a@example.org",
    "valideur.a@example.org",
    "consultation.a@example.org",
    "admin.b@example.org",
    "gestionnaire.b@example.org",
    "institut@example.org",
]


def row_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "offers", "calendars", "portal", "wagtailcore", "auth"}
        and model._meta.label not in {"wagtailcore.ModelLogEntry", "wagtailcore.PageLogEntry"}
    }


def test_load_demo_is_idempotent(capsys):
    call_command("load_demo")
    first = row_counts()
    call_command("load_demo")
    assert row_counts() == first
    assert first["accounts.User"] >= len(DEMO_LOGINS)
    output = capsys.readouterr().out
    for email in DEMO_LOGINS:
        assert email in output


def test_every_demo_login_reaches_the_admin(client):
    call_command("load_demo")
    for email in DEMO_LOGINS:
        client.logout()
        response = client.post("/admin/login/", {"username": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, (email, response.content.decode()[:2000])
        assert client.get("/admin/").status_code == 200, email
