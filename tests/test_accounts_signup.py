import html as htmllib
import io

import pytest
from django.core import mail
from PIL import Image

from accounts.models import Structure, User
from accounts.roles import Role
from tests.factories.accounts import SIGNUP_STRUCTURE, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Sign-ups are limited per address in the cache: each test starts from zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


STRUCTURE = SIGNUP_STRUCTURE
PERSON = {
    "first_name": "Paul",
    "last_name": "Martin",
    "function": "Coordinateur",
    "email": "Paul.Martin@Example.org",
    "phone": "0558000000",
    "action": "submit",
}


def png(name="logo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(buffer, "PNG")
    buffer.name = name
    buffer.seek(0)
    return buffer


def sign_up(client, structure=None, person=None):
    client.post("/inscription/", structure or STRUCTURE)
    return client.post("/inscription/utilisateur/", person or PERSON)


def test_signup_pages_use_dsfr_stepper(client):
    response = client.get("/inscription/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "fr-stepper" in html and "fr-input-group" in html and "fr-select" in html
    assert "Étape 1 sur 2" in html


def test_signup_creates_pending_structure_and_inactive_user_and_notifies_regional_admins(client):
    regional = UserFactory(roles=[Role.REGIONAL_ADMIN], structure=None, email="region@example.org")
    UserFactory(roles=[Role.OFFERER_ADMIN])  # not notified

    response = client.post("/inscription/", {**STRUCTURE, "logo": png()})
    assert response.status_code == 302 and response["Location"] == "/inscription/utilisateur/"
    response = client.post("/inscription/utilisateur/", PERSON)
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert "Votre demande a été envoyée" in response.content.decode()

    structure = Structure.objects.get(name="Association Santé Jeunes")
    assert structure.status == Structure.Status.PENDING
    assert structure.department == "40"
    assert structure.logo.name.startswith("structures/logos/")
    user = structure.users.get()
    assert user.email == "paul.martin@example.org"
    assert not user.is_active and not user.has_usable_password()
    assert [m.to for m in mail.outbox] == [[regional.email]]
    assert "Association Santé Jeunes" in mail.outbox[0].subject
    assert f"http://testserver/admin/sses/structures/{structure.pk}/" in mail.outbox[0].body


def test_going_back_keeps_both_steps(client):
    client.post("/inscription/", STRUCTURE)
    response = client.post("/inscription/utilisateur/", {**PERSON, "action": "back"})
    assert response["Location"] == "/inscription/"
    html = client.get("/inscription/").content.decode()
    assert 'value="Association Santé Jeunes"' in html and 'value="Mont-de-Marsan"' in html
    html = client.get("/inscription/utilisateur/").content.decode()
    assert 'value="Paul"' in html and 'value="Coordinateur"' in html


def test_step_two_without_step_one_redirects(client):
    assert client.get("/inscription/utilisateur/")["Location"] == "/inscription/"
    assert client.get("/inscription/confirmation/")["Location"] == "/inscription/"


def test_step_one_errors_in_french(client):
    response = client.post("/inscription/", {**STRUCTURE, "postcode": "4000", "name": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Saisissez un code postal à cinq chiffres." in html
    assert "Champ requis." in html


def test_step_two_requires_function_and_phone_in_french(client):
    response = sign_up(client, person={**PERSON, "function": "", "phone": ""})
    assert response.status_code == 200
    html = htmllib.unescape(response.content.decode())
    assert "Saisissez la fonction." in html and "Saisissez un numéro de téléphone." in html
    assert not User.objects.exists()


def test_logo_must_be_an_image(client):
    fake = io.BytesIO(b"<html><script>alert(1)</script></html>")
    fake.name = "logo.png"
    response = client.post("/inscription/", {**STRUCTURE, "logo": fake})
    assert response.status_code == 200
    assert not client.session.get("signup_structure")


@pytest.mark.parametrize("email", ["taken@example.org", "TAKEN@Example.ORG", " Taken@example.org "])
def test_duplicate_email_is_refused_whatever_the_case(client, email):
    UserFactory(email="taken@example.org")
    response = sign_up(client, person={**PERSON, "email": email})
    assert response.status_code == 200
    assert "Un compte existe déjà avec cette adresse e-mail." in response.content.decode()
    assert not Structure.objects.filter(name=STRUCTURE["name"]).exists()
    assert User.objects.count() == 1


def test_signup_is_rate_limited_per_address(client, settings):
    settings.SIGNUP_RATE_LIMIT = 2
    for index in range(2):
        assert sign_up(client, person={**PERSON, "email": f"p{index}@example.org"}).status_code == 302
    response = sign_up(client, person={**PERSON, "email": "p9@example.org"})
    assert response.status_code == 429
    assert "Trop de tentatives d'inscription" in htmllib.unescape(response.content.decode())
    assert not User.objects.filter(email="p9@example.org").exists()


def test_logo_uploads_are_bounded_per_address(client, settings):
    settings.SIGNUP_RATE_LIMIT = 1
    for _attempt in range(2):
        assert client.post("/inscription/", {**STRUCTURE, "logo": png()}).status_code == 302
    response = client.post("/inscription/", {**STRUCTURE, "logo": png()})
    assert response.status_code == 429
    assert "Trop de tentatives d'inscription" in htmllib.unescape(response.content.decode())
    # Without a file, the first step still works: nothing is written to disk.
    assert client.post("/inscription/", STRUCTURE).status_code == 302
