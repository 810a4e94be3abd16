from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def setup_offers(app_config=None, using="default", **kwargs):
    """post_migrate, idempotent: the snippet permissions, the roles' permissions and the workflow."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from accounts.roles import ensure_role_groups, grant_permissions
    from offers.models import Offer
    from offers.permissions import ROLE_PERMISSIONS
    from offers.workflow import ensure_validation_workflow

    # Wagtail's snippets app creates these too, but its handler may run after ours.
    content_type = ContentType.objects.db_manager(using).get_for_model(Offer)
    for action in ("publish", "lock", "unlock"):
        Permission.objects.using(using).get_or_create(
            content_type=content_type, codename=f"{action}_offer", defaults={"name": f"Can {action} offer"}
        )
    ensure_role_groups()
    grant_permissions(ROLE_PERMISSIONS)
    ensure_validation_workflow()


class OffersConfig(AppConfig):
    name = "offers"
    verbose_name = _("Offers")

    def ready(self):
        from offers import notifications

        post_migrate.connect(setup_offers, sender=self)
        notifications.connect_signals()
