"""The offers' e-mails: one function per event, all through `accounts.emails.send_templated_email`."""

import contextlib
import contextvars

from django.db import transaction
from django.urls import reverse

from accounts.emails import send_templated_email
from accounts.models import User
from accounts.roles import Role


def _edit_url(offer):
    return reverse("wagtailsnippets_offers_offer:edit", args=[offer.pk])


def structure_validators(structure_id, exclude=None):
    users = User.objects.filter(
        structure_id=structure_id, is_active=True, frozen_at__isnull=True, groups__name=Role.OFFER_VALIDATOR.value
    )
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.distinct()


def structure_editors(structure_id):
    """Gestionnaires and Valideurs of a structure (expiry reminders)."""
    return User.objects.filter(
        structure_id=structure_id,
        is_active=True,
        frozen_at__isnull=True,
        groups__name__in=[Role.OFFER_MANAGER.value, Role.OFFER_VALIDATOR.value],
    ).distinct()


def notify_offer_submitted(offer, submitter):
    """To the valideurs of the offer's structure only (never another structure's, nor superusers)."""
    recipients = [user.email for user in structure_validators(offer.structure_id, exclude=submitter)]
    context = {"offer": offer, "submitter": submitter, "edit_url": _edit_url(offer)}
    return send_templated_email("offer_submitted", recipients, context)


def notify_offer_changes_requested(offer, recipient, reviewer, comment):
    if recipient is None or not recipient.email:
        return 0
    context = {"offer": offer, "reviewer": reviewer, "comment": comment, "edit_url": _edit_url(offer)}
    return send_templated_email("offer_changes_requested", [recipient.email], context)


def notify_offer_approved(offer, recipient, reviewer):
    if recipient is None or not recipient.email or recipient == reviewer:
        return 0
    context = {"offer": offer, "reviewer": reviewer, "edit_url": _edit_url(offer)}
    return send_templated_email("offer_approved", [recipient.email], context)


def notify_expiry_reminder(offer, recipients, days_before, extend_url, stop_url):
    context = {
        "offer": offer,
        "days_before": days_before,
        "extend_url": extend_url,
        "stop_url": stop_url,
        "edit_url": _edit_url(offer),
    }
    return send_templated_email("offer_expiry_reminder", [user.email for user in recipients], context)


# Signal receivers ----------------------------------------------------------------------------

_muted = contextvars.ContextVar("offers_notifications_muted", default=False)


@contextlib.contextmanager
def muted():
    """No workflow e-mail for what happens inside (demo data)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def _offer_of(workflow_state):
    from offers.models import Offer

    obj = workflow_state.content_object
    return obj if isinstance(obj, Offer) else None


def on_task_submitted(sender, instance, user=None, **kwargs):
    from offers.models import StructureValidationTask

    if _muted.get() or not isinstance(instance.task.specific, StructureValidationTask):
        return
    offer = _offer_of(instance.workflow_state)
    if offer is not None:
        transaction.on_commit(lambda: notify_offer_submitted(offer, user))


def on_workflow_rejected(sender, instance, user=None, **kwargs):
    offer = _offer_of(instance)
    if offer is None:
        return _wagtail_notifier("workflow_rejection_email_notifier")(
            sender=sender, instance=instance, user=user, **kwargs
        )
    if _muted.get():
        return None
    comment = instance.current_task_state.specific.get_comment() if instance.current_task_state else ""
    recipient = instance.requested_by or offer.author
    transaction.on_commit(lambda: notify_offer_changes_requested(offer, recipient, user, comment))


def on_workflow_approved(sender, instance, user=None, **kwargs):
    offer = _offer_of(instance)
    if offer is None:
        return _wagtail_notifier("workflow_approval_email_notifier")(
            sender=sender, instance=instance, user=user, **kwargs
        )
    if _muted.get():
        return None
    recipient = instance.requested_by or offer.author
    transaction.on_commit(lambda: notify_offer_approved(offer, recipient, user))


def _wagtail_notifier(name):
    from wagtail.admin import signal_handlers

    return getattr(signal_handlers, name)


def connect_signals():
    """Connect our receivers. Called from OffersConfig.ready(), which runs before wagtail.admin's:
    connecting under Wagtail's own dispatch_uid makes Django skip Wagtail's built-in rejection and
    approval notifiers (English templates, any requester) — ours send offers' mails in French and
    hand every other object to Wagtail's notifier unchanged."""
    from wagtail.models import TaskState, WorkflowState
    from wagtail.signals import task_submitted, workflow_approved, workflow_rejected

    task_submitted.connect(on_task_submitted, sender=TaskState, dispatch_uid="offers_task_submitted")
    workflow_rejected.connect(
        on_workflow_rejected, sender=WorkflowState, dispatch_uid="workflow_state_rejected_email_notification"
    )
    workflow_approved.connect(
        on_workflow_approved, sender=WorkflowState, dispatch_uid="workflow_state_approved_email_notification"
    )
