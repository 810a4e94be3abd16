from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    name = "portal"

    def ready(self):
        from portal import signals
        from portal.permissions import grant_regional_editing

        signals.connect()
        post_migrate.connect(grant_regional_editing, sender=self)
