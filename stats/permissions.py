"""Who may see the regional statistics: the regional administrator only."""

from accounts.permissions import can_moderate


def can_view_statistics(user):
    return bool(user.is_authenticated and user.is_active and can_moderate(user))
