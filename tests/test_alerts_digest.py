"""Weekly digest of the e-mail alerts (`manage.py send_offer_alerts`), with a frozen clock."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from alerts.models import UNSUBSCRIBE, Alert
from offers.models import Theme
from portal.models import OfferIndexPage
from tests.factories.accounts import StructureFactory
from tests.factories.offers import OfferFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)


def at(days, hours=0):
    return MONDAY + datetime.timedelta(days=days, hours=hours)


def run():
    out = io.StringIO()
    call_command("send_offer_alerts", stdout=out)
    return out.getvalue()


def confirmed_alert(email="etudiant@example.org", query="thematique=sommeil", when=MONDAY):
    with freeze_time(when):
        alert = Alert.objects.create(email=email, query=query)
        alert.confirm()
    return alert


def publish(when, **fields):
    fields.setdefault("theme", Theme.objects.get(slug="sommeil"))
    with freeze_time(when):
        return OfferFactory(published=True, **fields)


def offer_names(message):
    return re.findall(r"^\* (.+)$", message.body, re.M)


def test_digest_lists_the_new_matching_offers_once(site):
    alert = confirmed_alert()
    before = publish(at(-1), name="Publiée avant l'alerte")
    sleep = publish(at(1), name="Atelier sommeil de l'école", city="Pessac")
    publish(at(2), name="Atelier nutrition", theme=Theme.objects.get(slug="alimentation"))
    draft = OfferFactory(name="Brouillon sommeil", theme=before.theme)

    with freeze_time(at(7)):
        output = run()
    assert "1 digest(s) sent" in output
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["etudiant@example.org"]
    assert message.subject == "1 nouvelle offre sur le Portail SSES"
    assert offer_names(message) == ["Atelier sommeil de l'école"]
    body = message.body
    assert "1 offre correspondant à votre alerte a été publiée cette semaine" in body
    assert "Thématique : Sommeil" in body
    assert "Pessac (33) – Sommeil" in body
    assert f"http://testserver/offres/{sleep.pk}/" in body
    assert OfferIndexPage.objects.get().offer_url(sleep) == f"/offres/{sleep.pk}/"
    assert "http://testserver/offres/?thematique=sommeil" in body
    assert "&#x27;" not in body and "&amp;" not in body
    match = re.search(r"http://testserver(/alertes/desabonnement/\S+/)", body)
    assert match
    assert Alert.objects.from_token(match.group(1).split("/")[-2], UNSUBSCRIBE) == alert
    assert message.extra_headers["List-Unsubscribe"] == f"<http://testserver{match.group(1)}>"
    assert draft.name not in body

    # The next week: nothing new, nothing sent; the offer is never sent twice.
    with freeze_time(at(14)):
        output = run()
    assert "0 digest(s) sent, 1 alert(s) without new offers" in output
    assert len(mail.outbox) == 1

    # An offer published later comes in the following digest, alone.
    publish(at(15), name="Sommeil et écrans")
    with freeze_time(at(21)):
        run()
    assert len(mail.outbox) == 2
    assert offer_names(mail.outbox[1]) == ["Sommeil et écrans"]


def test_running_twice_the_same_day_sends_nothing_more(site):
    confirmed_alert()
    publish(at(1))
    with freeze_time(at(7)):
        run()
    with freeze_time(at(7, hours=1)):
        run()
    assert len(mail.outbox) == 1
    assert Alert.objects.get().last_digest_at == at(7)


def test_alert_without_filters_gets_every_new_offer(site):
    confirmed_alert(query="")
    publish(at(1), name="A", theme=Theme.objects.get(slug="alimentation"))
    publish(at(2), name="B")
    with freeze_time(at(7)):
        run()
    assert offer_names(mail.outbox[0]) == ["B", "A"]
    assert "Toutes les nouvelles offres, sans filtre." in mail.outbox[0].body


def test_filters_are_those_of_the_listing(site):
    confirmed_alert(query="departement=40&q=nutrition")
    publish(at(1), name="Ateliers nutrition", postcode="40000", city="Mont-de-Marsan")
    publish(at(1), name="Ateliers nutrition en Gironde")
    publish(at(1), name="Sommeil", postcode="40000")
    with freeze_time(at(7)):
        run()
    assert offer_names(mail.outbox[0]) == ["Ateliers nutrition"]


def test_offers_no_longer_published_are_not_sent(site):
    confirmed_alert()
    publish(at(1), name="Expirée", publication_end=at(3).date())
    publish(at(1), name="Structure refusée", structure=StructureFactory(refused=True))
    with freeze_time(at(7)):
        run()
    assert not mail.outbox


def test_unconfirmed_alerts_receive_nothing_and_expire(site):
    with freeze_time(MONDAY):
        Alert.objects.create(email="pas-confirme@example.org", query="thematique=sommeil")
    publish(at(1))
    with freeze_time(at(6)):
        output = run()
    assert not mail.outbox
    assert "0 unconfirmed alert(s) deleted" in output
    assert Alert.objects.exists()
    with freeze_time(at(8)):
        output = run()
    assert "1 unconfirmed alert(s) deleted" in output
    assert not Alert.objects.exists()
    assert not mail.outbox


def test_long_digest_is_capped_and_links_to_the_listing(site, settings):
    settings.ALERT_DIGEST_MAX_OFFERS = 2
    confirmed_alert()
    for number in range(3):
        publish(at(1, hours=number), name=f"Offre {number}")
    with freeze_time(at(7)):
        run()
    message = mail.outbox[0]
    assert message.subject == "3 nouvelles offres sur le Portail SSES"
    assert offer_names(message) == ["Offre 2", "Offre 1"]
    assert "Et 1 autre offre sur la liste :" in message.body


def count_queries(alerts, offers_per_alert):
    Alert.objects.all().delete()
    mail.outbox.clear()
    for number in range(alerts):
        confirmed_alert(email=f"e{number}@example.org", when=at(30))
    for number in range(offers_per_alert):
        publish(at(31), name=f"Offre {number}")
    with freeze_time(at(37)), CaptureQueriesContext(connection) as queries:
        run()
    assert len(mail.outbox) == alerts
    return len(queries)


def test_constant_queries_per_alert_whatever_the_number_of_offers(site):
    count_queries(1, 1)  # warm-up (content types, reference lists)
    one = count_queries(1, 1)
    assert count_queries(1, 8) == one
    two = count_queries(2, 1)
    three = count_queries(3, 1)
    assert three - two == two - one
    # Matching offers, names of the filters, savepoint, watermark update, savepoint release.
    assert two - one <= 5


def test_crontab_runs_the_weekly_digest():
    from pathlib import Path

    from django.core.management import get_commands

    crontab = (Path(__file__).resolve().parent.parent / "deploy" / "crontab").read_text()
    line = next(line for line in crontab.splitlines() if "send_offer_alerts" in line)
    assert line.split()[:5] == ["0", "8", "*", "*", "1"]
    assert "send_offer_alerts" in get_commands()
