"""Who may do what with structures and users. The regional administrator acts on everything; an
Administrateur offreur only inside their own structure, and grants only the offerer roles."""

from accounts.models import Structure, User
from accounts.roles import INSTITUTE_ROLES, OFFERER_ROLES, Role


def can_moderate(user):
    """Validate or refuse sign-ups, manage every structure, create training institutes."""
    return user.is_authenticated and user.is_regional_admin


def is_structure_admin(user):
    return user.is_authenticated and user.structure_id is not None and user.has_role(Role.OFFERER_ADMIN)


def can_manage_users(user):
    return can_moderate(user) or is_structure_admin(user)


def can_edit_structure(user, structure):
    if can_moderate(user):
        return True
    return is_structure_admin(user) and structure.pk == user.structure_id


def structures_for(user):
    if can_moderate(user):
        return Structure.objects.all()
    if is_structure_admin(user):
        return Structure.objects.filter(pk=user.structure_id)
    return Structure.objects.none()


def users_for(user):
    if can_moderate(user):
        return User.objects.all()
    if is_structure_admin(user):
        return User.objects.filter(structure_id=user.structure_id, is_superuser=False)
    return User.objects.none()


def can_manage_user(actor, target):
    return users_for(actor).filter(pk=target.pk).exists()


def grantable_roles(actor, structure):
    """Roles `actor` may give to users of `structure`."""
    if structure is not None and structure.is_institute:
        return list(INSTITUTE_ROLES) if can_moderate(actor) else []
    if can_moderate(actor) or (is_structure_admin(actor) and structure and structure.pk == actor.structure_id):
        return list(OFFERER_ROLES)
    return []


def leaves_structure_without_admin(target, *, roles=None, freeze=False):
    """True if changing `target` (new `roles`, or freezing) would leave their offerer structure
    without any active Administrateur offreur."""
    structure = target.structure
    if structure is None or not structure.is_offerer or not structure.is_active:
        return False
    if not target.is_active_admin:
        return False
    still_admin = not freeze and (roles is None or Role.OFFERER_ADMIN in roles)
    if still_admin:
        return False
    return not structure.active_admins().exclude(pk=target.pk).exists()
