from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Log in by e-mail address, whatever its case (the address is stored lower-cased)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = username if username is not None else kwargs.get("email")
        if email is None or password is None:
            return None
        return super().authenticate(request, username=email.strip().lower(), password=password)
