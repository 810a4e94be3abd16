from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import ANONYMISATION_DELAY, User


class Command(BaseCommand):
    help = (
        "Anonymise the users without login for 24 months: personal data replaced, account disabled. "
        "Their offers and history are kept and point to the anonymised user."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the users without changing anything.")

    def handle(self, *args, dry_run=False, **options):
        users = (
            User.objects.not_anonymised()
            .filter(is_superuser=False)
            .without_login_since(timezone.now() - ANONYMISATION_DELAY)
            .order_by("pk")
        )
        count = 0
        for user in users:
            self.stdout.write(f"- #{user.pk} {user.email} (dernière connexion : {user.last_login or 'jamais'})")
            if not dry_run:
                with transaction.atomic():
                    user.anonymise()
            count += 1
        label = "à anonymiser (simulation)" if dry_run else "anonymisé(s)"
        self.stdout.write(f"{count} utilisateur(s) {label}.")
