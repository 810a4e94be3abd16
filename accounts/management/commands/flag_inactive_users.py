from django.core.management.base import BaseCommand
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import ANONYMISATION_DELAY, INACTIVITY_DELAY, User
from accounts.notifications import warn_inactive


class Command(BaseCommand):
    help = (
        "List the users without login for 15 months (state Inactif) and e-mail each of them, once, "
        "a warning that their data will be anonymised at 24 months."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the users without e-mailing them.")

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        inactive = (
            User.objects.not_anonymised()
            .filter(is_active=True)
            .without_login_since(now - INACTIVITY_DELAY)
            .order_by("email")
        )
        # Warned once per period of inactivity: a login after the warning makes them eligible again.
        to_warn = inactive.filter(Q(inactivity_warned_at__isnull=True) | Q(inactivity_warned_at__lt=F("last_login")))
        self.stdout.write(f"{inactive.count()} utilisateur(s) inactif(s) depuis 15 mois.")
        warned = 0
        for user in to_warn:
            reference = user.last_login or user.date_joined
            self.stdout.write(f"- {user.email} (dernière connexion : {user.last_login or 'jamais'})")
            if dry_run:
                continue
            warn_inactive(user, (reference + ANONYMISATION_DELAY).date())
            user.inactivity_warned_at = now
            user.save(update_fields=["inactivity_warned_at"])
            warned += 1
        label = "à avertir (simulation)" if dry_run else "averti(s) par e-mail"
        self.stdout.write(f"{to_warn.count() if dry_run else warned} utilisateur(s) {label}.")
