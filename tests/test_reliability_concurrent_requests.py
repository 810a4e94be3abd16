"""Several visitors at the same instant against a real server: failed logins (django-axes writes a
row for each) and listing views interleave without a server error, on SQLite as on PostgreSQL.

On SQLite this also guards the test set-up itself (config/settings/test.py): with an in-memory test
database every live-server thread shared one connection and the writes failed with "database table
is locked"."""

import threading

import pytest
import requests

from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VISITORS = 6
ROUNDS = 5


def failed_logins_and_listing(base_url, email, statuses):
    session = requests.Session()
    for _ in range(ROUNDS):
        session.get(f"{base_url}/admin/login/")
        answer = session.post(
            f"{base_url}/admin/login/",
            data={
                "username": email,
                "password": "pas-le-bon",
                "csrfmiddlewaretoken": session.cookies.get("csrftoken"),
            },
            headers={"Referer": f"{base_url}/admin/login/"},
        )
        statuses.append(answer.status_code)
        statuses.append(session.get(f"{base_url}/offres/").status_code)


def test_simultaneous_visitors_get_no_server_error(live_server, site):
    statuses = []
    visitors = [
        threading.Thread(target=failed_logins_and_listing, args=(live_server.url, user.email, statuses))
        for user in UserFactory.create_batch(VISITORS)
    ]
    for visitor in visitors:
        visitor.start()
    for visitor in visitors:
        visitor.join()
    assert len(statuses) == VISITORS * ROUNDS * 2
    assert [status for status in statuses if status >= 500] == []
    assert set(statuses) <= {200, 403, 429}
