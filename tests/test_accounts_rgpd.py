import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time

from accounts.models import User
from accounts.roles import Role
from offers.models import Offer, SiteType, Theme
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.datetime(2026, 6, 1, 12, tzinfo=timezone.get_current_timezone())


def run(command, *args):
    from io import StringIO

    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def user_last_seen(days_ago, **kwargs):
    return UserFactory(last_login=NOW - timedelta(days=days_ago), date_joined=NOW - timedelta(days=1000), **kwargs)


@freeze_time(NOW)
def test_flag_inactive_users_warns_once_after_15_months():
    recent = user_last_seen(400)
    old = user_last_seen(460, email="old@example.org")
    never = UserFactory(last_login=None, date_joined=NOW - timedelta(days=500), email="never@example.org")

    output = run("flag_inactive_users")
    assert "old@example.org" in output and "never@example.org" in output and recent.email not in output
    assert sorted(m.to[0] for m in mail.outbox) == ["never@example.org", "old@example.org"]
    assert mail.outbox[0].subject == "Votre compte sur le Portail SSES est inactif"
    assert "anonymisées" in mail.outbox[0].body and "http://testserver/admin/login/" in mail.outbox[0].body
    old.refresh_from_db()
    assert old.state == User.State.INACTIVE and old.inactivity_warned_at == NOW

    run("flag_inactive_users")
    assert len(mail.outbox) == 2  # no duplicate
    never.refresh_from_db()
    assert never.inactivity_warned_at is not None


def test_a_login_after_the_warning_allows_a_new_warning_later():
    with freeze_time(NOW):
        user = user_last_seen(460)
        run("flag_inactive_users")
    assert len(mail.outbox) == 1
    with freeze_time(NOW + timedelta(days=1)):
        user.last_login = timezone.now()
        user.save()
    with freeze_time(NOW + timedelta(days=470)):
        run("flag_inactive_users")
    assert len(mail.outbox) == 2


@freeze_time(NOW)
def test_flag_dry_run_sends_nothing():
    user_last_seen(460, email="old@example.org")
    output = run("flag_inactive_users", "--dry-run")
    assert "old@example.org" in output and "simulation" in output
    assert mail.outbox == []
    assert User.objects.get(email="old@example.org").inactivity_warned_at is None


@freeze_time(NOW)
def test_anonymise_after_24_months_keeps_offers():
    old = user_last_seen(740, roles=[Role.OFFER_MANAGER], email="old@example.org", first_name="Ancien")
    recent = user_last_seen(700, email="recent@example.org")
    # (tests.factories.offers.OfferFactory does not import at the moment: its `expired` trait is cyclic.)
    offer = Offer.objects.create(
        name="Atelier sommeil",
        description="Ateliers.",
        theme=Theme.objects.first(),
        site_type=SiteType.objects.first(),
        structure=old.structure,
        author=old,
        live=False,
    )

    output = run("anonymise_inactive_users", "--dry-run")
    assert "old@example.org" in output and "recent@example.org" not in output
    old.refresh_from_db()
    assert old.anonymised_at is None and old.email == "old@example.org"

    run("anonymise_inactive_users")
    old.refresh_from_db()
    assert old.anonymised_at == NOW and not old.is_active and not old.has_usable_password()
    assert old.email.endswith("@anonyme.invalid") and old.first_name != "Ancien"
    assert old.phone == "" and old.function == "" and not old.groups.exists()
    assert Offer.objects.get(pk=offer.pk).author == old
    recent.refresh_from_db()
    assert recent.anonymised_at is None
    assert "0 utilisateur(s) anonymisé(s)" in run("anonymise_inactive_users")  # idempotent


def test_download_my_data_returns_own_data_only(client):
    user = UserFactory(roles=[Role.OFFER_MANAGER], email="me@example.org", phone="0611")
    UserFactory(email="other@example.org")
    client.force_login(user)
    response = client.get("/admin/sses/mes-donnees/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["email"] == "me@example.org" and data["phone"] == "0611"
    assert data["roles"] == ["Gestionnaire d'offres"] and data["structure"]["name"] == user.structure.name
    assert "other@example.org" not in response.content.decode()


def test_download_my_data_requires_login(client):
    response = client.get("/admin/sses/mes-donnees/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
