"""Public alert pages: subscribe to the listing's filters, confirm (double opt-in), unsubscribe.

No account is needed: the confirmation and unsubscribe links carry a signed token.
"""

from django.core import signing
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.ratelimit import limit_reached
from alerts import conf
from alerts.forms import AlertForm
from alerts.models import CONFIRM, UNSUBSCRIBE, Alert, canonical_query
from alerts.notifications import notify_alert_confirmation
from offers.public_filters import PublicOfferFilterForm


@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request):
    filters = PublicOfferFilterForm(request.POST if request.method == "POST" else request.GET)
    status = 200
    if request.method == "POST":
        form = AlertForm(request.POST)
        if limit_reached(
            "alerts", request, conf.get("ALERT_SUBSCRIBE_RATE_LIMIT"), conf.get("ALERT_SUBSCRIBE_RATE_PERIOD")
        ):
            form.is_valid()
            form.add_error(None, AlertForm.rate_limited_message)
            status = 429
        elif form.is_valid():
            with transaction.atomic():
                alert = Alert.objects.subscribe(form.cleaned_data["email"], filters)
                notify_alert_confirmation(alert)
            return redirect("alerts:subscribe_done")
    else:
        form = AlertForm()
    query = canonical_query(filters)
    context = {
        "form": form,
        "filters": filters.describe(),
        "hidden_filters": sorted((name, str(value)) for name, value in filters.active.items()),
        "listing_url": conf.listing_url(query),
    }
    return render(request, "alerts/subscribe.html", context, status=status)


def subscribe_done(request):
    return render(request, "alerts/subscribe_done.html", {"days": conf.get("ALERT_CONFIRMATION_DAYS")})


def _invalid_link(request, expired=False):
    return render(
        request,
        "alerts/invalid_link.html",
        {"expired": expired, "listing_url": conf.listing_url("")},
        status=400,
    )


@never_cache
def confirm(request, token):
    try:
        alert = Alert.objects.from_token(token, CONFIRM)
    except signing.SignatureExpired:
        return _invalid_link(request, expired=True)
    except signing.BadSignature:
        return _invalid_link(request)
    if alert is None:  # expired and purged, or unsubscribed since
        return _invalid_link(request, expired=True)
    alert.confirm()
    context = {
        "alert": alert,
        "filters": alert.describe(),
        "listing_url": conf.listing_url(alert.query),
        "unsubscribe_url": reverse("alerts:unsubscribe", args=[alert.make_token(UNSUBSCRIBE)]),
    }
    return render(request, "alerts/confirmed.html", context)


@never_cache
@require_GET
def unsubscribe(request, token):
    """One click: the link itself unsubscribes (the alert is deleted), and does so again harmlessly."""
    try:
        alert = Alert.objects.from_token(token, UNSUBSCRIBE)
    except signing.BadSignature:
        return _invalid_link(request)
    filters = []
    if alert is not None:
        filters = alert.describe()
        alert.delete()
    context = {"filters": filters, "was_subscribed": alert is not None, "listing_url": conf.listing_url("")}
    return render(request, "alerts/unsubscribed.html", context)
