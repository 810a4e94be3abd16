"""Offer views: the per-structure guard over every admin URL taking an offer id, PDF, duplicate,
stop, extend (also from the reminder's signed link), and the public document download."""

import functools

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core import signing
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from offers import permissions
from offers.forms import ExtendForm
from offers.models import RUNNING_STATES, ExpiryReminder, Offer, OfferDocument
from offers.pdf import render_offer_pdf

# URL name → the rule a user must pass (on top of seeing the offer), for every admin URL with a pk.
GUARD_RULES = {
    "edit": permissions.can_edit_offer,
    "revisions_revert": permissions.can_edit_offer,
    "lock": permissions.can_edit_offer,
    "unlock": permissions.can_edit_offer,
    "preview_on_edit": permissions.can_view_offer,
    "confirm_workflow_cancellation": permissions.can_edit_offer,
    "workflow_action": permissions.can_edit_offer,
    "collect_workflow_action_data": permissions.can_edit_offer,
    "delete": permissions.can_delete_offer,
    "unpublish": permissions.can_stop_offer,
    "revisions_unschedule": permissions.can_publish_offer,
    "copy": permissions.can_duplicate_offer,
    "duplicate": permissions.can_duplicate_offer,
    "stop": permissions.can_stop_offer,
    "extend": permissions.can_extend_offer,
    "inspect": permissions.can_view_offer,
    "history": permissions.can_view_offer,
    "history_results": permissions.can_view_offer,
    "usage": permissions.can_view_offer,
    "revisions_view": permissions.can_view_offer,
    "revisions_compare": permissions.can_view_offer,
    "workflow_history": permissions.can_view_offer,
    "workflow_history_detail": permissions.can_view_offer,
    "workflow_preview": permissions.can_view_offer,
    "pdf": permissions.can_view_offer,
}


