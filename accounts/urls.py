from django.urls import path
from wagtail.admin.auth import require_admin_access

from accounts import admin_views, views

app_name = "accounts"
urlpatterns = [
    path("inscription/", views.signup_structure, name="signup"),
    path("inscription/utilisateur/", views.signup_user, name="signup_user"),
    path("inscription/confirmation/", views.signup_done, name="signup_done"),
    # Overrides of Wagtail admin URLs (matched before `admin/` in config/urls.py): the
    # account settings without editable names/e-mail, a rate-limited password reset, and a reset
    # confirmation that clears the temporary-password flag.
    path("admin/account/", require_admin_access(admin_views.AccountView.as_view()), name="account"),
    path("admin/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "admin/password_reset/confirm/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
]
