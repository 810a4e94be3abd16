from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import CharField, Value

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

    def get_user_permissions(self, user_obj, obj=None):
        self._read_permissions_and_roles(user_obj, obj)
        return super().get_user_permissions(user_obj, obj)

    def get_group_permissions(self, user_obj, obj=None):
        self._read_permissions_and_roles(user_obj, obj)
        return super().get_group_permissions(user_obj, obj)

    def _read_permissions_and_roles(self, user_obj, obj):
        """Every admin page needs the user's own permissions, their groups' permissions and their
        groups' names (our roles, `User.role_names`): Django reads the first two in two queries,
        and the names took a third. Read all three in one, into the caches Django's methods look in
        (`_user_perm_cache`, `_group_perm_cache`; superusers keep Django's way: every permission)."""
        if (
            obj is not None
            or not user_obj.is_active
            or user_obj.is_anonymous
            or user_obj.is_superuser
            or hasattr(user_obj, "_group_perm_cache")
        ):
            return
        text = CharField()
        own = Permission.objects.filter(user=user_obj).values_list(
            Value(None, text), "content_type__app_label", "codename"
        )
        of_groups = Group.objects.filter(user=user_obj).values_list(
            "name", "permissions__content_type__app_label", "permissions__codename"
        )
        user_permissions, group_permissions, group_names = set(), set(), set()
        for group, app_label, codename in own.order_by().union(of_groups.order_by(), all=True):
            if group is None:
                user_permissions.add(f"{app_label}.{codename}")
                continue
            group_names.add(group)
            if codename is not None:  # a group without permissions
                group_permissions.add(f"{app_label}.{codename}")
        user_obj._user_perm_cache = user_permissions
        user_obj._group_perm_cache = group_permissions
        user_obj.__dict__["role_names"] = frozenset(group_names)