def get_guarded_offer(request, pk, rule=permissions.can_view_offer):
    """The offer `pk` if the user may see it and pass `rule`; PermissionDenied otherwise
    (Wagtail turns it into a redirect to the dashboard with a message)."""
    try:
        offer = Offer.objects.select_related("structure").get(pk=int(unquote(str(pk))))
    except (Offer.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not (permissions.can_view_offer(request.user, offer) and rule(request.user, offer)):
        raise PermissionDenied
    return offer


def guard_offer_view(view, rule):
    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        get_guarded_offer(request, kwargs["pk"], rule)
        return view(request, *args, **kwargs)

    return guarded


def guard_offer_urlpatterns(patterns):
    """Wrap every URL that takes an offer id; a new pk URL without a rule is a configuration error."""
    guarded = []
    for pattern in patterns:
        if "pk" in pattern.pattern.regex.groupindex:
            if pattern.name not in GUARD_RULES:
                raise ImproperlyConfigured(f"No permission rule for the offer URL {pattern.name!r}.")
            pattern = URLPattern(
                pattern.pattern,
                guard_offer_view(pattern.callback, GUARD_RULES[pattern.name]),
                pattern.default_args,
                pattern.name,
            )
        guarded.append(pattern)
    return guarded


def pdf_response(offer):
    response = HttpResponse(render_offer_pdf(offer), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="offre-{offer.pk}.pdf"'
    return response


def offer_pdf_admin(request, pk):
    offer = get_guarded_offer(request, pk)
    return pdf_response(offer.get_latest_revision_as_object() if offer.latest_revision_id else offer)


def _confirm(request, offer, *, title, text, button, action_url, extra=None):
    context = {
        "offer": offer,
        "page_title": title,
        "header_title": title,
        "confirmation_text": text,
        "button_label": button,
        "action_url": action_url,
        "cancel_url": reverse("wagtailsnippets_offers_offer:list"),
        **(extra or {}),
    }
    return TemplateResponse(request, "offers/admin/confirm.html", context)


@require_http_methods(["GET", "POST"])
def duplicate_offer(request, pk):
    offer = get_guarded_offer(request, pk, permissions.can_duplicate_offer)
    if request.method == "POST":
        with transaction.atomic():
            copy = offer.duplicate(request.user)
        messages.success(request, _("The offer was duplicated as a draft; set its dates before publishing it."))
        return redirect("wagtailsnippets_offers_offer:edit", copy.pk)
    return _confirm(
        request,
        offer,
        title=_("Duplicate the offer"),
        text=_(
            "A copy of “%(name)s” will be created as a draft in your structure, with its documents but "
            "without its publication and period dates."
        )
        % {"name": offer.name},
        button=_("Yes, duplicate it"),
        action_url=request.path,
    )


@require_http_methods(["GET", "POST"])
def stop_offer(request, pk):
    offer = get_guarded_offer(request, pk, permissions.can_stop_offer)
    if request.method == "POST":
        offer.stop(user=request.user)
        messages.success(request, _("The publication of “%(name)s” is stopped.") % {"name": offer.name})
        return redirect("wagtailsnippets_offers_offer:list")
    return _confirm(
        request,
        offer,
        title=_("Stop the publication"),
        text=_("“%(name)s” will no longer be visible to the public. You can renew it later with new dates.")
        % {"name": offer.name},
        button=_("Yes, stop it"),
        action_url=request.path,
    )


EXTEND_SALT = "offers.extend"
EXTEND_MAX_AGE = 60 * 60 * 24 * 45  # the 30-day reminder's link stays valid after the end


def make_extend_token(reminder):
    return signing.dumps({"reminder": reminder.pk, "offer": reminder.offer_id}, salt=EXTEND_SALT)


def _reminder_from_token(token, offer):
    """The unused reminder a token was issued for; a French error message otherwise."""
    try:
        data = signing.loads(token, salt=EXTEND_SALT, max_age=EXTEND_MAX_AGE)
    except signing.SignatureExpired:
        return None, _("This extension link has expired. Extend the offer from the offers list.")
    except signing.BadSignature:
        return None, _("This extension link is invalid.")
    reminder = ExpiryReminder.objects.filter(pk=data.get("reminder"), offer=offer).first()
    if reminder is None:
        return None, _("This extension link is invalid.")
    if reminder.used_at:
        return None, _("This extension link has already been used.")
    return reminder, None


@require_http_methods(["GET", "POST"])
def extend_offer(request, pk):
    offer = get_guarded_offer(request, pk, permissions.can_extend_offer)
    token = request.POST.get("token") or request.GET.get("token")
    reminder = None
    if token:
        reminder, error = _reminder_from_token(token, offer)
        if error:
            messages.error(request, error)
            return redirect("wagtailsnippets_offers_offer:list")
    if offer.state not in RUNNING_STATES:
        messages.error(request, _("Only a published or validated offer can be extended; renew it with new dates."))
        return redirect("wagtailsnippets_offers_offer:edit", offer.pk)
    form = ExtendForm(request.POST if request.method == "POST" else None, offer=offer)
    if form.is_valid():
        with transaction.atomic():
            if reminder is not None:
                updated = ExpiryReminder.objects.filter(pk=reminder.pk, used_at__isnull=True).update(
                    used_at=timezone.now()
                )
                if not updated:
                    messages.error(request, _("This extension link has already been used."))
                    return redirect("wagtailsnippets_offers_offer:list")
            new_end = offer.extend(until=form.cleaned_data["publication_end"], user=request.user)
        messages.success(
            request,
            _("The publication of “%(name)s” now ends on %(end)s.")
            % {"name": offer.name, "end": new_end.strftime("%d/%m/%Y")},
        )
        return redirect("wagtailsnippets_offers_offer:list")
    current_end = offer.publication_end.strftime("%d/%m/%Y") if offer.publication_end else "—"
    return _confirm(
        request,
        offer,
        title=_("Extend the publication"),
        text=_("The publication of “%(name)s” ends on %(end)s. Choose its new end: three months later are proposed.")
        % {"name": offer.name, "end": current_end},
        button=_("Extend it"),
        action_url=request.path,
        extra={"token": token or "", "form": form},
    )


def download_document(request, offer_id, document_id):
    """Public once the offer is published; before that, only to users who may see the offer."""
    # Compared in Python: a foreign-key lookup with an id beyond 64 bits (`/offres/9223372036854775808/
    # documents/1/`) made the database driver overflow (a 500); the primary-key lookup handles it.
    document = get_object_or_404(OfferDocument.objects.select_related("offer"), pk=document_id)
    if document.offer_id != offer_id:
        raise Http404
    published = Offer.objects.published().filter(pk=offer_id).exists()
    if not published and not permissions.can_view_offer(request.user, document.offer):
        raise Http404
    response = FileResponse(document.file.open("rb"), as_attachment=True, filename=document.file.name.rsplit("/")[-1])
    response["X-Content-Type-Options"] = "nosniff"
    return response
