import secrets
import string
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.departements import DEPARTEMENT_CHOICES, departement_from_postcode
from accounts.roles import Role

INACTIVITY_DELAY = timedelta(days=456)  # 15 months
ANONYMISATION_DELAY = timedelta(days=730)  # 24 months
ANONYMISED_DOMAIN = "anonyme.invalid"


def generate_temporary_password(length=14):
    """A random password that satisfies the password policy (lower, upper, digit)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        password = "".join(secrets.choice(alphabet) for _i in range(length))
        if (
            any(c.islower() for c in password)
            and any(c.isupper() for c in password)
            and any(c.isdigit() for c in password)
        ):
            return password


postcode_validator = RegexValidator(r"^\d{5}$", _("Enter a five-digit postcode."))


class StructureQuerySet(models.QuerySet):
    def offerers(self):
        return self.filter(kind=Structure.Kind.OFFERER)

    def institutes(self):
        return self.filter(kind=Structure.Kind.TRAINING_INSTITUTE)

    def active(self):
        return self.filter(status=Structure.Status.ACTIVE)

    def pending(self):
        return self.filter(status=Structure.Status.PENDING)


class Structure(models.Model):
    """An offerer (host structure) or a training institute; every user belongs to one."""

    class Kind(models.TextChoices):
        OFFERER = "offerer", _("Offerer")
        TRAINING_INSTITUTE = "institute", _("Training institute")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACTIVE = "active", _("Active")
        REFUSED = "refused", _("Refused")

    class OffererType(models.TextChoices):
        SCHOOL = "school", _("School")
        ASSOCIATION = "association", _("Association")
        MEDICO_SOCIAL = "medico_social", _("Medico-social establishment / EHPAD")
        HEALTH_ESTABLISHMENT = "health_establishment", _("Health establishment")
        NURSERY = "nursery", _("Nursery")
        HEALTH_CENTRE = "health_centre", _("Health centre")
        SHELTER = "shelter", _("Accommodation centre")
        COMPANY = "company", _("Company")
        DETENTION = "detention", _("Place of deprivation of liberty")
        LOCAL_AUTHORITY = "local_authority", _("Local authority")
        OTHER = "other", _("Other")

    name = models.CharField(_("company name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OFFERER)
    offerer_type = models.CharField(_("offerer type"), max_length=40, choices=OffererType.choices, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    address = models.CharField(_("address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True, validators=[postcode_validator])
    city = models.CharField(_("town"), max_length=255, blank=True)
    department = models.CharField(_("département"), max_length=3, choices=DEPARTEMENT_CHOICES, blank=True)
    representative_last_name = models.CharField(_("legal representative's last name"), max_length=150, blank=True)
    representative_first_name = models.CharField(_("legal representative's first name"), max_length=150, blank=True)
    representative_function = models.CharField(_("legal representative's function"), max_length=150, blank=True)
    description = models.TextField(_("description"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="structures/logos/", blank=True)
    website = models.URLField(_("website"), blank=True)
    refusal_reason = models.TextField(_("refusal reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.department = departement_from_postcode(self.postcode) or self.department
        super().save(*args, **kwargs)

    @property
    def is_offerer(self):
        return self.kind == self.Kind.OFFERER

    @property
    def is_institute(self):
        return self.kind == self.Kind.TRAINING_INSTITUTE

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    def first_user(self):
        return self.users.order_by("date_joined", "pk").first()

    def active_admins(self):
        return self.users.active_admins()

    def validate(self, by):
        """Accept a pending sign-up: the structure becomes active and its first user its
        Administrateur offreur with a temporary password. Returns (user, password)."""
        from django.contrib.auth.models import Group

        self.status = self.Status.ACTIVE
        self.refusal_reason = ""
        self.moderated_at = timezone.now()
        self.moderated_by = by
        self.save()
        user = self.first_user()
        password = None
        if user is not None:
            password = user.set_temporary_password()
            user.is_active = True
            user.save()
            role = Role.OFFERER_ADMIN if self.is_offerer else Role.CALENDAR_MANAGER
            user.groups.add(Group.objects.get(name=role.value))
        return user, password

    def refuse(self, by, reason):
        self.status = self.Status.REFUSED
        self.refusal_reason = reason
        self.moderated_at = timezone.now()
        self.moderated_by = by
        self.save()


class UserQuerySet(models.QuerySet):
    def with_role(self, role):
        return self.filter(groups__name=role.value)

    def usable(self):
        """Users who can log in: active and not frozen."""
        return self.filter(is_active=True, frozen_at__isnull=True)

    def active_admins(self):
        return self.usable().with_role(Role.OFFERER_ADMIN).distinct()

    def regional_admins(self):
        return self.usable().with_role(Role.REGIONAL_ADMIN).distinct()

    def not_anonymised(self):
        return self.filter(anonymised_at__isnull=True)

    def without_login_since(self, cutoff):
        """Users whose last login (or, never logged in, whose sign-up) is older than `cutoff`."""
        return self.filter(models.Q(last_login__lt=cutoff) | models.Q(last_login__isnull=True, date_joined__lt=cutoff))

    def search(self, text):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            models.Q(first_name__icontains=text)
            | models.Q(last_name__icontains=text)
            | models.Q(email__icontains=text)
        )


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    """E-mail is the login; it is stored lower-cased so that uniqueness ignores case."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    @classmethod
    def normalize_email(cls, email):
        return (email or "").strip().lower()

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        FROZEN = "frozen", _("Frozen")

    email = models.EmailField(_("e-mail address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    function = models.CharField(_("function"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    structure = models.ForeignKey(
        Structure,
        verbose_name=_("structure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    must_change_password = models.BooleanField(_("must change password"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    inactivity_warned_at = models.DateTimeField(_("inactivity warning sent at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name"]
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = UserManager.normalize_email(self.email)

    def save(self, *args, **kwargs):
        self.email = UserManager.normalize_email(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    @property
    def is_frozen(self):
        return self.frozen_at is not None

    @property
    def state(self):
        if self.is_frozen:
            return self.State.FROZEN
        reference = self.last_login or self.date_joined
        if reference and reference < timezone.now() - INACTIVITY_DELAY:
            return self.State.INACTIVE
        return self.State.ACTIVE

    @cached_property
    def role_names(self):
        """Names of the user's groups, read once per request (roles are Wagtail groups); read
        with the permissions when they are read first (accounts.backends)."""
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role: Role):
        return role.value in self.role_names or role in self.role_names

    @property
    def is_regional_admin(self):
        return self.is_superuser or self.has_role(Role.REGIONAL_ADMIN)

    @property
    def is_active_admin(self):
        return self.is_active and not self.is_frozen and self.has_role(Role.OFFERER_ADMIN)

    def roles(self):
        return [role for role in Role if self.has_role(role)]

    def set_roles(self, roles):
        from django.contrib.auth.models import Group

        self.groups.set(Group.objects.filter(name__in=[Role(role).value for role in roles]))
        self.__dict__.pop("role_names", None)

    def set_temporary_password(self):
        """Give a random password that must be changed at the next login; returns it."""
        password = generate_temporary_password()
        self.set_password(password)
        self.must_change_password = True
        return password

    def renew_temporary_password(self):
        """Replace the password by a new temporary one (saved); returns it, to be e-mailed."""
        password = self.set_temporary_password()
        self.save(update_fields=["password", "must_change_password"])
        return password

    @property
    def awaits_credentials(self):
        """Never logged in with their temporary password, e.g. created frozen: their login was not
        sent, or is lost."""
        return self.is_active and self.must_change_password and self.last_login is None

    def freeze(self):
        self.frozen_at = timezone.now()
        self.save(update_fields=["frozen_at"])

    def unfreeze(self):
        self.frozen_at = None
        self.save(update_fields=["frozen_at"])

    def anonymise(self):
        """Replace personal data and disable the account; the row stays so that what the user
        authored (offers, log entries) keeps its author."""
        self.email = f"anonyme-{self.pk}@{ANONYMISED_DOMAIN}"
        self.first_name = "Utilisateur"
        self.last_name = "anonymisé"
        self.function = ""
        self.phone = ""
        self.is_active = False
        self.must_change_password = False
        self.anonymised_at = timezone.now()
        self.set_unusable_password()
        self.save()
        self.groups.clear()

    def export_data(self):
        """The personal data kept about the user, for the "download my data" link."""

        def iso(value):
            return value.isoformat() if value else None

        structure = self.structure
        return {
            "email": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "function": self.function,
            "phone": self.phone,
            "roles": sorted(self.role_names),
            "state": str(self.state.label),
            "date_joined": iso(self.date_joined),
            "last_login": iso(self.last_login),
            "frozen_at": iso(self.frozen_at),
            "structure": {"id": structure.pk, "name": structure.name, "kind": structure.kind} if structure else None,
        }
