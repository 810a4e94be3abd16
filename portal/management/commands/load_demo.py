import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import demo as accounts_demo
from calendars import demo as calendars_demo
from offers import demo as offers_demo
from portal import demo as portal_demo


class Command(BaseCommand):
    help = "Load the demo site, structures, users, offers and calendar (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--offers", type=int, default=0, help="Also generate this many offers (bulk inserts, for benchmarks)."
        )
        parser.add_argument(
            "--periods",
            type=int,
            default=0,
            help="Also generate this many calendar availability periods (bulk inserts, for benchmarks).",
        )

    def handle(self, *args, offers=0, periods=0, **options):
        if periods and not hasattr(calendars_demo, "generate"):
            raise CommandError("--periods needs calendars.demo.generate(count), which this version lacks.")
        started = time.monotonic()
        with transaction.atomic():
            portal_demo.build_site()
            structures, users = accounts_demo.build()
            offers_demo.build(structures, users)
            calendars_demo.build(structures, users)
        if offers:
            generated = offers_demo.generate(offers)
            self.stdout.write(f"Generated {generated} offers.")
        if periods:
            generated = calendars_demo.generate(periods)
            self.stdout.write(f"Generated {generated} calendar periods.")
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f}s."))
        self.stdout.write(f"Demo logins (password {accounts_demo.DEMO_PASSWORD}):")
        for email, label in accounts_demo.demo_logins() + calendars_demo.demo_logins():
            self.stdout.write(f"  {email:32} {label}")
