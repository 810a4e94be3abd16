import pytest

pytestmark = pytest.mark.django_db


def test_home_page_renders_with_dsfr_markup(client, site):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert "fr-header" in html and "fr-footer" in html
    assert 'href="#content"' in html  # skip link
    assert "Connexion espace offreur ou université/institut" in html
    assert 'href="/admin/login/"' in html
    assert "Créer un compte offreur" in html
    for label in ("Mentions légales", "Accessibilité", "Données personnelles"):
        assert label in html


def test_documentation_tree_is_served(client, site):
    response = client.get("/documentation/")
    assert response.status_code == 200
    assert "Créer un compte offreur" in response.content.decode()
    chapter = client.get("/documentation/creer-un-compte-offreur/")
    assert chapter.status_code == 200
    assert "représentant légal" in chapter.content.decode()


@pytest.mark.parametrize("path", ["/mentions-legales/", "/accessibilite/", "/donnees-personnelles/"])
def test_legal_pages_are_served(client, site, path):
    assert client.get(path).status_code == 200


def test_unknown_page_is_a_french_404(client, site):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()


def test_healthz_pings_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


def test_admin_login_page_is_french(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "Adresse e-mail" in response.content.decode() or "adresse e-mail" in response.content.decode().lower()
