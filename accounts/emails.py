"""Every e-mail of the portal goes through `send_templated_email`: rendered in French from
`templates/emails/<name>_subject.txt` and `<name>_body.txt`, one message per recipient (no
recipient sees another's address), and handed to the task queue so that sending never blocks
or breaks the request."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task


@task()
def deliver_email(subject, body, recipient, reply_to=None):
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient],
        reply_to=[reply_to] if reply_to else None,
    )
    message.send()


def render_email(template_name, context):
    """Return (subject, body) of an e-mail template, in French."""
    context = {"site_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/"), **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"emails/{template_name}_subject.txt", context).split())
        body = render_to_string(f"emails/{template_name}_body.txt", context)
    prefix = f"[{settings.ENVIRONMENT_LABEL}] " if settings.ENVIRONMENT_LABEL else ""
    return f"{prefix}{subject}", body


def send_templated_email(template_name, recipients, context, *, reply_to=None):
    """Queue one e-mail per recipient address; returns the number queued."""
    subject, body = render_email(template_name, context)
    addresses = sorted({address.strip().lower() for address in recipients if address})
    for address in addresses:
        deliver_email.enqueue(subject=subject, body=body, recipient=address, reply_to=reply_to)
    return len(addresses)
