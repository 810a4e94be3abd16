import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_LENGTH = 8
MAX_LENGTH = 30


class PasswordPolicyValidator:
    """The guide's rule: 8 to 30 characters, with a lower-case letter, an upper-case letter and a digit."""

    def validate(self, password, user=None):
        errors = []
        if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
            errors.append(
                ValidationError(
                    _("The password must contain between %(min)d and %(max)d characters.")
                    % {"min": MIN_LENGTH, "max": MAX_LENGTH},
                    code="password_length",
                )
            )
        if not re.search(r"[a-z]", password):
            errors.append(ValidationError(_("The password must contain a lower-case letter."), code="password_lower"))
        if not re.search(r"[A-Z]", password):
            errors.append(ValidationError(_("The password must contain an upper-case letter."), code="password_upper"))
        if not re.search(r"\d", password):
            errors.append(ValidationError(_("The password must contain a digit."), code="password_digit"))
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return _(
            "Your password must contain between %(min)d and %(max)d characters, "
            "with at least one lower-case letter, one upper-case letter and one digit."
        ) % {"min": MIN_LENGTH, "max": MAX_LENGTH}
