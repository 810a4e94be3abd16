"""Settings of the alerts, with their defaults (override any of them in the Django settings)."""

from django.conf import settings

DEFAULTS = {
    # Days a confirmation link stays valid; unconfirmed alerts are deleted after it.
    "ALERT_CONFIRMATION_DAYS": 7,
    # Subscriptions accepted per client address and period (seconds).
    "ALERT_SUBSCRIBE_RATE_LIMIT": 5,
    "ALERT_SUBSCRIBE_RATE_PERIOD": 3600,
    # At most this many offers are listed in one digest (the e-mail links to the whole listing).
    "ALERT_DIGEST_MAX_OFFERS": 30,
    # Path of the public offer listing (portal's OfferIndexPage); offers are at <path><id>/.
    "ALERT_OFFER_LISTING_PATH": "/offres/",
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])


def listing_url(query=""):
    """The public listing, filtered by `query` (a query string) when given."""
    path = get("ALERT_OFFER_LISTING_PATH")
    return f"{path}?{query}" if query else path


def offer_url(offer):
    return f"{get('ALERT_OFFER_LISTING_PATH')}{offer.pk}/"
