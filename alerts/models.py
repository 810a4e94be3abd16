"""E-mail alerts: a visitor's subscription to the public listing's filters, without an account.

An alert is created unconfirmed; the link of the confirmation e-mail confirms it (double opt-in).
Only confirmed alerts receive the weekly digest; unconfirmed ones are deleted once their link has
expired. `sent_until` is the digest watermark: the offers first published after it have not been
e-mailed yet, and moving it forward is a compare-and-swap, so an offer is never sent twice.
"""

import datetime
import secrets
from urllib.parse import urlencode

from django.core import signing
from django.db import models
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alerts import conf
from offers.models import Offer
from offers.public_filters import PublicOfferFilterForm

CONFIRM = "confirm"
UNSUBSCRIBE = "unsubscribe"


def new_key():
    return secrets.token_hex(16)


def canonical_query(filter_form):
    """The valid, non-empty filters of a PublicOfferFilterForm as a sorted query string."""
    return urlencode(sorted((name, str(value)) for name, value in filter_form.active.items()))


def confirmation_max_age():
    return datetime.timedelta(days=conf.get("ALERT_CONFIRMATION_DAYS"))


class AlertQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def pending(self):
        return self.filter(confirmed_at__isnull=True)

    def expired(self, now=None):
        """Unconfirmed alerts whose confirmation link has expired."""
        now = now or timezone.now()
        return self.pending().filter(created_at__lt=now - confirmation_max_age())

    def subscribe(self, email, filter_form):
        """The alert of this address for these filters, created (unconfirmed) if new.

        Subscribing again while unconfirmed restarts the confirmation delay.
        """
        alert, created = self.get_or_create(email=email.strip().lower(), query=canonical_query(filter_form))
        if not created and not alert.is_confirmed:
            alert.created_at = timezone.now()
            alert.save(update_fields=["created_at"])
        return alert

    def from_token(self, token, purpose):
        """The alert a signed token names, or None if it no longer exists.

        Raises `signing.BadSignature` for a forged token and `signing.SignatureExpired` (a
        subclass) for a confirmation link older than ALERT_CONFIRMATION_DAYS.
        """
        max_age = confirmation_max_age() if purpose == CONFIRM else None
        try:
            pk, key = signing.loads(token, salt=f"alerts.{purpose}", max_age=max_age)
        except (TypeError, ValueError) as error:  # a validly signed value of another shape
            raise signing.BadSignature(str(error)) from error
        return self.filter(pk=pk, key=key).first()


class Alert(models.Model):
    email = models.EmailField(_("e-mail address"))
    query = models.CharField(_("filters"), max_length=1000, blank=True)
    key = models.CharField(max_length=32, default=new_key, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    sent_until = models.DateTimeField(_("offers sent until"), null=True, blank=True)
    last_digest_at = models.DateTimeField(_("last digest sent at"), null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-mail alert")
        verbose_name_plural = _("e-mail alerts")
        constraints = [models.UniqueConstraint(fields=["email", "query"], name="alerts_one_alert_per_filters")]
        indexes = [models.Index(fields=["confirmed_at", "created_at"])]

    def __str__(self):
        return f"{self.email} ({self.query or '-'})"

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None

    def filter_form(self):
        return PublicOfferFilterForm(QueryDict(self.query))

    def describe(self):
        """The filters in words, e.g. ["Thématique : Sommeil"]; empty for "every offer"."""
        return self.filter_form().describe()

    def make_token(self, purpose):
        return signing.dumps([self.pk, self.key], salt=f"alerts.{purpose}")

    def confirm(self):
        """Confirm the alert (idempotent); offers published from now on will be e-mailed."""
        if self.is_confirmed:
            return False
        now = timezone.now()
        self.confirmed_at = now
        self.sent_until = now
        self.save(update_fields=["confirmed_at", "sent_until"])
        return True

    def new_offers(self, until):
        """Published offers matching the filters, first published after the watermark and by `until`."""
        offers = Offer.objects.published().filter(
            first_published_at__gt=self.sent_until, first_published_at__lte=until
        )
        return (
            self.filter_form()
            .filter_queryset(offers)
            .select_related("structure", "theme")
            .order_by("-first_published_at", "-pk")
        )

    def claim_digest(self, until, *, sending):
        """Move the watermark to `until`; False if another run moved it first (nothing to send then)."""
        changes = {"sent_until": until}
        if sending:
            changes["last_digest_at"] = timezone.now()
        claimed = Alert.objects.filter(pk=self.pk, sent_until=self.sent_until).update(**changes)
        if claimed:
            self.sent_until = until
        return bool(claimed)
