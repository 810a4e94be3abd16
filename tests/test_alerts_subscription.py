"""E-mail alerts: subscription from the listing's filters, double opt-in, unsubscription, tokens."""

import datetime
import re

import pytest
from django.core import mail, signing
from django.utils import timezone
from freezegun import freeze_time

from alerts.models import CONFIRM, UNSUBSCRIBE, Alert
from offers.models import Theme

pytestmark = pytest.mark.django_db


def link(message, path):
    """The first absolute link of an e-mail body under `path`, as a path for the test client."""
    match = re.search(rf"http://testserver({re.escape(path)}\S+)", message.body)
    assert match, message.body
    return match.group(1)


def subscribe(client, email="Etudiante@Example.org", **filters):
    return client.post("/alertes/", {"email": email, **filters})


def test_listing_links_to_the_alert_form_with_its_filters(client, site):
    response = client.get("/offres/?thematique=sommeil&departement=33&page=2")
    html = response.content.decode()
    assert 'href="/alertes/?thematique=sommeil&amp;departement=33"' in html
    assert "Recevoir par e-mail les nouvelles offres correspondant à ces filtres" in html

    html = client.get("/offres/").content.decode()
    assert 'href="/alertes/"' in html
    assert "Recevoir les nouvelles offres par e-mail" in html


def test_subscribe_page_shows_the_filters_in_french(client, site):
    response = client.get("/alertes/?thematique=sommeil&departement=33&bogus=1")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Recevoir les nouvelles offres par e-mail" in html
    assert "Thématique : Sommeil" in html
    assert "Département : 33 – Gironde" in html
    assert '<input type="hidden" name="thematique" value="sommeil">' in html
    assert '<input type="hidden" name="departement" value="33">' in html
    assert "bogus" not in html
    assert 'href="/offres/?departement=33&amp;thematique=sommeil"' in html


def test_subscribe_without_filters_means_every_offer(client, site):
    html = client.get("/alertes/").content.decode()
    assert "Toutes les nouvelles offres, sans filtre." in html


def test_subscription_is_unconfirmed_and_sends_a_confirmation_email(client, site):
    response = subscribe(client, thematique="sommeil", departement="33")
    assert response.status_code == 302
    assert response["Location"] == "/alertes/verifiez-vos-e-mails/"
    alert = Alert.objects.get()
    assert alert.email == "etudiante@example.org"
    assert alert.query == "departement=33&thematique=sommeil"
    assert not alert.is_confirmed
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["etudiante@example.org"]
    assert message.subject == "Confirmez votre alerte sur les nouvelles offres"
    assert "Thématique : Sommeil" in message.body
    assert "/alertes/confirmer/" in message.body
    assert "/alertes/desabonnement/" in message.body
    done = client.get(response["Location"])
    assert "Consultez vos e-mails" in done.content.decode()


