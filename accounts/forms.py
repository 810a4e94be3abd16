from django import forms
from django.contrib.auth import password_validation
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from accounts.emails import deliver_email
from accounts.models import Structure, User
from accounts.roles import Role
from accounts.uploads import validate_logo

EMAIL_TAKEN = _("An account already exists with this e-mail address.")

STRUCTURE_PUBLIC_FIELDS = [
    "offerer_type",
    "name",
    "address",
    "postcode",
    "city",
    "representative_last_name",
    "representative_first_name",
    "representative_function",
    "description",
    "logo",
]


def check_email_free(email, exclude_pk=None):
    email = (email or "").strip().lower()
    taken = User.objects.filter(email__iexact=email)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise forms.ValidationError(EMAIL_TAKEN, code="email_taken")
    return email


class LogoMixin:
    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):  # a new upload, not the stored file
            validate_logo(logo)
        return logo


class StructureFieldsMixin(LogoMixin):
    def _require(self, *names):
        for name in names:
            self.fields[name].required = True


class SignupStructureForm(StructureFieldsMixin, DsfrBaseForm, forms.ModelForm):
    """Step 1 of the sign-up: the structure (its logo is optional)."""

    class Meta:
        model = Structure
        fields = STRUCTURE_PUBLIC_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._require(
            "offerer_type",
            "address",
            "postcode",
            "city",
            "representative_last_name",
            "representative_first_name",
            "representative_function",
            "description",
        )


class ContactFieldsMixin:
    """Function and phone number are mandatory for a new user (guide: sign-up and user creation)."""

    contact_errors = {
        "function": _("Enter the function."),
        "phone": _("Enter a phone number."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in self.contact_errors.items():
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = message


class SignupUserForm(ContactFieldsMixin, DsfrBaseForm, forms.ModelForm):
    """Step 2: the first user, future Administrateur offreur."""

    class Meta:
        model = User
        fields = ["first_name", "last_name", "function", "email", "phone"]

    def clean_email(self):
        return check_email_free(self.cleaned_data.get("email"))

    def validate_unique(self):
        # clean_email already gives the friendly message; skip the model's second check.
        pass


class StructureForm(StructureFieldsMixin, forms.ModelForm):
    """ "Mon compte" and the regional administrator's edit form (admin styling)."""

    class Meta:
        model = Structure
        fields = [*STRUCTURE_PUBLIC_FIELDS, "website"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.is_institute:
            del self.fields["offerer_type"]
        else:
            self.fields["offerer_type"].required = True


class InstituteForm(StructureFieldsMixin, forms.ModelForm):
    class Meta:
        model = Structure
        fields = ["name", "address", "postcode", "city", "description", "website"]


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, roles=(), **kwargs):
        super().__init__(choices=[(role.value, role.label) for role in roles], label=_("Roles"), **kwargs)


class UserCreateForm(ContactFieldsMixin, forms.ModelForm):
    """A new user of a structure; the temporary password is generated and e-mailed, unless the
    account is created frozen (then at its unfreezing)."""

    class Meta:
        model = User
        fields = ["first_name", "last_name", "function", "email", "phone"]

    def __init__(self, *args, roles=(), structures=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"] = RolesField(roles)
        if structures is not None:
            self.fields["structure"] = forms.ModelChoiceField(structures, label=_("Structure"))
        self.fields["active"] = forms.BooleanField(
            label=_("Account active"),
            required=False,
            initial=True,
            help_text=_(
                "Unchecked, the account is created frozen: the user receives their login only when you unfreeze it."
            ),
        )

    def clean_email(self):
        return check_email_free(self.cleaned_data.get("email"))

    def validate_unique(self):
        pass

    def selected_roles(self):
        return [Role(value) for value in self.cleaned_data["roles"]]


class UserEditForm(forms.ModelForm):
    """E-mail address, roles, function and phone; names stay as created."""

    class Meta:
        model = User
        fields = ["email", "function", "phone"]

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.grantable = list(roles)
        self.fields["roles"] = RolesField(
            roles, initial=[role.value for role in self.instance.roles() if role in self.grantable]
        )

    def clean_email(self):
        return check_email_free(self.cleaned_data.get("email"), exclude_pk=self.instance.pk)

    def selected_roles(self):
        """The new roles: the checked grantable ones plus those the editor cannot touch."""
        kept = [role for role in self.instance.roles() if role not in self.grantable]
        return kept + [Role(value) for value in self.cleaned_data["roles"]]

    def clean(self):
        from accounts.permissions import leaves_structure_without_admin

        cleaned = super().clean()
        if "roles" in cleaned and leaves_structure_without_admin(self.instance, roles=self.selected_roles()):
            raise forms.ValidationError(
                _("The structure must keep at least one active offerer administrator."), code="last_admin"
            )
        return cleaned


class RegionalUserEditForm(UserEditForm):
    """The regional administrator may also correct names and e-mail address."""

    class Meta(UserEditForm.Meta):
        fields = ["first_name", "last_name", "email", "function", "phone"]


class ProfileForm(forms.ModelForm):
    """The user's own editable details (names and e-mail are read-only)."""

    class Meta:
        model = User
        fields = ["function", "phone"]


class RefusalForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for refusal"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent by e-mail to the person who signed up."),
    )


class LoginForm(WagtailLoginForm):
    """Wagtail's login form, with a clear message for accounts that exist but may not log in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail's password field has no label: Django's default, from the field's name, is English.
        self.fields["password"].label = _("Password")

    def get_invalid_login_error(self):
        user = User.objects.filter(email__iexact=(self.cleaned_data.get("username") or "").strip()).first()
        password = self.cleaned_data.get("password")
        if user is not None and password and user.check_password(password):
            message = login_refusal_message(user)
            if message:
                return forms.ValidationError(message, code="inactive")
        return super().get_invalid_login_error()


def login_refusal_message(user):
    """Why a user with the right password may not log in, or None."""
    if user.is_frozen:
        return _("Your account has been frozen. Contact your structure's administrator.")
    structure = user.structure
    if structure is not None and structure.status == Structure.Status.PENDING:
        return _("Your structure's registration is awaiting validation by the regional administrator.")
    if structure is not None and structure.status == Structure.Status.REFUSED:
        return _("Your structure's registration has been refused.")
    if not user.is_active:
        return _("This account is disabled.")
    return None


class ForcedPasswordChangeForm(forms.Form):
    new_password1 = forms.CharField(label=_("New password"), widget=forms.PasswordInput, strip=False)
    new_password2 = forms.CharField(label=_("Confirm the new password"), widget=forms.PasswordInput, strip=False)

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = password_validation.password_validators_help_text_html()

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two passwords do not match."))
        elif first:
            if self.user.check_password(first):
                self.add_error("new_password1", _("Choose a password different from the temporary one."))
            else:
                try:
                    password_validation.validate_password(first, self.user)
                except forms.ValidationError as error:
                    self.add_error("new_password1", error)
        return cleaned

    def save(self):
        self.user.set_password(self.cleaned_data["new_password1"])
        self.user.must_change_password = False
        self.user.save()
        return self.user


def queued_password_reset_form(form_class):
    """The password-reset form whose e-mail goes through our queue (retried if the mail server is
    down), like every other e-mail of the portal, instead of being sent during the request."""

    class QueuedPasswordResetForm(form_class):
        def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
            subject = " ".join(render_to_string(subject_template_name, context).split())
            body = render_to_string(email_template_name, context)
            deliver_email.enqueue(subject=subject, body=body, recipient=to_email)

    return QueuedPasswordResetForm
