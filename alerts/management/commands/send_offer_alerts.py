import logging

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from alerts.models import Alert
from alerts.notifications import notify_alert_digest

logger = logging.getLogger("alerts")
BATCH_SIZE = 500


class Command(BaseCommand):
    help = (
        "E-mail each confirmed alert the offers published since its last digest that match its filters "
        "(weekly), and delete unconfirmed alerts whose confirmation link has expired."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        purged, _by_model = Alert.objects.expired(now).delete()
        sent = empty = 0
        last_pk = 0
        while True:
            # Batches by primary key: constant memory, and no cursor kept open across the updates.
            batch = list(Alert.objects.confirmed().filter(pk__gt=last_pk).order_by("pk")[:BATCH_SIZE])
            if not batch:
                break
            last_pk = batch[-1].pk
            for alert in batch:
                offers = list(alert.new_offers(until=now))
                with transaction.atomic():
                    if not alert.claim_digest(now, sending=bool(offers)):
                        continue  # another run already covered this period
                    if offers:
                        notify_alert_digest(alert, offers)
                        sent += 1
                    else:
                        empty += 1
        message = (
            f"send_offer_alerts: {sent} digest(s) sent, {empty} alert(s) without new offers, "
            f"{purged} unconfirmed alert(s) deleted."
        )
        logger.info(message)
        self.stdout.write(message)
