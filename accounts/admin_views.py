"""Admin screens for accounts: regional moderation, structures, users, forced password change.

Every view checks the actor's role, and every object is looked up in the queryset the actor
may see (`accounts.permissions`), so that an id of another structure gives a 404."""

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.models import Group
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View
from wagtail.admin import messages
from wagtail.admin.views import account as wagtail_account
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from accounts import permissions
from accounts.forms import (
    ForcedPasswordChangeForm,
    InstituteForm,
    ProfileForm,
    RefusalForm,
    RegionalUserEditForm,
    StructureForm,
    UserCreateForm,
    UserEditForm,
)
from accounts.models import Structure
from accounts.notifications import notify_refusal, send_credentials, send_new_password
from accounts.roles import INSTITUTE_ROLES, OFFERER_ROLES

PER_PAGE = 20


class AccountsAdminMixin(WagtailAdminTemplateMixin):
    """Refuses, with a message and a redirect to the dashboard, users without the right role."""

    header_icon = "group"

    def has_permission(self, user):
        return permissions.can_moderate(user)

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission(request.user):
            messages.error(request, _("Sorry, you do not have permission to access this area."))
            return redirect("wagtailadmin_home")
        return super().dispatch(request, *args, **kwargs)


def paginate(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("p"))


def querystring_without_page(request):
    """The current filters, to prefix pagination links (`?<this>p=2`)."""
    params = request.GET.copy()
    params.pop("p", None)
    return f"{params.urlencode()}&" if params else ""


# Structures (regional administrator)


class StructureIndexView(AccountsAdminMixin, TemplateView):
    template_name = "accounts/admin/structure_index.html"
    page_title = gettext_lazy("Structures")

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", Structure.Status.PENDING)
        query = self.request.GET.get("q", "").strip()
        structures = Structure.objects.annotate(user_count=Count("users")).order_by("-created_at", "name")
        if status in Structure.Status.values:
            structures = structures.filter(status=status)
        if query:
            structures = structures.filter(name__icontains=query)
        return super().get_context_data(
            page=paginate(self.request, structures),
            querystring=querystring_without_page(self.request),
            status=status,
            query=query,
            statuses=Structure.Status.choices,
            **kwargs,
        )


class StructureMixin(AccountsAdminMixin):
    def get_structure(self):
        return get_object_or_404(permissions.structures_for(self.request.user), pk=self.kwargs["pk"])


class StructureDetailView(StructureMixin, TemplateView):
    template_name = "accounts/admin/structure_detail.html"

    def get_page_title(self):
        return self.structure.name

    def get(self, request, *args, **kwargs):
        self.structure = self.get_structure()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        structure = self.structure
        return super().get_context_data(
            structure=structure,
            users=structure.users.prefetch_related("groups"),
            history=ModelLogEntry.objects.for_instance(structure).select_related("user").order_by("-timestamp"),
            refusal_form=RefusalForm(),
            **kwargs,
        )


class StructureValidateView(StructureMixin, View):
    def post(self, request, pk):
        structure = self.get_structure()
        if not structure.is_pending:
            messages.error(request, _("Only a pending registration can be validated."))
            return redirect("sses_accounts:structure_detail", structure.pk)
        with transaction.atomic():
            user, password = structure.validate(by=request.user)
            log(structure, "sses.structure.validated", user=request.user)
        if user is not None:
            send_credentials(user, password)
        messages.success(
            request,
            _("The structure “%(name)s” has been validated; its administrator received their login.")
            % {"name": structure.name},
        )
        return redirect("sses_accounts:structure_detail", structure.pk)


class StructureRefuseView(StructureMixin, FormView):
    template_name = "accounts/admin/form.html"
    form_class = RefusalForm
    page_title = gettext_lazy("Refuse the registration")

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission(request.user):
            return super().dispatch(request, *args, **kwargs)
        self.structure = self.get_structure()
        if not self.structure.is_pending:
            messages.error(request, _("Only a pending registration can be refused."))
            return redirect("sses_accounts:structure_detail", self.structure.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.structure.name

    def form_valid(self, form):
        with transaction.atomic():
            self.structure.refuse(by=self.request.user, reason=form.cleaned_data["reason"])
            log(self.structure, "sses.structure.refused", user=self.request.user)
        notify_refusal(self.structure)
        messages.success(self.request, _("The registration has been refused and the applicant informed."))
        return redirect("sses_accounts:structure_detail", self.structure.pk)


class StructureEditView(StructureMixin, FormView):
    """The regional administrator edits any structure; the Administrateur offreur their own
    ("Mon compte", `MyStructureView`)."""

    template_name = "accounts/admin/form.html"
    form_class = StructureForm
    multipart = True

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission(request.user):
            return super().dispatch(request, *args, **kwargs)
        self.structure = self.get_structure()
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.structure.name

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.structure}

    def get_context_data(self, **kwargs):
        return super().get_context_data(multipart=True, **kwargs)

    def form_valid(self, form):
        structure = form.save()
        log(structure, "wagtail.edit", user=self.request.user)
        messages.success(self.request, _("The structure's information has been saved."))
        return redirect(self.get_success_url())

    def get_success_url(self):
        return reverse("sses_accounts:structure_detail", args=[self.structure.pk])


