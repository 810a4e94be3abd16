from django.shortcuts import redirect
from django.urls import reverse


class ForcePasswordChangeMiddleware:
    """A user with a temporary password must choose their own before any other admin page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and request.path.startswith("/admin/")
        ):
            # The icon sprite is fetched by every admin page, the password page included.
            allowed = {
                reverse("sses_accounts:password_change"),
                reverse("wagtailadmin_logout"),
                reverse("wagtailadmin_sprite"),
            }
            if request.path not in allowed and not request.path.startswith("/admin/jsi18n"):
                return redirect("sses_accounts:password_change")
        return self.get_response(request)
