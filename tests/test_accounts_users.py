import html

import pytest
from wagtail.models import ModelLogEntry

from accounts.models import User
from accounts.roles import Role
from tests.factories.accounts import StructureFactory, UserFactory

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


@pytest.mark.parametrize("action", ["edit", "freeze", "unfreeze"])
def test_offerer_admin_cannot_reach_another_structures_user(client, admin_a, user_b, action):
    client.force_login(admin_a)
    url = user_urls(user_b)[action]
    response = client.get(url) if action == "edit" else client.post(url)
    assert response.status_code == 404
    response = client.post(user_urls(user_b)["edit"], {"function": "Pirate", "phone": "", "roles": []})
    assert response.status_code == 404
    user_b.refresh_from_db()
    assert user_b.function != "Pirate" and not user_b.is_frozen and user_b.has_role(Role.OFFER_MANAGER)


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


def test_edit_changes_roles_function_phone_but_not_names(client, admin_a, structure_a):
    target = UserFactory(structure=structure_a, roles=[Role.OFFER_VIEWER], first_name="Léa", last_name="Moreau")
    client.force_login(admin_a)
    page = text(client.get(user_urls(target)["edit"]))
    assert "Léa Moreau" in page and 'name="first_name"' not in page and 'name="email"' not in page
    assert "Administrateur régional" not in page and "Gestionnaire de calendrier" not in page
    response = client.post(
        user_urls(target)["edit"],
        {
            "function": "Directrice",
            "phone": "0700000000",
            "roles": [Role.OFFER_MANAGER.value, Role.OFFER_VALIDATOR.value],
            "first_name": "Hack",
            "email": "hack@example.org",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.function, target.phone, target.first_name, target.email) == (
        "Directrice",
        "0700000000",
        "Léa",
        target.email,
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
            "phone": "",
            "roles": [Role.REGIONAL_ADMIN.value],
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="x@example.org").exists()


@pytest.mark.parametrize("email", ["admin.a@example.org", "ADMIN.A@example.org"])
def test_create_user_with_taken_email(client, admin_a, email):
    client.force_login(admin_a)
    response = client.post(
        "/admin/sses/utilisateurs/nouveau/",
        {"first_name": "X", "last_name": "Y", "function": "Z", "email": email, "phone": "", "roles": ["Consultation"]},
    )
    assert response.status_code == 200
    assert "Un compte existe déjà avec cette adresse e-mail." in text(response)


def test_last_admin_cannot_lose_role_or_be_frozen(client, admin_a, structure_a):
    regional = UserFactory(roles=[Role.REGIONAL_ADMIN], structure=None)
    client.force_login(admin_a)
    response = client.post(user_urls(admin_a)["edit"], {"function": "X", "phone": "", "roles": ["Consultation"]})
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
