import datetime
import logging

from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from offers.models import ExpiryReminder, Offer
from offers.notifications import notify_expiry_reminder, structure_editors
from offers.views import make_extend_token

logger = logging.getLogger("offers")
DEADLINES = (30, 7)


class Command(BaseCommand):
    help = "E-mail the Gestionnaires and Valideurs of offers ending in 30 and 7 days (once per deadline)."

    def handle(self, *args, **options):
        today = timezone.localdate()
        horizon = today + datetime.timedelta(days=max(DEADLINES))
        offers = (
            Offer.objects.published()
            .filter(publication_end__gte=today, publication_end__lte=horizon)
            .select_related("structure")
        )
        sent = 0
        for offer in offers.iterator(chunk_size=500):
            days_left = (offer.publication_end - today).days
            # The tightest deadline reached: a missed run still sends one reminder, never an older one.
            days_before = min(deadline for deadline in DEADLINES if days_left <= deadline)
            try:
                with transaction.atomic():
                    reminder = ExpiryReminder.objects.create(
                        offer=offer, publication_end=offer.publication_end, days_before=days_before
                    )
            except IntegrityError:
                continue  # already sent for this offer and deadline
            recipients = list(structure_editors(offer.structure_id))
            extend_url = reverse("wagtailsnippets_offers_offer:extend", args=[offer.pk])
            extend_url = f"{extend_url}?token={make_extend_token(reminder)}"
            stop_url = reverse("wagtailsnippets_offers_offer:stop", args=[offer.pk])
            notify_expiry_reminder(offer, recipients, days_before, extend_url, stop_url)
            sent += 1
        message = f"send_offer_reminders: {sent} reminder(s) sent."
        logger.info(message)
        self.stdout.write(message)
