from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.site_summary import SummaryItem

from accounts import admin_views, permissions, views
from accounts.models import Structure


class RoleMenuItem(MenuItem):
    def __init__(self, *args, check, **kwargs):
        self.check = check
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return self.check(request.user)


admin_urlpatterns = [
    path("structures/", admin_views.StructureIndexView.as_view(), name="structure_index"),
    path("structures/institut/", admin_views.InstituteCreateView.as_view(), name="institute_create"),
    path("structures/<int:pk>/", admin_views.StructureDetailView.as_view(), name="structure_detail"),
    path("structures/<int:pk>/modifier/", admin_views.StructureEditView.as_view(), name="structure_edit"),
    path("structures/<int:pk>/valider/", admin_views.StructureValidateView.as_view(), name="structure_validate"),
    path("structures/<int:pk>/refuser/", admin_views.StructureRefuseView.as_view(), name="structure_refuse"),
    path("mon-compte/", admin_views.MyStructureView.as_view(), name="my_structure"),
    path("utilisateurs/", admin_views.UserIndexView.as_view(), name="user_index"),
    path("utilisateurs/nouveau/", admin_views.UserCreateView.as_view(), name="user_create"),
    path("utilisateurs/<int:pk>/", admin_views.UserEditView.as_view(), name="user_edit"),
    path("utilisateurs/<int:pk>/geler/", admin_views.UserFreezeView.as_view(), name="user_freeze"),
    path("utilisateurs/<int:pk>/degeler/", admin_views.UserUnfreezeView.as_view(), name="user_unfreeze"),
    path(
        "utilisateurs/<int:pk>/mot-de-passe/",
        admin_views.UserPasswordResetView.as_view(),
        name="user_password_reset",
    ),
    path("mot-de-passe/", admin_views.PasswordChangeView.as_view(), name="password_change"),
    path("mes-donnees/", views.export_my_data, name="export_my_data"),
]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("sses/", include((admin_urlpatterns, "sses_accounts"), namespace="sses_accounts"))]


@hooks.register("register_admin_menu_item")
def structures_menu_item():
    return RoleMenuItem(
        _("Structures"),
        reverse("sses_accounts:structure_index"),
        icon_name="site",
        order=250,
        check=permissions.can_moderate,
    )


@hooks.register("register_admin_menu_item")
def users_menu_item():
    return RoleMenuItem(
        _("Users"),
        reverse("sses_accounts:user_index"),
        icon_name="group",
        order=260,
        check=permissions.can_manage_users,
    )


@hooks.register("register_admin_menu_item")
def my_structure_menu_item():
    return RoleMenuItem(
        _("My account"),
        reverse("sses_accounts:my_structure"),
        icon_name="home",
        order=270,
        check=permissions.is_structure_admin,
    )


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action("sses.structure.validated", _("Validate registration"), _("Registration validated"))
    actions.register_action("sses.structure.refused", _("Refuse registration"), _("Registration refused"))
    actions.register_action("sses.user.frozen", _("Freeze"), _("Account frozen"))
    actions.register_action("sses.user.unfrozen", _("Unfreeze"), _("Account unfrozen"))
    actions.register_action(
        "sses.user.password_reset", _("Send a new temporary password"), _("New temporary password sent")
    )


class PendingRegistrationsSummaryItem(SummaryItem):
    """Dashboard counter of the sign-ups waiting for the regional administrator."""

    order = 50
    template_name = "accounts/admin/summary_pending.html"

    def get_context_data(self, parent_context):
        return {"pending": Structure.objects.pending().count()}

    def is_shown(self):
        return permissions.can_moderate(self.request.user)


@hooks.register("construct_homepage_summary_items")
def add_pending_registrations(request, items):
    items.append(PendingRegistrationsSummaryItem(request))
