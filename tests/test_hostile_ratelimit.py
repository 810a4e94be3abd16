"""Rate limits of the unauthenticated forms (sign-up, password reset), attacked as an attacker would:
probing which addresses have an account, rotating addresses, spoofing a proxy header, waiting."""

import datetime
import html
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from accounts.models import Structure, User
from accounts.roles import Role
from tests.factories.accounts import SIGNUP_STRUCTURE, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db

RESET = "/admin/password_reset/"
LIMITED_RESET = "Trop de demandes de réinitialisation"
LIMITED_SIGNUP = "Trop de tentatives d'inscription"
STRUCTURE = SIGNUP_STRUCTURE


def person(email):
    return {
        "first_name": "Paul",
        "last_name": "Martin",
        "function": "Coordinateur",
        "email": email,
        "phone": "0558000000",
        "action": "submit",
    }


def visible(response):
    """The page as a person sees it: without the per-request CSRF token and nonces."""
    content = html.unescape(response.content.decode())
    content = re.sub(r"\b[A-Za-z0-9]{64}\b", "<csrf>", content)  # masked CSRF tokens
    return re.sub(r'nonce="[^"]*"', "", content)


@pytest.fixture
def accounts():
    structure = StructureFactory()
    return {
        "active": UserFactory(email="active@example.org", structure=structure, roles=[Role.OFFER_MANAGER]),
        "frozen": UserFactory(
            email="frozen@example.org", structure=structure, roles=[Role.OFFER_MANAGER], frozen_at=timezone.now()
        ),
        "pending": UserFactory(email="pending@example.org", structure=StructureFactory(pending=True), is_active=False),
    }


# Password reset ------------------------------------------------------------------------------------


@pytest.mark.parametrize("email", ["active@example.org", "ACTIVE@example.org", "frozen@example.org",
                                   "pending@example.org", "nobody@example.org", "not an address"])  # fmt: skip
def test_reset_answer_does_not_tell_whether_the_address_has_an_account(accounts, email):
    reference = Client().post(RESET, {"email": "nobody-at-all@example.org"}, follow=True)
    response = Client().post(RESET, {"email": email}, follow=True)
    if email == "not an address":
        # The only different answer: a malformed address, which tells nothing about accounts.
        assert response.status_code == 200 and "adresse de courriel valide" in visible(response)
        return
    assert response.redirect_chain == reference.redirect_chain
    assert visible(response) == visible(reference)


def test_reset_mail_only_for_an_active_account(accounts):
    for email in ("active@example.org", "frozen@example.org", "pending@example.org", "nobody@example.org"):
        Client().post(RESET, {"email": email})
    recipients = [message.to for message in mail.outbox]
    assert ["active@example.org"] in recipients
    assert ["pending@example.org"] not in recipients and ["nobody@example.org"] not in recipients


def test_reset_limit_counts_unknown_addresses_and_answers_the_same_once_reached(accounts, settings):
    settings.PASSWORD_RESET_RATE_LIMIT = 3
    client = Client()
    for index in range(3):  # probing unknown addresses uses up the allowance too
        assert client.post(RESET, {"email": f"probe{index}@example.org"}).status_code == 302
    known = client.post(RESET, {"email": "active@example.org"})
    unknown = client.post(RESET, {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 429
    assert LIMITED_RESET in visible(known)
    assert visible(known).replace("active@example.org", "X") == visible(unknown).replace("nobody@example.org", "X")
    assert not mail.outbox


def test_reset_limit_is_per_client_address_and_ignores_spoofed_forwarding_headers(accounts, settings):
    settings.PASSWORD_RESET_RATE_LIMIT = 2
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _attempt in range(2):
        attacker.post(RESET, {"email": "active@example.org"})
    spoofed = attacker.post(RESET, {"email": "active@example.org"}, headers={"X-Forwarded-For": "198.51.100.1"})
    assert spoofed.status_code == 429
    # Someone else is not blocked by the attacker.
    assert Client(REMOTE_ADDR="192.0.2.10").post(RESET, {"email": "active@example.org"}).status_code == 302


def test_reset_limit_lifts_after_its_period(accounts, settings):
    settings.PASSWORD_RESET_RATE_LIMIT = 1
    client = Client()
    client.post(RESET, {"email": "active@example.org"})
    assert client.post(RESET, {"email": "active@example.org"}).status_code == 429
    with freeze_time(timezone.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_RATE_PERIOD + 5)):
        assert client.post(RESET, {"email": "active@example.org"}).status_code == 302


# Sign-up ----------------------------------------------------------------------------------------


def test_signup_limit_counts_refused_attempts_and_hides_the_taken_address_message(accounts, settings):
    """Step 2 says when an address already has an account (to help the person signing up): the
    limit bounds how many addresses one client can probe that way."""
    settings.SIGNUP_RATE_LIMIT = 3
    client = Client()
    client.post("/inscription/", STRUCTURE)
    for index in range(3):
        response = client.post("/inscription/utilisateur/", person(f"probe{index}@example.org" if index else "x"))
        assert response.status_code in (200, 302)
        client.post("/inscription/", STRUCTURE)
    response = client.post("/inscription/utilisateur/", person("active@example.org"))
    assert response.status_code == 429
    page = visible(response)
    assert LIMITED_SIGNUP in page
    assert "Un compte existe déjà" not in page
    assert not User.objects.filter(email="active@example.org", structure__status=Structure.Status.PENDING).exists()


def test_signup_limit_is_per_client_address(settings):
    settings.SIGNUP_RATE_LIMIT = 1
    first = Client(REMOTE_ADDR="203.0.113.7")
    first.post("/inscription/", STRUCTURE)
    assert first.post("/inscription/utilisateur/", person("one@example.org")).status_code == 302
    first.post("/inscription/", STRUCTURE)
    assert first.post("/inscription/utilisateur/", person("two@example.org")).status_code == 429
    other = Client(REMOTE_ADDR="192.0.2.10")
    other.post("/inscription/", STRUCTURE)
    assert other.post("/inscription/utilisateur/", person("three@example.org")).status_code == 302
    assert set(User.objects.values_list("email", flat=True)) == {"one@example.org", "three@example.org"}


def test_going_back_does_not_use_the_allowance(settings):
    settings.SIGNUP_RATE_LIMIT = 1
    client = Client()
    client.post("/inscription/", STRUCTURE)
    for _attempt in range(3):
        assert (
            client.post("/inscription/utilisateur/", {**person("a@example.org"), "action": "back"}).status_code == 302
        )
    assert client.post("/inscription/utilisateur/", person("a@example.org")).status_code == 302
    assert User.objects.filter(email="a@example.org").exists()
