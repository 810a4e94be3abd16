"""The periods admin: institute users write their own institute's periods, nobody else's."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from calendars.models import AvailabilityPeriod, Modality
from offers.models import Discipline
from tests.factories.accounts import StructureFactory, UserFactory
from tests.factories.calendars import AvailabilityPeriodFactory

pytestmark = pytest.mark.django_db

ROLES_WITHOUT_WRITE = [
    Role.OFFERER_ADMIN,
    Role.OFFER_MANAGER,
    Role.OFFER_VALIDATOR,
    Role.OFFER_VIEWER,
    Role.REGIONAL_ADMIN,
]


@pytest.fixture
def institute():
    return StructureFactory(institute=True, name="IFSI de Pau", postcode="64000", city="Pau")


@pytest.fixture
def manager(institute):
    return UserFactory(structure=institute, roles=[Role.CALENDAR_MANAGER])


@pytest.fixture
def other_period():
    return AvailabilityPeriodFactory(institute=StructureFactory(institute=True, name="IFMK de Limoges"))


def assert_refused(response):
    """Wagtail's admin turns a refusal into a redirect to the dashboard, with an error message."""
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")


def period_data(**overrides):
    data = {
        "discipline": Discipline.objects.get(name="Soins infirmiers").pk,
        "student_count": "25",
        "start": "2026-12-07",
        "end": "2026-12-18",
        "modalities": [Modality.SPLIT.value, Modality.MORNINGS.value],
        "comment": "Deuxième année",
    }
    data.update(overrides)
    return data


def test_manager_creates_a_period_for_their_own_institute(client, manager, institute):
    client.force_login(manager)
    response = client.post(reverse("periodes:add"), period_data(), follow=True)
    assert response.status_code == 200
    period = AvailabilityPeriod.objects.get()
    assert period.institute == institute
    assert period.student_count == 25
    assert period.start == datetime.date(2026, 12, 7)
    assert period.modalities == [Modality.SPLIT.value, Modality.MORNINGS.value]
    assert "créée" in response.content.decode()
    assert "Période de disponibilité" in response.content.decode()


