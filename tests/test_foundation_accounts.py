import pytest
from django.db import IntegrityError

from accounts.departements import departement_from_postcode
from accounts.models import User
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_email_login_ignores_case(client):
    UserFactory(email="Marie.Curie@Example.org")
    response = client.post("/admin/login/", {"username": "MARIE.CURIE@example.ORG", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/").status_code in (200, 302)


def test_email_is_unique_whatever_the_case():
    UserFactory(email="jean@example.org")
    with pytest.raises(IntegrityError):
        User.objects.create(email="JEAN@example.org", first_name="J", last_name="D")


@pytest.mark.parametrize(
    ("postcode", "code"),
    [("33000", "33"), ("20000", "2A"), ("20200", "2B"), ("97400", "974"), ("97600", "976"), ("abcde", ""), ("", "")],
)
def test_departement_from_postcode(postcode, code):
    assert departement_from_postcode(postcode) == code
