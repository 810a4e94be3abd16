"""Public sign-up wizard: step 1 (structure) is kept in the session so that going back keeps
what was typed; step 2 (first user) creates the pending structure and its inactive user."""

import os
import uuid

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from wagtail.admin.views import account as wagtail_account

from accounts.forms import SignupStructureForm, SignupUserForm, queued_password_reset_form
from accounts.models import Structure
from accounts.notifications import notify_signup
from accounts.ratelimit import limit_reached

STRUCTURE_KEY = "signup_structure"
USER_KEY = "signup_user"
DONE_KEY = "signup_done"
USER_FIELDS = ["first_name", "last_name", "function", "email", "phone"]


def _stepper(step):
    titles = [_("Your structure"), _("Your details")]
    return {
        "current_step_id": step,
        "current_step_title": titles[step - 1],
        "next_step_title": titles[step] if step < len(titles) else "",
        "total_steps": len(titles),
    }


def _store_logo(logo):
    extension = os.path.splitext(logo.name)[1].lower()
    return default_storage.save(f"structures/logos/{uuid.uuid4().hex}{extension}", logo)


def _signup_limited(request, form, scope, limit):
    """Count a sign-up attempt from this address; once over `limit`, put the French refusal on the form."""
    if not limit_reached(scope, request, limit, settings.SIGNUP_RATE_PERIOD):
        return False
    form.add_error(None, _("Too many sign-up attempts from your connection. Please try again later."))
    return True


def signup_structure(request):
    stored = request.session.get(STRUCTURE_KEY, {})
    status = 200
    if request.method == "POST":
        form = SignupStructureForm(request.POST, request.FILES)
        # Each logo is written to disk before the sign-up ends: bound how many one address may upload.
        if request.FILES and _signup_limited(request, form, "signup_logo", 2 * settings.SIGNUP_RATE_LIMIT):
            status = 429
        elif form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.fields if name != "logo"}
            logo = form.cleaned_data.get("logo")
            data["logo"] = _store_logo(logo) if logo else stored.get("logo", "")
            request.session[STRUCTURE_KEY] = data
            return redirect("accounts:signup_user")
    else:
        form = SignupStructureForm(initial=stored)
    return render(
        request,
        "accounts/signup_structure.html",
        {"form": form, "stepper": _stepper(1), "stored_logo": stored.get("logo")},
        status=status,
    )


def signup_user(request):
    structure_data = request.session.get(STRUCTURE_KEY)
    if not structure_data:
        return redirect("accounts:signup")
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "back":
            request.session[USER_KEY] = {name: request.POST.get(name, "") for name in USER_FIELDS}
            return redirect("accounts:signup")
        form = SignupUserForm(request.POST)
        if _signup_limited(request, form, "signup", settings.SIGNUP_RATE_LIMIT):
            if form.has_error("email", "email_taken"):
                # Once limited, the answer must not keep telling which addresses have an account.
                del form.errors["email"]
            status = 429
        elif form.is_valid():
            with transaction.atomic():
                structure = Structure(status=Structure.Status.PENDING, kind=Structure.Kind.OFFERER)
                for name, value in structure_data.items():
                    setattr(structure, name, value)
                structure.save()
                user = form.save(commit=False)
                user.structure = structure
                user.is_active = False
                user.set_unusable_password()
                user.save()
            notify_signup(structure)
            request.session.pop(STRUCTURE_KEY, None)
            request.session.pop(USER_KEY, None)
            request.session[DONE_KEY] = {"structure": structure.name, "email": user.email}
            return redirect("accounts:signup_done")
    else:
        form = SignupUserForm(initial=request.session.get(USER_KEY, {}))
    return render(
        request,
        "accounts/signup_user.html",
        {"form": form, "stepper": _stepper(2), "structure_name": structure_data.get("name")},
        status=status,
    )


def signup_done(request):
    done = request.session.get(DONE_KEY)
    if not done:
        return redirect("accounts:signup")
    return render(request, "accounts/signup_done.html", done)


class PasswordResetView(wagtail_account.PasswordResetView):
    """Wagtail's password reset, limited per address. The answer is the same whether or not
    the e-mail address is known (Wagtail already redirects to the same page)."""

    def get_form_class(self):
        return queued_password_reset_form(super().get_form_class())

    def post(self, request, *args, **kwargs):
        if limit_reached(
            "password_reset", request, settings.PASSWORD_RESET_RATE_LIMIT, settings.PASSWORD_RESET_RATE_PERIOD
        ):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, _("Too many password reset requests from your connection. Please try again later."))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)


class PasswordResetConfirmView(wagtail_account.PasswordResetConfirmView):
    """Wagtail's reset confirmation; the password chosen there is no longer temporary."""

    def form_valid(self, form):
        form.user.must_change_password = False
        return super().form_valid(form)


def export_my_data(request):
    response = JsonResponse(request.user.export_data(), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="mes-donnees-portail-sses.json"'
    return response
