import html
import re

import pytest
from django.core import mail
from wagtail.models import ModelLogEntry

from accounts.models import Structure, User
from accounts.roles import Role
from tests.factories.accounts import StructureFactory, UserFactory
from tests.test_accounts_signup import PERSON, sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Sign-ups are limited per address in the cache: each test starts from zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def text(response):
    return html.unescape(response.content.decode())


def password_in(message):
    return re.search(r"Mot de passe provisoire : (\S+)", message.body).group(1)


def login(client, email, password):
    return client.post("/admin/login/", {"username": email, "password": password})


@pytest.fixture
def regional():
    return UserFactory(roles=[Role.REGIONAL_ADMIN], structure=None, email="region@example.org")


def test_full_journey_signup_validation_first_login_new_manager(client, regional):
    sign_up(client)
    structure = Structure.objects.get(status=Structure.Status.PENDING)
    mail.outbox.clear()

    # The regional administrator finds the request and validates it.
    client.force_login(regional)
    listing = client.get("/admin/sses/structures/")
    assert structure.name in text(listing)
    detail = client.get(f"/admin/sses/structures/{structure.pk}/")
    assert "Valider l'inscription" in text(detail)
    response = client.post(f"/admin/sses/structures/{structure.pk}/valider/", follow=True)
    assert "a été validée" in text(response)
    structure.refresh_from_db()
    assert structure.status == Structure.Status.ACTIVE and structure.moderated_by == regional
    user = User.objects.get(email="paul.martin@example.org")
    assert user.is_active and user.must_change_password and user.has_role(Role.OFFERER_ADMIN)
    assert [m.to for m in mail.outbox] == [["paul.martin@example.org"]]
    message = mail.outbox[0]
    assert message.subject == "Votre compte sur le Portail SSES"
    assert "http://testserver/admin/login/" in message.body and "paul.martin@example.org" in message.body
    temporary = password_in(message)
    entry = ModelLogEntry.objects.for_instance(structure).get(action="sses.structure.validated")
    assert entry.user == regional
    assert "Inscription validée" in text(client.get(f"/admin/sses/structures/{structure.pk}/"))
    client.logout()

    # First login: every admin page leads to the forced password change.
    assert login(client, "Paul.Martin@example.org", temporary).status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == "/admin/sses/mot-de-passe/"
    assert client.get("/admin/sses/utilisateurs/")["Location"] == "/admin/sses/mot-de-passe/"
    response = client.post("/admin/sses/mot-de-passe/", {"new_password1": "court1A", "new_password2": "court1A"})
    assert "entre 8 et 30 caractères" in text(response)
    response = client.post(
        "/admin/sses/mot-de-passe/", {"new_password1": "Nouveau2026Pwd", "new_password2": "Nouveau2026Pwd"}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password

    # The new administrator creates a Gestionnaire d'offres.
    mail.outbox.clear()
    response = client.post(
        "/admin/sses/utilisateurs/nouveau/",
        {
            "first_name": "Gina",
            "last_name": "Lopez",
            "function": "Chargée de projets",
            "email": "Gina@Example.org",
            "phone": "0600000000",
            "roles": [Role.OFFER_MANAGER.value],
            "active": "on",
        },
    )
    assert response.status_code == 302
    manager = User.objects.get(email="gina@example.org")
    assert manager.structure == structure and manager.role_names == {Role.OFFER_MANAGER.value}
    assert [m.to for m in mail.outbox] == [["gina@example.org"]]
    client.logout()

    assert login(client, "gina@example.org", password_in(mail.outbox[0])).status_code == 302
    assert client.get("/admin/")["Location"] == "/admin/sses/mot-de-passe/"


def test_refusal_with_reason_is_emailed_and_logged(client, regional):
    sign_up(client)
    structure = Structure.objects.get(status=Structure.Status.PENDING)
    mail.outbox.clear()
    client.force_login(regional)

    response = client.post(f"/admin/sses/structures/{structure.pk}/refuser/", {"reason": ""})
    assert response.status_code == 200 and "Champ requis" in text(response)
    response = client.post(f"/admin/sses/structures/{structure.pk}/refuser/", {"reason": "Hors champ du SSES."})
    assert response.status_code == 302
    structure.refresh_from_db()
    assert structure.status == Structure.Status.REFUSED and structure.refusal_reason == "Hors champ du SSES."
    assert [m.to for m in mail.outbox] == [[PERSON["email"].lower()]]
    assert "refusée" in mail.outbox[0].subject and "Hors champ du SSES." in mail.outbox[0].body
    assert ModelLogEntry.objects.for_instance(structure).filter(action="sses.structure.refused").exists()
    # A refused request cannot be validated afterwards.
    client.post(f"/admin/sses/structures/{structure.pk}/valider/")
    structure.refresh_from_db()
    assert structure.status == Structure.Status.REFUSED


def test_structure_list_filters_by_state_and_searches(client, regional):
    StructureFactory(name="Collège Pasteur", pending=True)
    StructureFactory(name="Lycée Montaigne", pending=True)
    StructureFactory(name="Mairie active")
    client.force_login(regional)
    page = text(client.get("/admin/sses/structures/"))
    assert "Collège Pasteur" in page and "Lycée Montaigne" in page and "Mairie active" not in page
    page = text(client.get("/admin/sses/structures/?status=active"))
    assert "Mairie active" in page and "Collège Pasteur" not in page
    page = text(client.get("/admin/sses/structures/?status=pending&q=lycée"))
    assert "Lycée Montaigne" in page and "Collège Pasteur" not in page
    assert "Aucune structure" in text(client.get("/admin/sses/structures/?q=zzz"))


def test_structure_list_queries_do_not_grow_with_rows(client, regional, django_assert_max_num_queries):
    client.force_login(regional)
    StructureFactory(pending=True)
    with django_assert_max_num_queries(12) as one:
        client.get("/admin/sses/structures/")
    StructureFactory.create_batch(19, pending=True)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get("/admin/sses/structures/")


def test_regional_admin_creates_training_institute_and_its_user(client, regional):
    client.force_login(regional)
    response = client.post(
        "/admin/sses/structures/institut/",
        {"name": "IFMK de Bordeaux", "address": "1 rue X", "postcode": "33000", "city": "Bordeaux"},
    )
    institute = Structure.objects.get(name="IFMK de Bordeaux")
    assert institute.is_institute and institute.is_active
    assert response["Location"] == f"/admin/sses/utilisateurs/nouveau/?structure={institute.pk}"
    mail.outbox.clear()
    data = {
        "first_name": "Ines",
        "last_name": "Roux",
        "function": "Secrétaire",
        "email": "ines@example.org",
        "phone": "0556000000",
        "structure": institute.pk,
        "active": "on",
    }
    response = client.post("/admin/sses/utilisateurs/nouveau/", {**data, "roles": [Role.OFFER_MANAGER.value]})
    assert "ne peuvent pas être attribués" in text(response)
    response = client.post("/admin/sses/utilisateurs/nouveau/", {**data, "roles": [Role.CALENDAR_MANAGER.value]})
    assert response.status_code == 302
    user = User.objects.get(email="ines@example.org")
    assert user.structure == institute and user.has_role(Role.CALENDAR_MANAGER) and user.must_change_password
    assert [m.to for m in mail.outbox] == [["ines@example.org"]]


@pytest.mark.parametrize("role", [Role.OFFERER_ADMIN, Role.OFFER_MANAGER, Role.OFFER_VALIDATOR, Role.OFFER_VIEWER])
def test_offerer_roles_cannot_moderate(client, role):
    pending = StructureFactory(pending=True)
    user = UserFactory(roles=[role])
    client.force_login(user)
    for url in [
        "/admin/sses/structures/",
        f"/admin/sses/structures/{pending.pk}/",
        f"/admin/sses/structures/{pending.pk}/modifier/",
        f"/admin/sses/structures/{pending.pk}/refuser/",
        "/admin/sses/structures/institut/",
    ]:
        assert client.get(url).status_code == 302, url
    assert client.post(f"/admin/sses/structures/{pending.pk}/valider/").status_code == 302
    pending.refresh_from_db()
    assert pending.is_pending


def test_menu_items_follow_roles(client, regional):
    client.force_login(regional)
    page = text(client.get("/admin/"))
    assert "/admin/sses/structures/" in page and "/admin/sses/utilisateurs/" in page
    client.force_login(UserFactory(roles=[Role.OFFERER_ADMIN]))
    page = text(client.get("/admin/"))
    assert "/admin/sses/structures/" not in page and "/admin/sses/mon-compte/" in page
    assert "/admin/sses/utilisateurs/" in page and "/admin/users/" not in page
    client.force_login(UserFactory(roles=[Role.OFFER_MANAGER]))
    page = text(client.get("/admin/"))
    assert "/admin/sses/utilisateurs/" not in page and "/admin/sses/mon-compte/" not in page


def test_dashboard_counts_pending_registrations_for_regional_admin_only(client, regional):
    StructureFactory.create_batch(2, pending=True)
    client.force_login(regional)
    assert "2 inscriptions en attente de validation" in text(client.get("/admin/"))
    client.force_login(UserFactory(roles=[Role.OFFERER_ADMIN]))
    assert "en attente de validation" not in text(client.get("/admin/"))


def test_regional_admin_reaches_every_screen(client, regional):
    structure = StructureFactory(pending=True, logo="")
    member = UserFactory(structure=structure)
    client.force_login(regional)
    for url in [
        "/admin/sses/structures/",
        "/admin/sses/structures/?status=all",
        f"/admin/sses/structures/{structure.pk}/",
        f"/admin/sses/structures/{structure.pk}/modifier/",
        f"/admin/sses/structures/{structure.pk}/refuser/",
        "/admin/sses/structures/institut/",
        "/admin/sses/utilisateurs/",
        f"/admin/sses/utilisateurs/?structure={structure.pk}",
        "/admin/sses/utilisateurs/nouveau/",
        f"/admin/sses/utilisateurs/{member.pk}/",
        "/admin/account/",
    ]:
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/sses/structures/999999/").status_code == 404


def test_regional_admin_edits_any_structure(client, regional):
    structure = StructureFactory(name="Ancien nom")
    client.force_login(regional)
    data = {
        "offerer_type": "company",
        "name": "Nouveau nom",
        "address": "1 rue",
        "postcode": "33000",
        "city": "Bordeaux",
        "representative_last_name": "A",
        "representative_first_name": "B",
        "representative_function": "C",
        "description": "D",
        "website": "",
    }
    response = client.post(f"/admin/sses/structures/{structure.pk}/modifier/", data)
    assert response.status_code == 302
    structure.refresh_from_db()
    assert structure.name == "Nouveau nom"
    assert "Nouveau nom" in text(client.get(f"/admin/sses/structures/{structure.pk}/"))


def test_pagination_keeps_filters(client, regional):
    StructureFactory.create_batch(21, pending=True)
    client.force_login(regional)
    page = text(client.get("/admin/sses/structures/?status=pending"))
    assert "Page 1 sur 2" in page and "?status=pending&p=2" in page
    assert client.get("/admin/sses/structures/?status=pending&p=2").status_code == 200
