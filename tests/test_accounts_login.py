import html
import re

import pytest
from django.core import mail
from django.core.cache import cache

from accounts.models import Structure
from accounts.roles import Role
from tests.factories.accounts import PASSWORD, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


def login(client, email, password=PASSWORD):
    return client.post("/admin/login/", {"username": email, "password": password})


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_frozen_user_is_refused_with_a_clear_message(client):
    user = UserFactory(roles=[Role.OFFER_MANAGER])
    user.freeze()
    response = login(client, user.email)
    assert response.status_code == 200
    assert "Votre compte a été gelé" in text(response)
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize(
    ("status", "message"),
    [(Structure.Status.PENDING, "en attente de validation"), (Structure.Status.REFUSED, "a été refusée")],
)
def test_users_of_pending_or_refused_structures_are_refused(client, status, message):
    user = UserFactory(structure=StructureFactory(status=status), roles=[Role.OFFERER_ADMIN])
    response = login(client, user.email)
    assert response.status_code == 200 and message in text(response)


def test_wrong_password_of_frozen_user_reveals_nothing(client):
    user = UserFactory()
    user.freeze()
    response = login(client, user.email, "Wrong0Password")
    assert "gelé" not in text(response)


def test_user_frozen_during_session_is_logged_out(client):
    user = UserFactory(roles=[Role.OFFER_MANAGER])
    login(client, user.email)
    assert client.get("/admin/").status_code == 200
    user.freeze()
    assert client.get("/admin/").status_code == 302


def test_throttling_locks_after_repeated_failures(client, settings):
    user = UserFactory(roles=[Role.OFFER_MANAGER])
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, user.email, "Wrong0Password")
    response = login(client, user.email)  # even the right password is refused now
    assert response.status_code == 429
    assert "Compte temporairement bloqué" in text(response)
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize(
    ("password", "error"),
    [
        ("Abcdef1", "entre 8 et 30 caractères"),
        ("Abcdefghijklmnopqrstuvwxyz12345", "entre 8 et 30 caractères"),
        ("abcdefgh12", "une lettre majuscule"),
        ("ABCDEFGH12", "une lettre minuscule"),
        ("Abcdefghij", "un chiffre"),
    ],
)
def test_password_policy_on_forced_change(client, password, error):
    user = UserFactory(roles=[Role.OFFER_VIEWER])
    user.must_change_password = True
    user.save()
    client.force_login(user)
    response = client.post("/admin/sses/mot-de-passe/", {"new_password1": password, "new_password2": password})
    assert response.status_code == 200 and error in text(response)
    user.refresh_from_db()
    assert user.must_change_password


def test_forced_change_lets_logout_through(client):
    user = UserFactory(must_change_password=True, roles=[Role.OFFER_VIEWER])
    client.force_login(user)
    assert client.get("/admin/account/")["Location"] == "/admin/sses/mot-de-passe/"
    assert client.get("/admin/sses/mot-de-passe/").status_code == 200
    assert client.post("/admin/logout/").status_code == 302
    assert client.get("/").status_code in (200, 404)  # public pages are not concerned


def test_profile_edits_function_and_phone_names_read_only(client):
    user = UserFactory(first_name="Nina", last_name="Simone", function="Avant", phone="01", roles=[Role.OFFER_VIEWER])
    client.force_login(user)
    page = text(client.get("/admin/account/"))
    assert "Nina" in page and "Télécharger mes données" in page
    assert 'name="name_email-first_name"' not in page and 'name="name_email-email"' not in page
    response = client.post(
        "/admin/account/",
        {
            "profile_details-function": "Après",
            "profile_details-phone": "02",
            "name_email-first_name": "Hack",
            "name_email-email": "hack@example.org",
            "locale-preferred_language": "fr",
            "locale-current_time_zone": "Europe/Paris",
            "theme-theme": "system",
            "theme-density": "default",
            "theme-contrast": "system",
            "theme-keyboard_shortcuts": "on",
        },
    )
    assert response.status_code == 302, text(response)[:3000]
    user.refresh_from_db()
    assert (user.function, user.phone, user.first_name) == ("Après", "02", "Nina")


def test_password_reset_same_answer_for_known_and_unknown_addresses(client):
    UserFactory(email="known@example.org")
    known = client.post("/admin/password_reset/", {"email": "known@example.org"})
    unknown = client.post("/admin/password_reset/", {"email": "unknown@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mail.outbox] == [["known@example.org"]]
    assert "/admin/password_reset/confirm/" in mail.outbox[0].body


def test_password_reset_is_rate_limited(client, settings):
    settings.PASSWORD_RESET_RATE_LIMIT = 2
    UserFactory(email="known@example.org")
    for _attempt in range(2):
        assert client.post("/admin/password_reset/", {"email": "known@example.org"}).status_code == 302
    response = client.post("/admin/password_reset/", {"email": "known@example.org"})
    assert response.status_code == 429
    assert "Trop de demandes de réinitialisation" in text(response)
    assert len(mail.outbox) == 2


def test_password_reset_link_replaces_a_temporary_password(client):
    import re

    user = UserFactory(email="temp@example.org", roles=[Role.OFFER_VIEWER])
    user.set_temporary_password()
    user.save()
    client.post("/admin/password_reset/", {"email": "temp@example.org"})
    link = re.search(r"http://testserver(/admin/password_reset/confirm/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(link)  # redirects to the same URL with the token in the session
    assert response.status_code == 302, (mail.outbox[0].body, response.status_code)
    form_url = response["Location"]
    response = client.post(form_url, {"new_password1": "Choisi2026Pwd", "new_password2": "Choisi2026Pwd"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert login(client, "temp@example.org", "Choisi2026Pwd").status_code == 302
    assert client.get("/admin/").status_code == 200


def test_login_page_links_to_the_offerer_sign_up(client):
    page = text(client.get("/admin/login/"))
    assert '<a class="button button-secondary" href="/inscription/">Créer un compte offreur</a>' in page
    assert "Votre structure n'a pas encore de compte ?" in page
    assert 'name="password"' in page  # still Wagtail's login form


def test_login_page_labels_are_french(client):
    page = client.get("/admin/login/").content.decode()
    assert re.search(r'<label[^>]*for="id_password"[^>]*>\s*Mot de passe', page)
    assert ">Password" not in page
