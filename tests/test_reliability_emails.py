"""E-mails go through the durable database queue: an unreachable mail server delays them, never loses them."""

import smtplib
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from accounts.emails import send_templated_email
from tests.factories.accounts import UserFactory

# The worker opens its own (exclusive) transactions: the test cannot run inside one.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
FAILING = "tests.test_reliability_emails.UnreachableServerBackend"


class UnreachableServerBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def queue(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_RETRY_DELAYS = [60, 300]
    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "signup_subject.txt").write_text("Demande d'inscription de {{ name }}\n")
    (tmp_path / "emails" / "signup_body.txt").write_text("Une nouvelle structure attend votre validation.")
    # A new value (not an in-place change) so that Django rebuilds its template engines.
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]


def run_worker():
    call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)


def statuses():
    return sorted(DBTaskResult.objects.values_list("status", flat=True))


def test_emails_wait_in_the_queue_until_the_worker_sends_them(queue, settings):
    settings.EMAIL_BACKEND = LOCMEM

    send_templated_email("signup", ["admin@ars.example.org"], {"name": "IFSI Nord"})

    assert mail.outbox == []
    assert statuses() == ["READY"]
    run_worker()
    assert [m.subject for m in mail.outbox] == ["Demande d'inscription de IFSI Nord"]
    assert mail.outbox[0].to == ["admin@ars.example.org"]
    assert statuses() == ["SUCCESSFUL"]


def test_a_failing_mail_server_delays_the_email_which_is_then_sent_exactly_once(queue, settings):
    settings.EMAIL_BACKEND = FAILING
    send_templated_email("signup", ["admin@ars.example.org"], {"name": "IFSI Nord"})
    start = timezone.now()

    run_worker()  # the server is down: the first attempt fails, a second one is planned in 60 s
    assert mail.outbox == []
    assert statuses() == ["FAILED", "READY"]
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after >= start + timedelta(seconds=60)
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert "SMTPServerDisconnected" in DBTaskResult.objects.get(status="FAILED").exception_class_path

    settings.EMAIL_BACKEND = LOCMEM  # the server is back
    run_worker()
    assert mail.outbox == [], "the retry waits for its delay"

    with freeze_time(start + timedelta(seconds=61)):
        run_worker()
        run_worker()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Demande d'inscription de IFSI Nord"
    assert statuses() == ["FAILED", "SUCCESSFUL"]


def test_retries_follow_the_delays_then_give_up_with_an_error_in_the_log(queue, settings, caplog):
    settings.EMAIL_BACKEND = FAILING
    send_templated_email("signup", ["admin@ars.example.org"], {"name": "IFSI Nord"})
    start = timezone.now()

    run_worker()
    with freeze_time(start + timedelta(seconds=61)):
        run_worker()  # second attempt fails: the third comes 300 s later
    third = DBTaskResult.objects.get(status="READY")
    assert third.args_kwargs["kwargs"]["attempt"] == 3
    assert third.run_after >= start + timedelta(seconds=61 + 300)

    with freeze_time(start + timedelta(seconds=400)):
        run_worker()
    assert statuses() == ["FAILED", "FAILED", "FAILED"]
    assert mail.outbox == []
    assert "abandoned after 3 attempt(s)" in caplog.text


def test_tests_send_emails_at_once(settings):
    """The test settings keep the immediate backend, so that other tests read mail.outbox directly."""
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks.backends.immediate.ImmediateBackend"


def test_make_run_starts_the_worker_next_to_the_server():
    root = Path(__file__).resolve().parent.parent
    recipe = subprocess.run(["make", "-n", "run"], cwd=root, capture_output=True, text=True, check=True).stdout
    assert "manage.py db_worker --queue-name '*' & WORKER=$!" in recipe
    assert "trap 'kill $WORKER" in recipe, "the worker stops with the server"
    assert "manage.py runserver" in recipe


def test_password_reset_email_waits_in_the_queue_too(queue, settings, client):
    settings.EMAIL_BACKEND = LOCMEM
    UserFactory(email="oubli@example.org")

    response = client.post("/admin/password_reset/", {"email": "oubli@example.org"})

    assert response.status_code == 302
    assert mail.outbox == []
    assert statuses() == ["READY"]
    run_worker()
    assert mail.outbox[0].to == ["oubli@example.org"]
    assert "/admin/password_reset/confirm/" in mail.outbox[0].body
