import logging

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from offers.models import Offer

logger = logging.getLogger("offers")


class Command(BaseCommand):
    help = "Publish the validated offers whose start has come and expire those whose end has passed."

    def handle(self, *args, **options):
        now = timezone.now()
        to_publish = (
            Offer.objects.filter(revisions__approved_go_live_at__lte=now)
            .values_list("pk", flat=True)
            .distinct()
            .count()
        )
        to_expire = Offer.objects.filter(live=True, expire_at__lte=now).count()
        call_command("publish_scheduled", verbosity=0)
        message = f"publish_offers: {to_publish} offer(s) published, {to_expire} offer(s) expired."
        logger.info(message)
        self.stdout.write(message)
