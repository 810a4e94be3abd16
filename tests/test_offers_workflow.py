import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from accounts.roles import Role
from offers.models import Offer, OfferState
from tests.factories.accounts import StructureFactory, UserFactory
from tests.factories.offers import offer_form_data

pytestmark = pytest.mark.django_db(transaction=False)


def url(name, *args):
    return reverse(f"wagtailsnippets_offers_offer:{name}", args=args)


@pytest.fixture
def people():
    structure, other = StructureFactory(), StructureFactory()
    return {
        "structure": structure,
        "manager": UserFactory(structure=structure, roles=[Role.OFFER_MANAGER]),
        "validator": UserFactory(structure=structure, roles=[Role.OFFER_VALIDATOR]),
        "both": UserFactory(structure=structure, roles=[Role.OFFER_MANAGER, Role.OFFER_VALIDATOR]),
        "other_validator": UserFactory(structure=other, roles=[Role.OFFER_VALIDATOR]),
        "superuser": UserFactory(structure=None, is_superuser=True, is_staff=True),
    }


def workflow_action(client, offer, action, comment=""):
    task_state = offer.current_workflow_task_state
    return client.post(url("workflow_action", offer.pk, action, task_state.pk), {"comment": comment}, follow=False)


def test_full_life_of_an_offer(client, people, django_capture_on_commit_callbacks):
    manager, validator = people["manager"], people["validator"]
    today = timezone.localdate()
    start = today + datetime.timedelta(days=10)
    end = today + datetime.timedelta(days=40)

    # Draft, created by a Gestionnaire: the structure comes from the author.
    client.force_login(manager)
    data = offer_form_data(publication_start=start.isoformat(), publication_end=end.isoformat())
    response = client.post(url("add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    offer = Offer.objects.get()
    assert offer.structure == people["structure"] and offer.author == manager
    assert offer.state == OfferState.DRAFT and not offer.live

    # A Gestionnaire alone has no publish button: only submit.
    edit = client.get(url("edit", offer.pk)).content.decode()
    assert "— Brouillon" in edit
    assert "action-submit" in edit and 'name="action-publish"' not in edit

    # Submit: e-mail to the structure's valideur only (not the other structure's, not superusers).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("edit", offer.pk), {**data, "action-submit": "1"})
    assert response.status_code == 302
    assert Offer.objects.in_state(OfferState.TO_VALIDATE).get() == offer
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([validator.email, people["both"].email])
    assert people["other_validator"].email not in recipients and people["superuser"].email not in recipients
    assert offer.name in mail.outbox[0].subject and mail.outbox[0].subject.startswith("Offre à valider")
    mail.outbox.clear()

    # Wagtail's "awaiting your review" panel: the structure's valideur only.
    client.force_login(validator)
    assert offer.name in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(people["other_validator"])
    assert offer.name not in client.get(reverse("wagtailadmin_home")).content.decode()

    # The other structure's valideur cannot act.
    offer.refresh_from_db()
    response = workflow_action(client, offer, "approve")
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert Offer.objects.get().state == OfferState.TO_VALIDATE

    # Request changes, with a comment e-mailed to the author.
    client.force_login(validator)
    with django_capture_on_commit_callbacks(execute=True):
        response = workflow_action(client, offer, "reject", "Merci de préciser le public.")
    assert response.status_code in (200, 302)
    offer = Offer.objects.get()
    assert offer.state == OfferState.DRAFT
    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert "Merci de préciser le public." in mail.outbox[0].body
    mail.outbox.clear()

    # Resubmit, then approve with a future start: Validée.
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("edit", offer.pk), {**data, "description": "Public : 4e et 3e.", "action-submit": "1"})
    assert Offer.objects.get().state == OfferState.TO_VALIDATE
    client.force_login(validator)
    with django_capture_on_commit_callbacks(execute=True):
        workflow_action(client, Offer.objects.get(), "approve")
    offer = Offer.objects.get()
    assert offer.state == OfferState.VALIDATED and not offer.live
    assert "— Validée" in client.get(url("edit", offer.pk)).content.decode()
    assert not Offer.objects.published().exists()

    # The scheduled command publishes it on its start date.
    with freeze_time(timezone.now() + datetime.timedelta(days=10, hours=1)):
        call_command("publish_offers")
        offer = Offer.objects.get()
        assert offer.state == OfferState.PUBLISHED
        assert offer.description == "Public : 4e et 3e."
        assert list(Offer.objects.published()) == [offer]

    # After its end date it is Caduque, still listed.
    with freeze_time(timezone.now() + datetime.timedelta(days=42)):
        call_command("publish_offers")
        offer = Offer.objects.get()
        assert offer.state == OfferState.OBSOLETE and offer.expired
        assert not Offer.objects.published().exists()
        client.force_login(validator)
        assert offer.name in client.get(url("list")).content.decode()

        # Renew with new dates (upstream #13896: the stale expire_at must not block it).
        renew_start = timezone.localdate()
        renew = {
            **data,
            "publication_start": renew_start.isoformat(),
            "publication_end": (renew_start + datetime.timedelta(days=60)).isoformat(),
            "action-publish": "1",
        }
        response = client.post(url("edit", offer.pk), renew)
        assert response.status_code == 302, response.content.decode()[:3000]
        offer = Offer.objects.get()
        assert offer.state == OfferState.PUBLISHED
        assert list(Offer.objects.published()) == [offer]


def test_manager_and_validator_publishes_directly(client, people):
    client.force_login(people["both"])
    data = offer_form_data(**{"action-publish": "1"})
    response = client.post(url("add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    offer = Offer.objects.get()
    assert offer.state == OfferState.PUBLISHED
    assert list(Offer.objects.published()) == [offer]
    assert len(mail.outbox) == 0


def test_manager_alone_cannot_publish(client, people):
    client.force_login(people["manager"])
    client.post(url("add"), offer_form_data(**{"action-publish": "1"}))
    assert not Offer.objects.filter(live=True).exists()


def test_publication_dates_are_validated_in_french(client, people):
    client.force_login(people["manager"])
    today = timezone.localdate()
    response = client.post(
        url("add"),
        offer_form_data(
            publication_start=(today - datetime.timedelta(days=1)).isoformat(),
            publication_end=(today - datetime.timedelta(days=2)).isoformat(),
        ),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "La date de début de publication ne peut pas être dans le passé." in content
    assert not Offer.objects.exists()
    response = client.post(
        url("add"),
        offer_form_data(publication_start=today.isoformat(), publication_end=today.isoformat()),
    )
    assert "La fin de publication doit être postérieure au début de publication." in response.content.decode()


def test_schedule_follows_the_publication_dates():
    structure = StructureFactory()
    today = timezone.localdate()
    offer = Offer(structure=structure, publication_start=today, publication_end=today + datetime.timedelta(days=3))
    offer.sync_schedule()
    assert offer.go_live_at is None
    assert timezone.localtime(offer.expire_at).date() == today + datetime.timedelta(days=4)
    assert timezone.localtime(offer.expire_at).hour == 0
    offer.publication_start = today + datetime.timedelta(days=2)
    offer.sync_schedule()
    assert timezone.localtime(offer.go_live_at).date() == today + datetime.timedelta(days=2)
    assert timezone.localtime(offer.go_live_at).hour == 0


def test_form_has_the_four_tabs_and_no_structure_field(client, people):
    client.force_login(people["manager"])
    content = client.get(url("add")).content.decode()
    for tab in ("Description", "Modalités", "Compléments", "Publication"):
        assert f">{tab}<" in content or f"{tab}\n" in content, tab
    assert 'name="structure"' not in content
    assert 'name="documents-TOTAL_FORMS"' in content


def test_structure_cannot_be_moved_by_posting_it(client, people):
    other = StructureFactory()
    client.force_login(people["manager"])
    client.post(url("add"), offer_form_data(structure=other.pk))
    assert Offer.objects.get().structure == people["structure"]


def test_users_without_structure_role_cannot_create(client, people):
    client.force_login(UserFactory(structure=people["structure"], roles=[Role.OFFER_VIEWER]))
    assert client.get(url("add")).status_code == 302
    client.post(url("add"), offer_form_data())
    client.force_login(UserFactory(structure=None, roles=[Role.REGIONAL_ADMIN]))
    assert client.get(url("add")).status_code == 302
    client.post(url("add"), offer_form_data())
    assert not Offer.objects.exists()
