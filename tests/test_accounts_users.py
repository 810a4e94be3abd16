import html

import pytest
from django.core import mail
from wagtail.models import ModelLogEntry

from accounts.models import User
from accounts.roles import Role
from tests.factories.accounts import PASSWORD, StructureFactory, UserFactory
from tests.test_accounts_login import login
from tests.test_accounts_moderation import password_in

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def structure_a():
    return StructureFactory(name="Structure A")


@pytest.fixture
def admin_a(structure_a):
    return UserFactory(structure=structure_a, roles=[Role.OFFERER_ADMIN], email="admin.a@example.org")


@pytest.fixture
def user_b():
    return UserFactory(structure=StructureFactory(name="Structure B"), roles=[Role.OFFER_MANAGER])


def user_urls(user):
    return {
        "edit": f"/admin/sses/utilisateurs/{user.pk}/",
        "freeze": f"/admin/sses/utilisateurs/{user.pk}/geler/",
        "unfreeze": f"/admin/sses/utilisateurs/{user.pk}/degeler/",
        "password_reset": f"/admin/sses/utilisateurs/{user.pk}/mot-de-passe/",
    }


def test_user_list_shows_own_structure_with_state_and_search(client, admin_a, structure_a, user_b):
    UserFactory(structure=structure_a, first_name="Zoé", last_name="Gestion", roles=[Role.OFFER_MANAGER])
    frozen = UserFactory(structure=structure_a, last_name="Glacé", roles=[Role.OFFER_VIEWER])
    frozen.freeze()
    client.force_login(admin_a)
    page = text(client.get("/admin/sses/utilisateurs/"))
    assert "Zoé Gestion" in page and "Gestionnaire d'offres" in page and "Chargé de mission" in page
    assert "Gelé" in page and "Actif" in page
    assert user_b.email not in page
    page = text(client.get("/admin/sses/utilisateurs/?q=zoé"))
    assert "Zoé Gestion" in page and "Glacé" not in page


def test_user_list_queries_do_not_grow_with_rows(client, admin_a, structure_a, django_assert_max_num_queries):
    client.force_login(admin_a)
    with django_assert_max_num_queries(20) as one:
        client.get("/admin/sses/utilisateurs/")
    for _index in range(19):
        UserFactory(structure=structure_a, roles=[Role.OFFER_VIEWER])
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get("/admin/sses/utilisateurs/")


@pytest.mark.parametrize("action", ["edit", "freeze", "unfreeze", "password_reset"])
def test_offerer_admin_cannot_reach_another_structures_user(client, admin_a, user_b, action):
    client.force_login(admin_a)
    url = user_urls(user_b)[action]
    response = client.get(url) if action == "edit" else client.post(url)
    assert response.status_code == 404
    response = client.post(
        user_urls(user_b)["edit"], {"email": "pirate@example.org", "function": "Pirate", "phone": "", "roles": []}
    )
    assert response.status_code == 404
    user_b.refresh_from_db()
    assert user_b.function != "Pirate" and not user_b.is_frozen and user_b.has_role(Role.OFFER_MANAGER)
    assert user_b.email != "pirate@example.org" and user_b.check_password(PASSWORD)
    assert not user_b.must_change_password and mail.outbox == []


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.OFFERER_ADMIN, True),
        (Role.REGIONAL_ADMIN, True),
        (Role.OFFER_MANAGER, False),
        (Role.OFFER_VALIDATOR, False),
        (Role.OFFER_VIEWER, False),
        (Role.CALENDAR_MANAGER, False),
    ],
)
@pytest.mark.parametrize("action", ["list", "create", "edit", "freeze"])
def test_user_management_matrix_on_own_structure(client, structure_a, role, allowed, action):
    actor = UserFactory(structure=structure_a, roles=[role])
    UserFactory(structure=structure_a, roles=[Role.OFFERER_ADMIN])  # keeps the structure administered
    target = UserFactory(structure=structure_a, roles=[Role.OFFER_VIEWER])
    client.force_login(actor)
    if action == "list":
        response = client.get("/admin/sses/utilisateurs/")
    elif action == "create":
        response = client.get("/admin/sses/utilisateurs/nouveau/")
    elif action == "edit":
        response = client.get(user_urls(target)["edit"])
    else:
        response = client.post(user_urls(target)["freeze"])
        target.refresh_from_db()
        assert target.is_frozen is allowed
        return
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and response["Location"] == "/admin/"


