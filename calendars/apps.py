from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def grant_calendar_permissions(**kwargs):
    from accounts.roles import Role, grant_permissions

    grant_permissions(
        {
            Role.CALENDAR_MANAGER: [
                "calendars.add_availabilityperiod",
                "calendars.change_availabilityperiod",
                "calendars.delete_availabilityperiod",
                "calendars.view_availabilityperiod",
            ]
        }
    )


class CalendarsConfig(AppConfig):
    name = "calendars"
    verbose_name = _("Students' calendar")

    def ready(self):
        post_migrate.connect(grant_calendar_permissions, sender=self)
