"""The alerts' e-mails, one function per event, through `accounts.emails.send_templated_email`."""

from django.conf import settings
from django.urls import reverse

from accounts.emails import send_templated_email
from alerts import conf
from alerts.models import CONFIRM, UNSUBSCRIBE


def _unsubscribe_header(context):
    """Mail clients show their own "unsubscribe" button from this header (RFC 2369)."""
    return {"List-Unsubscribe": f"<{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{context['unsubscribe_url']}>"}


def _context(alert):
    return {
        "alert": alert,
        "filters": alert.describe(),
        "listing_url": conf.listing_url(alert.query),
        "unsubscribe_url": reverse("alerts:unsubscribe", args=[alert.make_token(UNSUBSCRIBE)]),
    }


def notify_alert_confirmation(alert):
    """The double opt-in e-mail (or, for an alert already confirmed, a reminder that it is active)."""
    context = {
        **_context(alert),
        "confirm_url": reverse("alerts:confirm", args=[alert.make_token(CONFIRM)]),
        "days": conf.get("ALERT_CONFIRMATION_DAYS"),
    }
    return send_templated_email("alert_confirmation", [alert.email], context, headers=_unsubscribe_header(context))


def notify_alert_digest(alert, offers):
    """The weekly digest: `offers` is the list of new matching offers (never empty)."""
    shown = offers[: conf.get("ALERT_DIGEST_MAX_OFFERS")]
    context = {
        **_context(alert),
        "offers": [{"offer": offer, "url": conf.offer_url(offer)} for offer in shown],
        "count": len(offers),
        "more": len(offers) - len(shown),
    }
    return send_templated_email("alert_digest", [alert.email], context, headers=_unsubscribe_header(context))
