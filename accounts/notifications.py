"""One function per account e-mail event; each goes through `send_templated_email`."""

from django.urls import reverse

from accounts.emails import send_templated_email
from accounts.models import User


def notify_signup(structure):
    """A new sign-up waits for moderation: tell every regional administrator."""
    recipients = User.objects.regional_admins().values_list("email", flat=True)
    return send_templated_email(
        "signup_pending",
        recipients,
        {"structure": structure, "path": reverse("sses_accounts:structure_detail", args=[structure.pk])},
    )


def send_credentials(user, password, template="credentials"):
    """A validated sign-up or a new user (or, with `new_password`, an administrator's reset):
    login and temporary password."""
    return send_templated_email(
        template,
        [user.email],
        {"user": user, "password": password, "structure": user.structure, "path": reverse("wagtailadmin_login")},
    )


def send_new_password(user, password):
    """An administrator gave an existing account a new temporary password."""
    return send_credentials(user, password, template="new_password")


def notify_refusal(structure):
    user = structure.first_user()
    if user is None:
        return 0
    return send_templated_email("signup_refused", [user.email], {"structure": structure, "user": user})


def warn_inactive(user, anonymisation_date):
    return send_templated_email(
        "inactivity_warning",
        [user.email],
        {"user": user, "anonymisation_date": anonymisation_date, "path": reverse("wagtailadmin_login")},
    )
