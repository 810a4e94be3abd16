from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from accounts import admin_frame
        from accounts.roles import ensure_role_groups

        post_migrate.connect(ensure_role_groups, sender=self)
        admin_frame.install()