class MyStructureView(StructureEditView):
    page_title = gettext_lazy("My account")

    def has_permission(self, user):
        return permissions.is_structure_admin(user)

    def get_structure(self):
        return self.request.user.structure

    def get_page_title(self):
        return self.page_title

    def get_page_subtitle(self):
        return self.structure.name

    def get_success_url(self):
        return reverse("sses_accounts:my_structure")


class InstituteCreateView(AccountsAdminMixin, FormView):
    template_name = "accounts/admin/form.html"
    form_class = InstituteForm
    page_title = gettext_lazy("New training institute")

    def form_valid(self, form):
        structure = form.save(commit=False)
        structure.kind = Structure.Kind.TRAINING_INSTITUTE
        structure.status = Structure.Status.ACTIVE
        structure.save()
        log(structure, "wagtail.create", user=self.request.user)
        messages.success(self.request, _("The training institute has been created; now add its users."))
        return redirect(reverse("sses_accounts:user_create") + f"?structure={structure.pk}")


# Users (regional administrator: all; Administrateur offreur: own structure)


class UserMixin(AccountsAdminMixin):
    def has_permission(self, user):
        return permissions.can_manage_users(user)

    def get_target(self):
        return get_object_or_404(permissions.users_for(self.request.user), pk=self.kwargs["pk"])


class UserIndexView(UserMixin, TemplateView):
    template_name = "accounts/admin/user_index.html"
    page_title = gettext_lazy("Users")

    def get_context_data(self, **kwargs):
        actor = self.request.user
        query = self.request.GET.get("q", "").strip()
        users = (
            permissions.users_for(actor)
            .search(query)
            .select_related("structure")
            .prefetch_related(Prefetch("groups", queryset=Group.objects.order_by("name")))
        )
        structure = None
        if permissions.can_moderate(actor) and self.request.GET.get("structure", "").isdigit():
            structure = Structure.objects.filter(pk=self.request.GET["structure"]).first()
            if structure:
                users = users.filter(structure=structure)
        return super().get_context_data(
            page=paginate(self.request, users),
            querystring=querystring_without_page(self.request),
            query=query,
            structure=structure,
            show_structure=permissions.can_moderate(actor),
            **kwargs,
        )


class UserCreateView(UserMixin, FormView):
    template_name = "accounts/admin/form.html"
    form_class = UserCreateForm
    page_title = gettext_lazy("New user")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        actor = self.request.user
        if permissions.can_moderate(actor):
            kwargs["structures"] = Structure.objects.active()
            kwargs["roles"] = OFFERER_ROLES + INSTITUTE_ROLES
            kwargs.setdefault("initial", {})["structure"] = self.request.GET.get("structure")
        else:
            kwargs["roles"] = permissions.grantable_roles(actor, actor.structure)
        return kwargs

    def form_valid(self, form):
        actor = self.request.user
        structure = form.cleaned_data.get("structure") or actor.structure
        roles = form.selected_roles()
        allowed = permissions.grantable_roles(actor, structure)
        if any(role not in allowed for role in roles):
            form.add_error("roles", _("These roles cannot be given to a user of this structure."))
            return self.form_invalid(form)
        with transaction.atomic():
            user = form.save(commit=False)
            user.structure = structure
            password = user.set_temporary_password()
            user.save()
            user.set_roles(roles)
            log(user, "wagtail.create", user=actor)
            if not form.cleaned_data["active"]:
                user.freeze()
                log(user, "sses.user.frozen", user=actor)
        if user.is_frozen:
            # The login is sent when the account is unfrozen (`UserUnfreezeView`).
            messages.success(
                self.request,
                _("The user %(name)s has been created with a frozen account; unfreeze it to send their login.")
                % {"name": user},
            )
        else:
            send_credentials(user, password)
            messages.success(
                self.request,
                _("The user %(name)s has been created and received their login by e-mail.") % {"name": user},
            )
        return redirect("sses_accounts:user_index")