def test_confirmation_link_confirms_the_alert(client, site):
    subscribe(client, thematique="sommeil")
    response = client.get(link(mail.outbox[0], "/alertes/confirmer/"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Votre alerte est confirmée" in html
    assert "Thématique : Sommeil" in html
    alert = Alert.objects.get()
    assert alert.is_confirmed
    assert alert.sent_until == alert.confirmed_at
    # Opening the link again changes nothing.
    client.get(link(mail.outbox[0], "/alertes/confirmer/"))
    assert Alert.objects.get().confirmed_at == alert.confirmed_at


def test_subscribing_twice_keeps_one_alert_and_says_when_it_is_already_active(client, site):
    subscribe(client, thematique="sommeil")
    subscribe(client, email="etudiante@example.org", thematique="sommeil")
    assert Alert.objects.count() == 1
    assert len(mail.outbox) == 2
    client.get(link(mail.outbox[1], "/alertes/confirmer/"))
    subscribe(client, thematique="sommeil")
    assert Alert.objects.count() == 1
    assert mail.outbox[2].subject == "Votre alerte sur les nouvelles offres est active"
    assert "/alertes/confirmer/" not in mail.outbox[2].body
    # Other filters make another alert.
    subscribe(client, thematique="alimentation")
    assert Alert.objects.count() == 2


@pytest.mark.parametrize(
    ("email", "error"),
    [("", "Saisissez votre adresse e-mail."), ("pas-une-adresse", "Saisissez une adresse e-mail valide")],
)
def test_bad_email_shows_a_french_error(client, site, email, error):
    response = subscribe(client, email=email, thematique="sommeil")
    html = response.content.decode()
    assert response.status_code == 200
    assert error in html
    assert "<title>Erreur" in html
    assert '<input type="hidden" name="thematique" value="sommeil">' in html
    assert not Alert.objects.exists()
    assert not mail.outbox


def test_subscription_endpoint_is_rate_limited(client, site, settings):
    settings.ALERT_SUBSCRIBE_RATE_LIMIT = 2
    for number in range(2):
        assert subscribe(client, email=f"e{number}@example.org").status_code == 302
    response = subscribe(client, email="e3@example.org")
    assert response.status_code == 429
    assert "Trop d’inscriptions depuis votre connexion" in response.content.decode()
    assert Alert.objects.count() == 2
    assert len(mail.outbox) == 2


def test_expired_confirmation_link_is_refused(client, site):
    with freeze_time(timezone.now() - datetime.timedelta(days=8)):
        subscribe(client)
    response = client.get(link(mail.outbox[0], "/alertes/confirmer/"))
    assert response.status_code == 400
    assert "Ce lien a expiré" in response.content.decode()
    assert not Alert.objects.get().is_confirmed


@pytest.mark.parametrize("kind", ["tampered", "garbage", "wrong_purpose", "wrong_shape"])
def test_bad_tokens_are_refused(client, site, kind):
    subscribe(client)
    alert = Alert.objects.get()
    tokens = {
        "tampered": alert.make_token(CONFIRM)[:-2] + "xx",
        "garbage": "abc",
        "wrong_purpose": alert.make_token(UNSUBSCRIBE),
        "wrong_shape": signing.dumps("hello", salt="alerts.confirm"),
    }
    response = client.get(f"/alertes/confirmer/{tokens[kind]}/")
    assert response.status_code == 400
    assert "Lien invalide" in response.content.decode()
    assert not Alert.objects.get().is_confirmed
    if kind != "wrong_purpose":
        response = client.get(f"/alertes/desabonnement/{tokens[kind]}/")
        assert response.status_code == 400
        assert Alert.objects.exists()


def test_token_of_a_deleted_alert_never_reaches_a_new_one(client, site):
    subscribe(client)
    old = Alert.objects.get()
    token = old.make_token(UNSUBSCRIBE)
    old.delete()
    Alert.objects.create(pk=old.pk, email="autre@example.org")
    response = client.get(f"/alertes/desabonnement/{token}/")
    assert response.status_code == 200
    assert Alert.objects.filter(email="autre@example.org").exists()


def test_unsubscribe_link_deletes_the_alert_in_one_click_without_login(client, site):
    subscribe(client, thematique="sommeil")
    client.get(link(mail.outbox[0], "/alertes/confirmer/"))
    unsubscribe = link(mail.outbox[0], "/alertes/desabonnement/")
    response = client.get(unsubscribe)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vous êtes désabonné" in html
    assert "Thématique : Sommeil" in html
    assert not Alert.objects.exists()
    # Again: harmless.
    response = client.get(unsubscribe)
    assert response.status_code == 200
    assert "Cette alerte n’existe plus" in response.content.decode()


def test_unsubscribe_link_of_an_unconfirmed_alert_works_too(client, site):
    subscribe(client)
    client.get(link(mail.outbox[0], "/alertes/desabonnement/"))
    assert not Alert.objects.exists()


def test_filters_of_the_alert_are_the_listing_filters(client, site):
    """Invalid filter values are dropped, as the listing ignores them."""
    subscribe(client, thematique="sommeil", departement="999", structure="-4", q="  atelier  ")
    assert Alert.objects.get().query == "q=atelier&thematique=sommeil"
    assert Theme.objects.filter(slug="sommeil").exists()
