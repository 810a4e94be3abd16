import pytest
from django.core import mail

from accounts.emails import send_templated_email

pytestmark = pytest.mark.django_db


def test_templated_email_goes_to_each_recipient_alone(settings, tmp_path):
    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "hello_subject.txt").write_text("Bonjour {{ name }}\n")
    (tmp_path / "emails" / "hello_body.txt").write_text("Voir {{ site_url }}/offres/")
    engine = {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    settings.TEMPLATES = [engine]  # reassigned (not mutated) so that Django reloads the engines
    settings.ENVIRONMENT_LABEL = "Recette"

    sent = send_templated_email("hello", ["A@example.org", "b@example.org", "a@example.org", ""], {"name": "Alice"})

    assert sent == 2
    assert [m.to for m in mail.outbox] == [["a@example.org"], ["b@example.org"]]
    assert mail.outbox[0].subject == "[Recette] Bonjour Alice"
    assert mail.outbox[0].body == "Voir http://testserver/offres/"
