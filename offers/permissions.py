"""Who may do what with an offer (DESIGN.md, roles matrix): plain functions, one per action.

Every rule is limited to the user's own structure; the regional administrator sees every
structure's offers and may stop a publication (moderation), nothing more.
"""

from accounts.roles import Role

OFFERER_ROLES = (Role.OFFERER_ADMIN, Role.OFFER_MANAGER, Role.OFFER_VALIDATOR, Role.OFFER_VIEWER)


def _active(user):
    return bool(user and user.is_authenticated and user.is_active and not getattr(user, "is_frozen", False))


def _same_structure(user, offer):
    return user.structure_id is not None and user.structure_id == offer.structure_id


def is_validator(user):
    return _active(user) and user.structure_id is not None and user.has_role(Role.OFFER_VALIDATOR)


def is_editor(user):
    """Gestionnaire or Valideur of an offerer structure: may write offers of that structure."""
    return (
        _active(user)
        and user.structure_id is not None
        and (user.has_role(Role.OFFER_MANAGER) or user.has_role(Role.OFFER_VALIDATOR))
    )


def can_see_all_offers(user):
    return _active(user) and user.is_regional_admin


def can_view_offers(user):
    """May open the offers list at all."""
    return can_see_all_offers(user) or (
        _active(user) and user.structure_id is not None and any(user.has_role(role) for role in OFFERER_ROLES)
    )


def can_view_offer(user, offer):
    if can_see_all_offers(user):
        return True
    return can_view_offers(user) and _same_structure(user, offer)


def can_create_offer(user):
    return is_editor(user) and user.structure.is_offerer and user.structure.is_active


def can_edit_offer(user, offer):
    return is_editor(user) and _same_structure(user, offer)


def can_submit_offer(user, offer):
    return can_edit_offer(user, offer)


def can_publish_offer(user, offer):
    """Validate, publish, reject: the valideurs of the offer's structure."""
    return is_validator(user) and _same_structure(user, offer)


def can_delete_offer(user, offer):
    """Valideur: any offer of the structure; Gestionnaire: drafts only."""
    if can_publish_offer(user, offer):
        return True
    from offers.models import OfferState

    return can_edit_offer(user, offer) and offer.state == OfferState.DRAFT


def can_stop_offer(user, offer):
    """Stop a publication: the structure's editors, and the regional administrator (moderation)."""
    return can_edit_offer(user, offer) or can_see_all_offers(user)


def can_extend_offer(user, offer):
    return can_edit_offer(user, offer)


def always(user, offer):
    """Every action on every offer (a superuser)."""
    return True


def can_duplicate_offer(user, offer):
    return can_edit_offer(user, offer) and can_create_offer(user)


# The Django permissions each role's group receives (offers app post_migrate).
ROLE_PERMISSIONS = {
    Role.OFFER_MANAGER: [
        "offers.add_offer",
        "offers.change_offer",
        "offers.delete_offer",
        "offers.view_offer",
        "offers.lock_offer",
        "offers.unlock_offer",
    ],
    Role.OFFER_VALIDATOR: [
        "offers.add_offer",
        "offers.change_offer",
        "offers.delete_offer",
        "offers.view_offer",
        "offers.publish_offer",
        "offers.lock_offer",
        "offers.unlock_offer",
    ],
    Role.OFFERER_ADMIN: ["offers.view_offer"],
    Role.OFFER_VIEWER: ["offers.view_offer"],
    Role.REGIONAL_ADMIN: [
        "offers.view_offer",
        "offers.publish_offer",
        "offers.add_theme",
        "offers.change_theme",
        "offers.delete_theme",
        "offers.view_theme",
        "offers.add_sitetype",
        "offers.change_sitetype",
        "offers.delete_sitetype",
        "offers.view_sitetype",
        "offers.add_discipline",
        "offers.change_discipline",
        "offers.delete_discipline",
        "offers.view_discipline",
    ],
}


# Instance checks of the permission policy, by Wagtail action name.
INSTANCE_RULES = {
    "view": can_view_offer,
    "change": can_edit_offer,
    "lock": can_edit_offer,
    "unlock": can_edit_offer,
    "delete": can_delete_offer,
    "publish": lambda user, offer: can_publish_offer(user, offer) or can_see_all_offers(user),
}


class ListRuleAnswers:
    """The rules above, asked for the many offers of one list page by one user.

    Every rule answers from the user, the offer's structure and the offer's state only, so the
    answer for one offer is the answer for any offer of the same structure in the same state: each
    (rule, structure, state) is asked once per page instead of once per row (the rows' buttons ask
    two or three rules each). The rules stay the single source of truth; nothing outlives the page.
    """

    def __init__(self, user):
        self.user = user
        self._answers = {}

    def __call__(self, rule, offer):
        key = (rule, offer.structure_id, offer.state)
        try:
            return self._answers[key]
        except KeyError:
            answer = self._answers[key] = rule(self.user, offer)
            return answer
