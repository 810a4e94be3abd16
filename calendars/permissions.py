"""Who may see the calendar and write availability periods: plain functions, tested as a matrix."""

from wagtail.permission_policies.base import ModelPermissionPolicy

from accounts.roles import Role


def user_institute(user):
    """The active training institute the user declares periods for, or None."""
    structure = getattr(user, "structure", None)
    if structure is not None and structure.is_institute and structure.is_active:
        return structure
    return None


def can_view_calendar(user):
    """Every logged-in user of an active offerer or institute, and regional administrators."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_regional_admin:
        return True
    structure = user.structure
    return structure is not None and structure.is_active


def can_write_periods(user):
    """Calendar managers of an active training institute (their own institute only)."""
    return user.is_active and user.has_role(Role.CALENDAR_MANAGER) and user_institute(user) is not None


def can_edit_period(user, period):
    return can_write_periods(user) and period.institute_id == user.structure_id


def can_view_offer_matches(user, offer):
    """The matching page of an offer: regional administrators, or users of the offer's structure."""
    if not can_view_calendar(user):
        return False
    return user.is_regional_admin or (user.structure_id is not None and user.structure_id == offer.structure_id)


class AvailabilityPeriodPermissionPolicy(ModelPermissionPolicy):
    """Model permissions (given to the Gestionnaire de calendrier role) limited to the user's own institute.

    Superusers get no exception: a period always belongs to the writer's institute.
    """

    def user_has_permission(self, user, action):
        return can_write_periods(user) and super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and can_edit_period(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return self.model._default_manager.filter(institute_id=user.structure_id)