def test_new_period_is_always_the_writers_institute(client, manager, institute, other_period):
    """A forged `institute` field is ignored: the form has no such field."""
    client.force_login(manager)
    client.post(reverse("periodes:add"), period_data(institute=other_period.institute_id))
    assert AvailabilityPeriod.objects.exclude(pk=other_period.pk).get().institute == institute


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"start": "2026-12-18", "end": "2026-12-07"}, "end", "La date de fin doit être égale ou postérieure"),
        ({"student_count": "0"}, "student_count", "Le nombre d’étudiants doit être au moins 1."),
        ({"student_count": "-3"}, "student_count", "Le nombre d’étudiants doit être au moins 1."),
        ({"student_count": "douze"}, "student_count", "Saisissez un nombre entier d’étudiants."),
        ({"start": "31/02/2026"}, "start", "Saisissez une date de début valide."),
        ({"end": ""}, "end", "Saisissez la date de fin."),
        ({"modalities": ["weekends"]}, "modalities", "Sélectionnez un choix valide"),
    ],
)
def test_bad_input_is_refused_with_a_french_message(client, manager, overrides, field, message):
    client.force_login(manager)
    response = client.post(reverse("periodes:add"), period_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert not AvailabilityPeriod.objects.exists()


def test_manager_edits_duplicates_and_deletes_their_period(client, manager, institute):
    period = AvailabilityPeriodFactory(institute=institute, student_count=10)
    client.force_login(manager)

    response = client.post(reverse("periodes:edit", args=[period.pk]), period_data(student_count="30"))
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.student_count == 30

    copy_page = client.get(reverse("periodes:copy", args=[period.pk]))
    assert copy_page.status_code == 200
    assert copy_page.context["form"].initial["student_count"] == 30
    client.post(reverse("periodes:copy", args=[period.pk]), period_data(start="2027-01-04", end="2027-01-15"))
    assert AvailabilityPeriod.objects.filter(institute=institute).count() == 2

    response = client.post(reverse("periodes:delete", args=[period.pk]))
    assert response.status_code == 302
    assert not AvailabilityPeriod.objects.filter(pk=period.pk).exists()


def test_list_shows_only_the_users_institute(client, manager, institute, other_period):
    own = AvailabilityPeriodFactory(institute=institute, comment="")
    client.force_login(manager)
    response = client.get(reverse("periodes:index"))
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [own]
    assert reverse("periodes:edit", args=[own.pk]) in response.content.decode()
    assert reverse("periodes:edit", args=[other_period.pk]) not in response.content.decode()


def test_list_queries_do_not_grow_with_rows(client, manager, institute, django_assert_max_num_queries):
    AvailabilityPeriodFactory(institute=institute)
    client.force_login(manager)
    client.get(reverse("periodes:index"))
    with CaptureQueriesContext(connection) as one_row:
        client.get(reverse("periodes:index"))
    AvailabilityPeriodFactory.create_batch(20, institute=institute)
    with django_assert_max_num_queries(len(one_row)):
        response = client.get(reverse("periodes:index"))
    assert response.context["page_obj"].paginator.count == 21  # paginated list, 20 rows shown


def test_empty_list_invites_to_create(client, manager):
    client.force_login(manager)
    response = client.get(reverse("periodes:index"))
    assert response.status_code == 200
    assert reverse("periodes:add") in response.content.decode()


PK_URLS = ["edit", "delete", "copy", "history", "history_results", "usage"]


@pytest.mark.parametrize("url_name", PK_URLS)
def test_every_period_url_refuses_another_institutes_user(client, manager, other_period, url_name):
    client.force_login(manager)
    url = reverse(f"periodes:{url_name}", args=[other_period.pk])
    assert_refused(client.get(url))
    assert_refused(client.post(url, period_data(student_count="99")))
    other_period.refresh_from_db()
    assert other_period.student_count == 12


@pytest.mark.parametrize("url_name", PK_URLS)
def test_every_period_url_serves_its_own_institutes_user(client, manager, institute, url_name):
    period = AvailabilityPeriodFactory(institute=institute)
    client.force_login(manager)
    assert client.get(reverse(f"periodes:{url_name}", args=[period.pk])).status_code == 200


@pytest.mark.parametrize("url_name", PK_URLS)
def test_unknown_period_id_is_refused(client, manager, url_name):
    client.force_login(manager)
    assert_refused(client.get(reverse(f"periodes:{url_name}", args=[987654])))


@pytest.mark.parametrize("role", ROLES_WITHOUT_WRITE)
def test_other_roles_cannot_write_periods(client, role, other_period):
    structure = None if role == Role.REGIONAL_ADMIN else StructureFactory()
    user = UserFactory(structure=structure, roles=[role])
    client.force_login(user)
    assert_refused(client.get(reverse("periodes:index")))
    assert_refused(client.post(reverse("periodes:add"), period_data()))
    for url_name in PK_URLS:
        assert_refused(client.post(reverse(f"periodes:{url_name}", args=[other_period.pk]), period_data()))
    assert AvailabilityPeriod.objects.count() == 1


def test_calendar_manager_of_an_offerer_structure_cannot_write(client, other_period):
    """The role only counts inside a training institute."""
    user = UserFactory(structure=StructureFactory(), roles=[Role.CALENDAR_MANAGER])
    client.force_login(user)
    assert_refused(client.post(reverse("periodes:add"), period_data()))
    assert AvailabilityPeriod.objects.count() == 1


def test_institute_user_without_the_role_cannot_write(client, institute):
    user = UserFactory(structure=institute, roles=[Role.OFFER_VIEWER])
    client.force_login(user)
    assert_refused(client.post(reverse("periodes:add"), period_data()))
    assert not AvailabilityPeriod.objects.exists()


def test_menu_shows_periods_to_managers_only(client, manager):
    client.force_login(manager)
    assert reverse("periodes:index") in client.get("/admin/").content.decode()
    offerer = UserFactory(roles=[Role.OFFER_MANAGER])
    client.force_login(offerer)
    assert reverse("periodes:index") not in client.get("/admin/").content.decode()


def test_the_role_has_the_period_permissions():
    from django.contrib.auth.models import Group

    codenames = set(Group.objects.get(name=Role.CALENDAR_MANAGER.value).permissions.values_list("codename", flat=True))
    assert {
        "add_availabilityperiod",
        "change_availabilityperiod",
        "delete_availabilityperiod",
        "view_availabilityperiod",
    } <= codenames
