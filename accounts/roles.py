"""Roles are Wagtail groups; a user's roles are cumulative and always apply to their own structure."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFERER_ADMIN = "Administrateur offreur", _("Offerer administrator")
    OFFER_MANAGER = "Gestionnaire d'offres", _("Offer manager")
    OFFER_VALIDATOR = "Valideur d'offres", _("Offer validator")
    OFFER_VIEWER = "Consultation", _("Offer viewer")
    CALENDAR_MANAGER = "Gestionnaire de calendrier", _("Calendar manager")
    REGIONAL_ADMIN = "Administrateur régional", _("Regional administrator")


# The roles an Administrateur offreur may grant inside their own structure.
OFFERER_ROLES = [Role.OFFERER_ADMIN, Role.OFFER_MANAGER, Role.OFFER_VALIDATOR, Role.OFFER_VIEWER]
INSTITUTE_ROLES = [Role.CALENDAR_MANAGER]


def ensure_role_groups(**kwargs):
    """Create one Wagtail group per role, each allowed into the admin (post_migrate, idempotent)."""
    from django.contrib.auth.models import Group, Permission

    access_admin = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin").first()
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        if access_admin:
            group.permissions.add(access_admin)
    # The audit trail: Wagtail's "Site history" report, kept for this permission by config.middleware.
    # Wagtail lists there only the log of the models the viewer has some permission on: a permission
    # that opens no screen (Wagtail's own user admin wants add/change/delete/view) lets the regional
    # administrator read the moderation log of structures and users.
    log_permissions = ensure_log_permissions()
    grant_permissions({Role.REGIONAL_ADMIN: [settings.AUDIT_LOG_PERMISSION, *log_permissions]})


def ensure_log_permissions():
    """`accounts.read_<model>_log` for structures and users (created here: no migration needed)."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import Structure, User

    names = []
    for model in (Structure, User):
        codename = f"read_{model._meta.model_name}_log"
        Permission.objects.get_or_create(
            content_type=ContentType.objects.get_for_model(model),
            codename=codename,
            defaults={"name": f"Can read the log of {model._meta.verbose_name_plural}"},
        )
        names.append(f"accounts.{codename}")
    return names


def grant_permissions(role_permissions):
    """Give each role the model permissions listed as {role: ["app_label.codename", ...]}.

    Apps call this from their own post_migrate handler, so that each app declares what its
    roles may do and the groups stay in sync with the code on every migrate.
    """
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    # Our post_migrate handlers may run before django.contrib.auth's, which creates the
    # permissions of each app: create them first (it is idempotent).
    for app_label in {perm.split(".")[0] for perms in role_permissions.values() for perm in perms}:
        create_permissions(apps.get_app_config(app_label), verbosity=0)
    for role, perms in role_permissions.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        for perm in perms:
            app_label, codename = perm.split(".")
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is None:
                raise LookupError(f"Unknown permission {perm}")
            group.permissions.add(permission)
