"""Audit trail: every moderation and publication action, done through HTTP by the person entitled to
it, leaves a Wagtail log entry naming who did it and when, and the regional administrator finds it
in the "Site history" report, filtered by its action."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from accounts.models import Structure, User
from accounts.roles import Role
from offers.models import Offer, OfferState
from tests.factories.accounts import StructureFactory, UserFactory
from tests.factories.offers import OfferFactory, offer_form_data

pytestmark = pytest.mark.django_db

RESULTS = "/admin/reports/site-history/results/"


def offer_url(name, *args):
    return reverse(f"wagtailsnippets_offers_offer:{name}", args=args)


@pytest.fixture
def world():
    structure = StructureFactory(name="Association Prévention Santé")
    return {
        "structure": structure,
        "regional": UserFactory(structure=None, roles=[Role.REGIONAL_ADMIN], first_name="Régine", last_name="Garnier"),
        "admin": UserFactory(structure=structure, roles=[Role.OFFERER_ADMIN], first_name="Alain", last_name="Admin"),
        "manager": UserFactory(structure=structure, roles=[Role.OFFER_MANAGER], first_name="Gaëlle", last_name="Gest"),
        "validator": UserFactory(
            structure=structure, roles=[Role.OFFER_VALIDATOR], first_name="Victor", last_name="Valideur"
        ),
    }


def submitted_offer(client, world):
    """An offer created and submitted by the Gestionnaire through the admin form."""
    client.force_login(world["manager"])
    data = offer_form_data(name="Offre auditée", **{"action-submit": "1"})
    response = client.post(offer_url("add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    offer = Offer.objects.get(name="Offre auditée")
    assert offer.state == OfferState.TO_VALIDATE
    return offer


def workflow_action(client, offer, action, comment=""):
    offer.refresh_from_db()
    task_state = offer.current_workflow_task_state
    return client.post(offer_url("workflow_action", offer.pk, action, task_state.pk), {"comment": comment})


# Each action: (who does it, what they do through HTTP) → (logged action, object label in the report).


def validate_registration(client, world):
    pending = StructureFactory(name="Structure en attente", pending=True)
    client.force_login(world["regional"])
    client.post(f"/admin/sses/structures/{pending.pk}/valider/")
    assert Structure.objects.get(pk=pending.pk).status == Structure.Status.ACTIVE
    return world["regional"], pending, "sses.structure.validated"


def refuse_registration(client, world):
    pending = StructureFactory(name="Structure refusée", pending=True)
    client.force_login(world["regional"])
    client.post(f"/admin/sses/structures/{pending.pk}/refuser/", {"reason": "Hors du champ du SSES."})
    assert Structure.objects.get(pk=pending.pk).status == Structure.Status.REFUSED
    return world["regional"], pending, "sses.structure.refused"


def freeze_user(client, world):
    target = UserFactory(structure=world["structure"], roles=[Role.OFFER_VIEWER], first_name="Fanny", last_name="Gel")
    client.force_login(world["admin"])
    client.post(f"/admin/sses/utilisateurs/{target.pk}/geler/")
    assert User.objects.get(pk=target.pk).is_frozen
    return world["admin"], target, "sses.user.frozen"


def change_roles(client, world):
    target = UserFactory(structure=world["structure"], roles=[Role.OFFER_VIEWER], first_name="Rémi", last_name="Rôle")
    client.force_login(world["admin"])
    response = client.post(
        f"/admin/sses/utilisateurs/{target.pk}/",
        {
            "email": target.email,
            "function": "Chargé de projet",
            "phone": "0600000000",
            "roles": [Role.OFFER_MANAGER.value],
        },
    )
    assert response.status_code == 302
    assert User.objects.get(pk=target.pk).role_names == {Role.OFFER_MANAGER.value}
    return world["admin"], target, "wagtail.edit"


def submit_offer(client, world):
    offer = submitted_offer(client, world)
    return world["manager"], offer, "wagtail.workflow.start"


def approve_offer(client, world):
    offer = submitted_offer(client, world)
    client.force_login(world["validator"])
    workflow_action(client, offer, "approve")
    assert Offer.objects.get(pk=offer.pk).state == OfferState.PUBLISHED
    return world["validator"], offer, "wagtail.workflow.approve"


def publish_on_approval(client, world):
    _actor, offer, _action = approve_offer(client, world)
    return world["validator"], offer, "wagtail.publish"


def reject_offer(client, world):
    offer = submitted_offer(client, world)
    client.force_login(world["validator"])
    workflow_action(client, offer, "reject", "Merci de préciser le public.")
    assert Offer.objects.get(pk=offer.pk).state == OfferState.DRAFT
    return world["validator"], offer, "wagtail.workflow.reject"


def stop_offer(client, world):
    offer = OfferFactory(structure=world["structure"], name="Offre arrêtée", published=True)
    client.force_login(world["manager"])
    client.post(offer_url("stop", offer.pk))
    assert Offer.objects.get(pk=offer.pk).state == OfferState.OBSOLETE
    return world["manager"], offer, "wagtail.unpublish"


def stop_scheduled_offer(client, world):
    offer = OfferFactory(structure=world["structure"], name="Offre programmée arrêtée", scheduled=True)
    offer.save_revision(user=world["validator"], approved_go_live_at=offer.go_live_at)
    client.force_login(world["manager"])
    client.post(offer_url("stop", offer.pk))
    assert not Offer.objects.get(pk=offer.pk).scheduled_revision
    return world["manager"], offer, "wagtail.schedule.cancel"


def renew_offer(client, world):
    offer = OfferFactory(structure=world["structure"], name="Offre renouvelée", expired=True)
    client.force_login(world["validator"])
    today = timezone.localdate()
    data = offer_form_data(
        name="Offre renouvelée",
        publication_start=today.isoformat(),
        publication_end=(today + datetime.timedelta(days=60)).isoformat(),
        **{"action-publish": "1"},
    )
    response = client.post(offer_url("edit", offer.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Offer.objects.get(pk=offer.pk).state == OfferState.PUBLISHED
    return world["validator"], offer, "wagtail.publish"


def extend_offer(client, world):
    offer = OfferFactory(structure=world["structure"], name="Offre prolongée", published=True)
    end = offer.publication_end
    client.force_login(world["manager"])
    client.post(offer_url("extend", offer.pk), {"publication_end": str(end + datetime.timedelta(days=30))})
    assert Offer.objects.get(pk=offer.pk).publication_end > end
    return world["manager"], offer, "wagtail.edit"


def delete_offer(client, world):
    offer = OfferFactory(structure=world["structure"], name="Offre supprimée")
    client.force_login(world["manager"])
    client.post(offer_url("delete", offer.pk))
    assert not Offer.objects.filter(pk=offer.pk).exists()
    return world["manager"], offer, "wagtail.delete"


ACTIONS = [
    validate_registration,
    refuse_registration,
    freeze_user,
    change_roles,
    submit_offer,
    approve_offer,
    publish_on_approval,
    reject_offer,
    stop_offer,
    stop_scheduled_offer,
    renew_offer,
    extend_offer,
    delete_offer,
]


@pytest.mark.parametrize("perform", ACTIONS, ids=[action.__name__ for action in ACTIONS])
def test_action_is_logged_and_shown_to_the_regional_administrator(client, world, perform):
    # An entry of another action, so that the report offers it as a filter choice.
    log(instance=world["structure"], action="wagtail.lock", user=world["regional"])
    before = timezone.now()
    actor, instance, action = perform(client, world)

    entry = ModelLogEntry.objects.filter(action=action, object_id=str(instance.pk)).order_by("-timestamp").first()
    assert entry is not None, f"{action} not logged for {instance!r}"
    assert entry.user_id == actor.pk
    assert before <= entry.timestamp <= timezone.now()

    client.force_login(world["regional"])
    response = client.get(RESULTS, {"action": action})
    assert response.status_code == 200
    report = html.unescape(response.content.decode())
    assert entry.label in report
    assert actor.get_full_name() in report

    # Filtered on another action, the entry is not listed.
    other = html.unescape(client.get(RESULTS, {"action": "wagtail.lock"}).content.decode())
    assert world["structure"].name in other
    assert entry.label not in other


def test_the_regional_administrator_gets_no_extra_admin_screen(client, world):
    """The permission that shows them the log of users opens no user admin of Wagtail's."""
    client.force_login(world["regional"])
    assert client.get("/admin/users/").status_code == 302
    assert "/admin/users/" not in client.get("/admin/").content.decode()
