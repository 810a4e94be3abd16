"""Every admin URL taking an offer id, for every role, on an offer of their own and of another structure."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from offers.models import Offer
from tests.factories.accounts import StructureFactory, UserFactory
from tests.factories.offers import OfferFactory

pytestmark = pytest.mark.django_db

OWN_READ = ["inspect", "history", "history_results", "usage", "revisions_view", "revisions_compare",
            "workflow_history", "workflow_history_detail", "workflow_preview", "pdf"]  # fmt: skip
WRITE = ["edit", "delete", "revisions_revert", "revisions_unschedule", "unpublish", "lock", "unlock",
         "workflow_action", "collect_workflow_action_data", "confirm_workflow_cancellation", "duplicate",
         "stop", "extend", "preview_on_edit"]  # fmt: skip
ALL_URLS = OWN_READ + WRITE
ROLES = {
    "offerer_admin": [Role.OFFERER_ADMIN],
    "manager": [Role.OFFER_MANAGER],
    "validator": [Role.OFFER_VALIDATOR],
    "manager_validator": [Role.OFFER_MANAGER, Role.OFFER_VALIDATOR],
    "viewer": [Role.OFFER_VIEWER],
    "calendar_manager": [Role.CALENDAR_MANAGER],
    "regional_admin": [Role.REGIONAL_ADMIN],
}
READERS = {"offerer_admin", "manager", "validator", "manager_validator", "viewer", "regional_admin"}
# GET of own-structure offer (submitted for validation) → page shown (200).
EDITORS = {"manager", "validator", "manager_validator"}
# Wagtail keeps history, usage, revisions and workflow history for users with write permissions.
OWN_EXPECTED_200 = {
    **dict.fromkeys(OWN_READ, EDITORS),
    "inspect": READERS,
    "pdf": READERS,
    "workflow_preview": {"validator", "manager_validator"},
    "edit": {"manager", "validator", "manager_validator"},
    "delete": {"validator", "manager_validator"},
    "duplicate": {"manager", "validator", "manager_validator"},
    "stop": {"manager", "validator", "manager_validator", "regional_admin"},
}


def submitted_offer(structure, author):
    offer = OfferFactory(structure=structure, author=author)
    offer.save_revision(user=author)
    offer.get_workflow().start(offer, author)
    return Offer.objects.get(pk=offer.pk)


def offer_url(name, offer):
    revision = offer.latest_revision
    workflow_state = offer.workflow_states.get()
    task_state = workflow_state.current_task_state
    args = {
        "revisions_view": [offer.pk, revision.pk],
        "revisions_revert": [offer.pk, revision.pk],
        "revisions_unschedule": [offer.pk, revision.pk],
        "revisions_compare": [offer.pk, "earliest", "latest"],
        "workflow_action": [offer.pk, "approve", task_state.pk],
        "collect_workflow_action_data": [offer.pk, "approve", task_state.pk],
        "workflow_history_detail": [offer.pk, workflow_state.pk],
        "workflow_preview": [offer.pk, task_state.task_id],
    }.get(name, [offer.pk])
    return reverse(f"wagtailsnippets_offers_offer:{name}", args=args)


@pytest.fixture
def world():
    own, other = StructureFactory(), StructureFactory()
    author_own = UserFactory(structure=own, roles=[Role.OFFER_MANAGER])
    author_other = UserFactory(structure=other, roles=[Role.OFFER_MANAGER])
    return {
        "own_structure": own,
        "own": submitted_offer(own, author_own),
        "other": submitted_offer(other, author_other),
    }


def make_user(role_key, structure):
    if role_key == "regional_admin":
        return UserFactory(structure=None, roles=ROLES[role_key])
    if role_key == "calendar_manager":
        return UserFactory(structure=StructureFactory(institute=True), roles=ROLES[role_key])
    return UserFactory(structure=structure, roles=ROLES[role_key])


def refused(response):
    return response.status_code in (302, 404) and (
        response.status_code == 404
        or response["Location"] in (reverse("wagtailadmin_home"), "/admin/")
        or response["Location"].startswith("/admin/login/")
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ALL_URLS)
def test_other_structure_is_refused(client, world, role, name):
    if role == "regional_admin" and name in [*OWN_READ, "unpublish", "stop"]:
        pytest.skip("the regional administrator reads and may stop every structure's offers (tested below)")
    user = make_user(role, world["own_structure"])
    client.force_login(user)
    offer = world["other"]
    for method in (client.get, client.post):
        response = method(offer_url(name, offer))
        assert refused(response), (method.__name__, response.status_code, response.get("Location"))
    # Nothing changed on the other structure's offer.
    after = Offer.objects.get(pk=offer.pk)
    assert after.name == offer.name and not after.locked and after.live == offer.live
    assert Offer.objects.filter(structure=offer.structure).count() == 1


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(OWN_EXPECTED_200))
def test_own_structure_matrix(client, world, role, name):
    user = make_user(role, world["own_structure"])
    client.force_login(user)
    response = client.get(offer_url(name, world["own"]))
    if role in OWN_EXPECTED_200[name]:
        assert response.status_code == 200, (response.status_code, response.get("Location"))
    else:
        assert refused(response), (response.status_code, response.get("Location"))


@pytest.mark.parametrize("name", ["inspect", "pdf", "stop"])
def test_regional_admin_reads_every_structure(client, world, name):
    client.force_login(make_user("regional_admin", None))
    assert client.get(offer_url(name, world["other"])).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_list_and_chooser_show_only_own_structure(client, world, role):
    client.force_login(make_user(role, world["own_structure"]))
    for url in (
        reverse("wagtailsnippets_offers_offer:list"),
        reverse("wagtailsnippetchoosers_offers_offer:choose"),
        reverse("wagtailsnippetchoosers_offers_offer:choose_results"),
    ):
        response = client.get(url)
        is_json = "json" in response.get("Content-Type", "")
        content = response.json()["html"] if is_json else response.content.decode()
        if role == "regional_admin":
            assert world["own"].name in content and world["other"].name in content
        elif role in READERS:
            assert response.status_code == 200
            assert world["own"].name in content and world["other"].name not in content
        else:
            assert world["other"].name not in content
    chosen = client.get(reverse("wagtailsnippetchoosers_offers_offer:chosen", args=[world["other"].pk]))
    if role != "regional_admin":
        assert chosen.status_code == 404
