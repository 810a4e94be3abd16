"""Every e-mail of the portal goes through `send_templated_email`: rendered in French from
`templates/emails/<name>_subject.txt` and `<name>_body.txt`, one message per recipient (no
recipient sees another's address), and handed to the task queue so that sending never blocks
or breaks the request.

The queue is durable (django-tasks-db: one row per e-mail, written in the request's own
transaction, sent by `manage.py db_worker`). When the mail server refuses or cannot be
reached, `deliver_email` queues itself again after `settings.EMAIL_RETRY_DELAYS`, so that an
outage never loses a sign-up or a submission; each attempt is one task row (FAILED with its
traceback, or SUCCESSFUL), and a message is sent by exactly one successful attempt."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def deliver_email(subject, body, recipient, reply_to=None, attempt=1, headers=None):
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient],
        reply_to=[reply_to] if reply_to else None,
        headers=headers,
    )
    try:
        message.send()
    except Exception:
        retry_email_later(
            subject=subject, body=body, recipient=recipient, reply_to=reply_to, attempt=attempt, headers=headers
        )
        raise  # This attempt is recorded as failed, with its traceback.


def retry_email_later(*, attempt, **email):
    """Queue attempt number `attempt + 1` of a failed e-mail after its delay; False when giving up."""
    delays = settings.EMAIL_RETRY_DELAYS
    backend = deliver_email.get_backend()
    if attempt > len(delays) or not backend.supports_defer:
        logger.error("E-mail %r to %s abandoned after %d attempt(s)", email["subject"], email["recipient"], attempt)
        return False
    delay = delays[attempt - 1]
    logger.warning(
        "E-mail %r to %s failed (attempt %d), next try in %ds", email["subject"], email["recipient"], attempt, delay
    )
    deliver_email.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(**email, attempt=attempt + 1)
    return True


def render_email(template_name, context):
    """Return (subject, body) of an e-mail template, in French."""
    context = {"site_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/"), **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"emails/{template_name}_subject.txt", context).split())
        body = render_to_string(f"emails/{template_name}_body.txt", context)
    prefix = f"[{settings.ENVIRONMENT_LABEL}] " if settings.ENVIRONMENT_LABEL else ""
    return f"{prefix}{subject}", body


def send_templated_email(template_name, recipients, context, *, reply_to=None, headers=None):
    """Queue one e-mail per recipient address; returns the number queued."""
    subject, body = render_email(template_name, context)
    addresses = sorted({address.strip().lower() for address in recipients if address})
    for address in addresses:
        deliver_email.enqueue(subject=subject, body=body, recipient=address, reply_to=reply_to, headers=headers)
    return len(addresses)