class UserEditView(UserMixin, FormView):
    template_name = "accounts/admin/user_edit.html"
    form_class = UserEditForm

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission(request.user):
            return super().dispatch(request, *args, **kwargs)
        self.target = self.get_target()
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return str(self.target)

    def get_form_class(self):
        return RegionalUserEditForm if permissions.can_moderate(self.request.user) else UserEditForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.target,
            "roles": permissions.grantable_roles(self.request.user, self.target.structure),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(target=self.target, **kwargs)

    def form_valid(self, form):
        with transaction.atomic():
            user = form.save()
            user.set_roles(form.selected_roles())
            log(user, "wagtail.edit", user=self.request.user)
        messages.success(self.request, _("The user %(name)s has been saved.") % {"name": user})
        return redirect("sses_accounts:user_index")


class UserFreezeView(UserMixin, View):
    freeze = True

    def post(self, request, pk):
        target = self.get_target()
        if self.freeze:
            if target.pk == request.user.pk:
                messages.error(request, _("You cannot freeze your own account."))
            elif permissions.leaves_structure_without_admin(target, freeze=True):
                messages.error(request, _("The structure must keep at least one active offerer administrator."))
            else:
                target.freeze()
                log(target, "sses.user.frozen", user=request.user)
                messages.success(request, _("The account of %(name)s is frozen.") % {"name": target})
        elif target.is_frozen and target.awaits_credentials:  # e.g. created frozen: their login was never sent
            with transaction.atomic():
                target.unfreeze()
                password = target.renew_temporary_password()
                log(target, "sses.user.unfrozen", user=request.user)
            send_credentials(target, password)
            messages.success(
                request,
                _("The account of %(name)s is unfrozen and their login has been sent by e-mail.") % {"name": target},
            )
        else:
            target.unfreeze()
            log(target, "sses.user.unfrozen", user=request.user)
            messages.success(request, _("The account of %(name)s is unfrozen.") % {"name": target})
        return redirect("sses_accounts:user_index")


class UserUnfreezeView(UserFreezeView):
    freeze = False


class UserPasswordResetView(UserMixin, View):
    """A new temporary password e-mailed to a user, to be changed at their next login."""

    def post(self, request, pk):
        target = self.get_target()
        if target.pk == request.user.pk:
            messages.error(request, _("Change your own password from your account settings."))
        elif not target.is_active or target.is_frozen:
            messages.error(request, _("Only an active account can receive a new password: unfreeze it first."))
        else:
            with transaction.atomic():
                password = target.renew_temporary_password()
                log(target, "sses.user.password_reset", user=request.user)
            send_new_password(target, password)
            messages.success(
                request, _("A new temporary password has been sent by e-mail to %(name)s.") % {"name": target}
            )
        return redirect("sses_accounts:user_edit", target.pk)


# The user's own account


class PasswordChangeView(WagtailAdminTemplateMixin, FormView):
    """Shown instead of every admin page while the user has a temporary password."""

    template_name = "accounts/admin/form.html"
    form_class = ForcedPasswordChangeForm
    page_title = gettext_lazy("Choose your password")
    header_icon = "key"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            intro=_("Your password is temporary: choose your own password to continue."), **kwargs
        )

    def form_valid(self, form):
        user = form.save()
        update_session_auth_hash(self.request, user)
        log(user, "wagtail.edit", user=user)
        messages.success(self.request, _("Your password has been changed."))
        return redirect("wagtailadmin_home")


class ReadOnlyIdentityPanel(wagtail_account.BaseSettingsPanel):
    """Names and e-mail (read-only), function and phone (editable), link to download one's data."""

    name = "profile_details"
    title = gettext_lazy("Your details")
    order = 100
    form_class = ProfileForm
    template_name = "accounts/admin/profile_panel.html"

    def get_context_data(self):
        return {**super().get_context_data(), "profile_user": self.user}


class AccountView(wagtail_account.AccountView):
    """Wagtail's account settings without the name/e-mail form (those are read-only here)."""

    def get_panels(self):
        panels = [panel for panel in super().get_panels() if panel.name != "name_email"]
        return [ReadOnlyIdentityPanel(self.request, self.request.user, None), *panels]
