from django.contrib.auth.backends import ModelBackend

from accounts.models import Structure, User


class EmailBackend(ModelBackend):
    """Log in by e-mail address, whatever its case (the address is stored lower-cased).

    Frozen users and users of a structure that is not active (pending or refused sign-up) are
    refused; the login form explains why (`accounts.forms.LoginForm`)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = username if username is not None else kwargs.get("email")
        if email is None or password is None:
            return None
        return super().authenticate(request, username=email.strip().lower(), password=password)

    def user_can_authenticate(self, user):
        if not super().user_can_authenticate(user) or getattr(user, "frozen_at", None) is not None:
            return False
        structure = getattr(user, "structure", None)
        return structure is None or structure.status == Structure.Status.ACTIVE

    def get_user(self, user_id):
        # A user frozen (or whose structure is no longer active) during a session is logged out.
        # The structure is read in the same query: every request checks it.
        user = User.objects.select_related("structure").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