def test_edit_changes_email_roles_function_phone_but_not_names(client, admin_a, structure_a):
    target = UserFactory(structure=structure_a, roles=[Role.OFFER_VIEWER], first_name="Léa", last_name="Moreau")
    client.force_login(admin_a)
    page = text(client.get(user_urls(target)["edit"]))
    assert "Léa Moreau" in page and 'name="first_name"' not in page and f'value="{target.email}"' in page
    assert "Administrateur régional" not in page and "Gestionnaire de calendrier" not in page
    response = client.post(
        user_urls(target)["edit"],
        {
            "function": "Directrice",
            "phone": "0700000000",
            "roles": [Role.OFFER_MANAGER.value, Role.OFFER_VALIDATOR.value],
            "first_name": "Hack",
            "email": "Lea.Moreau@Example.org",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.function, target.phone, target.first_name, target.email) == (
        "Directrice",
        "0700000000",
        "Léa",
        "lea.moreau@example.org",
    )
    assert target.role_names == {Role.OFFER_MANAGER.value, Role.OFFER_VALIDATOR.value}


def test_offerer_admin_cannot_grant_regional_role(client, admin_a):
    client.force_login(admin_a)
    response = client.post(
        "/admin/sses/utilisateurs/nouveau/",
        {
            "first_name": "X",
            "last_name": "Y",
            "function": "Z",
            "email": "x@example.org",
            "phone": "0600000000",
            "roles": [Role.REGIONAL_ADMIN.value],
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="x@example.org").exists()


@pytest.mark.parametrize("email", ["admin.a@example.org", "ADMIN.A@example.org"])
def test_create_user_with_taken_email(client, admin_a, email):
    client.force_login(admin_a)
    response = client.post(
        "/admin/sses/utilisateurs/nouveau/",
        {
            "first_name": "X",
            "last_name": "Y",
            "function": "Z",
            "email": email,
            "phone": "0600000000",
            "roles": ["Consultation"],
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "Un compte existe déjà avec cette adresse e-mail." in text(response)


def test_last_admin_cannot_lose_role_or_be_frozen(client, admin_a, structure_a):
    regional = UserFactory(roles=[Role.REGIONAL_ADMIN], structure=None)
    client.force_login(admin_a)
    response = client.post(
        user_urls(admin_a)["edit"], {"email": admin_a.email, "function": "X", "phone": "", "roles": ["Consultation"]}
    )
    assert response.status_code == 200
    assert "au moins un Administrateur offreur actif" in text(response)
    admin_a.refresh_from_db()
    assert admin_a.has_role(Role.OFFERER_ADMIN)

    client.force_login(regional)
    response = client.post(user_urls(admin_a)["freeze"], follow=True)
    assert "au moins un Administrateur offreur actif" in text(response)
    admin_a.refresh_from_db()
    assert not admin_a.is_frozen

    # With a second active administrator, the first can be frozen, then unfrozen.
    UserFactory(structure=structure_a, roles=[Role.OFFERER_ADMIN])
    client.post(user_urls(admin_a)["freeze"])
    admin_a.refresh_from_db()
    assert admin_a.is_frozen
    assert ModelLogEntry.objects.for_instance(admin_a).filter(action="sses.user.frozen", user=regional).exists()
    client.post(user_urls(admin_a)["unfreeze"])
    admin_a.refresh_from_db()
    assert not admin_a.is_frozen


def test_my_account_edits_own_structure_only(client, admin_a, structure_a):
    other = StructureFactory(name="Autre")
    client.force_login(admin_a)
    page = text(client.get("/admin/sses/mon-compte/"))
    assert "Structure A" in page
    data = {
        "offerer_type": "school",
        "name": "Structure A renommée",
        "address": "2 rue Neuve",
        "postcode": "64000",
        "city": "Pau",
        "representative_last_name": "R",
        "representative_first_name": "S",
        "representative_function": "T",
        "description": "Nouvelle description",
        "website": "",
    }
    response = client.post("/admin/sses/mon-compte/", data)
    assert response.status_code == 302
    structure_a.refresh_from_db()
    assert structure_a.name == "Structure A renommée" and structure_a.department == "64"
    assert client.get(f"/admin/sses/structures/{other.pk}/modifier/").status_code == 302
    other.refresh_from_db()
    assert other.name == "Autre"


def test_offerer_roles_have_no_global_user_permissions(admin_a):
    assert not any(admin_a.has_perm(f"accounts.{action}_user") for action in ("add", "change", "delete", "view"))


def test_regional_admin_corrects_names_and_email_but_not_to_a_taken_one(client, admin_a, user_b):
    regional = UserFactory(roles=[Role.REGIONAL_ADMIN], structure=None)
    client.force_login(regional)
    data = {"first_name": "Bea", "last_name": "Roy", "function": "F", "phone": "", "roles": ["Gestionnaire d'offres"]}
    response = client.post(user_urls(user_b)["edit"], {**data, "email": "ADMIN.A@example.org"})
    assert "Un compte existe déjà avec cette adresse e-mail." in text(response)
    response = client.post(user_urls(user_b)["edit"], {**data, "email": "Bea.Roy@example.org"})
    assert response.status_code == 302
    user_b.refresh_from_db()
    assert (user_b.first_name, user_b.email) == ("Bea", "bea.roy@example.org")


def test_user_list_shows_inactive_state(client, admin_a, structure_a):
    from datetime import timedelta

    from django.utils import timezone

    UserFactory(structure=structure_a, last_name="Dormant", last_login=timezone.now() - timedelta(days=500))
    client.force_login(admin_a)
    page = text(client.get("/admin/sses/utilisateurs/?q=dormant"))
    assert "Dormant" in page and "Inactif" in page


def test_my_account_refuses_a_fake_logo(client, admin_a, structure_a):
    import io

    client.force_login(admin_a)
    fake = io.BytesIO(b"<svg onload=alert(1)></svg>")
    fake.name = "logo.png"
    data = {
        "offerer_type": "school",
        "name": "Structure A",
        "address": "2 rue Neuve",
        "postcode": "33000",
        "city": "Bordeaux",
        "description": "D",
        "logo": fake,
    }
    response = client.post("/admin/sses/mon-compte/", data)
    assert response.status_code == 200
    structure_a.refresh_from_db()
    assert not structure_a.logo


# Creation: mandatory function and phone, activation state


NEW_USER = {
    "first_name": "Nora",
    "last_name": "Petit",
    "function": "Chargée de prévention",
    "email": "Nora.Petit@example.org",
    "phone": "0556000000",
    "roles": [Role.OFFER_MANAGER.value],
}


def test_create_requires_function_and_phone(client, admin_a):
    client.force_login(admin_a)
    response = client.post(
        "/admin/sses/utilisateurs/nouveau/", {**NEW_USER, "function": "", "phone": " ", "active": "on"}
    )
    assert response.status_code == 200
    page = text(response)
    assert "Saisissez la fonction." in page
    assert "Saisissez un numéro de téléphone." in page
    assert not User.objects.filter(email="nora.petit@example.org").exists() and mail.outbox == []


def test_create_form_has_an_account_active_box_checked_by_default(client, admin_a):
    client.force_login(admin_a)
    page = text(client.get("/admin/sses/utilisateurs/nouveau/"))
    assert "Compte actif" in page
    assert 'type="checkbox" name="active"' in page and 'id="id_active" checked' in page


def test_active_account_is_created_with_its_login_sent(client, admin_a):
    client.force_login(admin_a)
    response = client.post("/admin/sses/utilisateurs/nouveau/", {**NEW_USER, "active": "on"}, follow=True)
    assert "a été créé et a reçu ses identifiants" in text(response)
    user = User.objects.get(email="nora.petit@example.org")
    assert not user.is_frozen and user.must_change_password
    assert [m.to for m in mail.outbox] == [["nora.petit@example.org"]]


def test_account_created_inactive_is_frozen_until_unfrozen_which_sends_the_login(client, admin_a):
    client.force_login(admin_a)
    response = client.post("/admin/sses/utilisateurs/nouveau/", NEW_USER, follow=True)  # box unchecked
    assert "créé avec un compte gelé" in text(response)
    user = User.objects.get(email="nora.petit@example.org")
    assert user.is_frozen and user.must_change_password and user.has_role(Role.OFFER_MANAGER)
    assert mail.outbox == []
    assert ModelLogEntry.objects.for_instance(user).filter(action="sses.user.frozen", user=admin_a).exists()
    page = text(client.get("/admin/sses/utilisateurs/?q=petit"))
    assert "Gelé" in page and "Dégeler" in page

    response = client.post(user_urls(user)["unfreeze"], follow=True)
    assert "est dégelé et ses identifiants lui ont été envoyés" in text(response)
    assert [m.to for m in mail.outbox] == [["nora.petit@example.org"]]
    client.logout()
    assert login(client, "nora.petit@example.org", password_in(mail.outbox[0])).status_code == 302
    assert client.get("/admin/")["Location"] == "/admin/sses/mot-de-passe/"


def test_unfreezing_a_user_who_has_logged_in_sends_nothing(client, admin_a, structure_a):
    target = UserFactory(structure=structure_a, roles=[Role.OFFER_VIEWER])
    client.force_login(target)  # sets last_login
    target.freeze()
    client.force_login(admin_a)
    response = client.post(user_urls(target)["unfreeze"], follow=True)
    assert "est dégelé." in text(response) and mail.outbox == []
    target.refresh_from_db()
    assert not target.is_frozen and target.check_password(PASSWORD)


# Editing: e-mail address, new temporary password


def test_edit_email_must_stay_unique_case_insensitively(client, admin_a, structure_a, user_b):
    target = UserFactory(structure=structure_a, roles=[Role.OFFER_VIEWER], email="target@example.org")
    client.force_login(admin_a)
    data = {"function": "F", "phone": "0600000000", "roles": [Role.OFFER_VIEWER.value]}
    response = client.post(user_urls(target)["edit"], {**data, "email": user_b.email.upper()})
    assert response.status_code == 200
    assert "Un compte existe déjà avec cette adresse e-mail." in text(response)
    response = client.post(user_urls(target)["edit"], {**data, "email": ""})
    assert response.status_code == 200 and "Champ requis." in text(response)
    target.refresh_from_db()
    assert target.email == "target@example.org"
    response = client.post(user_urls(target)["edit"], {**data, "email": "TARGET@example.org"})  # their own
    assert response.status_code == 302


def test_offerer_admin_sends_a_new_temporary_password(client, admin_a, structure_a):
    target = UserFactory(structure=structure_a, roles=[Role.OFFER_MANAGER], email="target@example.org")
    client.force_login(admin_a)
    page = text(client.get(user_urls(target)["edit"]))
    assert f'action="{user_urls(target)["password_reset"]}"' in page
    assert "Envoyer un nouveau mot de passe provisoire" in page
    assert client.get(user_urls(target)["password_reset"]).status_code == 405

    response = client.post(user_urls(target)["password_reset"], follow=True)
    assert response.redirect_chain[-1][0] == user_urls(target)["edit"]
    assert "Un nouveau mot de passe provisoire a été envoyé par e-mail" in text(response)
    assert [m.to for m in mail.outbox] == [["target@example.org"]]
    assert mail.outbox[0].subject.endswith("Votre nouveau mot de passe provisoire pour le portail SSES")
    assert "a attribué un nouveau mot de passe provisoire à votre compte" in mail.outbox[0].body
    assert "est prêt" not in mail.outbox[0].body
    assert ModelLogEntry.objects.for_instance(target).filter(action="sses.user.password_reset").exists()
    target.refresh_from_db()
    assert target.must_change_password and not target.check_password(PASSWORD)

    client.logout()
    assert login(client, "target@example.org", password_in(mail.outbox[0])).status_code == 302
    assert client.get("/admin/")["Location"] == "/admin/sses/mot-de-passe/"


def test_new_password_needs_the_csrf_token(admin_a, structure_a):
    from django.test import Client

    target = UserFactory(structure=structure_a, roles=[Role.OFFER_MANAGER])
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_a)
    assert client.post(user_urls(target)["password_reset"]).status_code == 403
    target.refresh_from_db()
    assert target.check_password(PASSWORD) and mail.outbox == []


def test_no_new_password_for_oneself_or_a_frozen_account(client, admin_a, structure_a):
    frozen = UserFactory(structure=structure_a, roles=[Role.OFFER_MANAGER])
    frozen.freeze()
    client.force_login(admin_a)
    assert "Envoyer un nouveau mot de passe provisoire" not in text(client.get(user_urls(frozen)["edit"]))
    assert "Envoyer un nouveau mot de passe provisoire" not in text(client.get(user_urls(admin_a)["edit"]))
    response = client.post(user_urls(frozen)["password_reset"], follow=True)
    assert "dégelez-le d'abord" in text(response)
    response = client.post(user_urls(admin_a)["password_reset"], follow=True)
    assert "depuis les paramètres de votre compte" in text(response)
    assert mail.outbox == []
    for user in (frozen, admin_a):
        user.refresh_from_db()
        assert user.check_password(PASSWORD) and not user.must_change_password


@pytest.mark.parametrize(
    ("role", "allowed_own", "allowed_other"),
    [
        (Role.OFFERER_ADMIN, True, False),
        (Role.REGIONAL_ADMIN, True, True),
        (Role.OFFER_MANAGER, False, False),
        (Role.OFFER_VALIDATOR, False, False),
        (Role.OFFER_VIEWER, False, False),
        (Role.CALENDAR_MANAGER, False, False),
    ],
)
@pytest.mark.parametrize("whose", ["own", "other"])
def test_new_password_matrix(client, structure_a, role, allowed_own, allowed_other, whose):
    actor = UserFactory(structure=structure_a, roles=[role])
    structure = structure_a if whose == "own" else StructureFactory(name="Autre")
    target = UserFactory(structure=structure, roles=[Role.OFFER_VIEWER])
    client.force_login(actor)
    response = client.post(user_urls(target)["password_reset"])
    allowed = allowed_own if whose == "own" else allowed_other
    target.refresh_from_db()
    if allowed:
        assert response.status_code == 302 and response["Location"] == user_urls(target)["edit"]
        assert target.must_change_password and [m.to for m in mail.outbox] == [[target.email]]
    else:
        if role == Role.OFFERER_ADMIN:
            assert response.status_code == 404
        else:
            assert response.status_code == 302 and response["Location"] == "/admin/"
        assert target.check_password(PASSWORD) and not target.must_change_password and mail.outbox == []
