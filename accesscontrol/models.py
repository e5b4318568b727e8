"""Who works in Samsyn: users, their organisations and units, and their roles per agreement."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from config import text_limits
from encryption.fields import EncryptedModel, EncryptedTextField


class CaseAccessGrantQuerySet(models.QuerySet):
    def in_force(self, *, on):
        """Grants in force on `on`: begun, not past their last day, not withdrawn."""
        return self.filter(starts_on__lte=on, ends_on__gte=on, withdrawn_at__isnull=True)


class Role(models.TextChoices):
    SOCIAL_MANAGER = "social_manager", _("Sektionschef, socialtjänsten")
    CASEWORKER = "caseworker", _("Handläggare")
    FIELD_WORKER = "field_worker", _("Fältassistent")
    POLICE = "police", _("Polis, ungdomsutredare")
    MANAGEMENT = "management", _("Förvaltningsledning")
    SYSADMIN = "sysadmin", _("Systemförvaltare")
    AUDITOR = "auditor", _("Logggranskare")
    # Approves the police's access (accesscontrol.approvals); reads no case content.
    POLICE_RESPONSIBLE = "police_responsible", _("Behörighetsansvarig, polisen")


class Organisation(models.Model):
    class Kind(models.TextChoices):
        SOCIAL_SERVICES = "social_services", _("Socialtjänst")
        POLICE = "police", _("Polis")

    name = models.CharField(_("namn"), max_length=200, unique=True)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Unit(models.Model):
    """A unit of an organisation (Utredning ungdom, Öppna insatser, Fältgruppen, a police group). A case
    assigned to a unit is seen by the unit's caseworkers (accesscontrol.scoping.assigned_q)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("namn"), max_length=200)

    class Meta:
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")
        ordering = ["organisation__name", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unit_name_unique_in_org")]

    def __str__(self):
        return f"{self.name} ({self.organisation})"


class User(AbstractUser):
    """A professional who signs in. Names of staff are not the youths' personal data and stay in clear."""

    class ReminderChannel(models.TextChoices):
        EMAIL = "email", _("E-post och i Samsyn")
        IN_APP = "in_app", _("Bara i Samsyn")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    units = models.ManyToManyField(Unit, blank=True, related_name="members", verbose_name=_("enheter"))
    title = models.CharField(_("befattning"), max_length=200, blank=True)
    reminder_channel = models.CharField(
        _("påminnelser"), max_length=10, choices=ReminderChannel.choices, default=ReminderChannel.EMAIL
    )
    # A set-password link is owed from this moment until it is e-mailed: the work is in the database, so a
    # message lost to a broker outage is sent by the sweep.
    password_link_due_since = models.DateTimeField(null=True, blank=True, editable=False)
    # The instance administrator keeps the reference data every agreement shares (legal bases, the common
    # cost index). Not a role in an agreement: it gives no agreement and nothing in one
    # (docs/roles-and-visibility.md, "The instance administrator"). Set by setup_samsyn for the first sysadmin.
    is_instance_admin = models.BooleanField(_("instansförvaltare"), default=False, editable=False)

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")

    def __str__(self):
        return self.get_full_name() or self.username


class Membership(models.Model):
    """A user's role in one agreement. A user may hold several roles; each is a row."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agreement = models.ForeignKey("casework.Agreement", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("roll i överenskommelse")
        verbose_name_plural = _("roller i överenskommelser")
        constraints = [
            models.UniqueConstraint(fields=["user", "agreement", "role"], name="membership_unique_role"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.agreement}"


class CaseAccessGrant(EncryptedModel):
    """One caseworker's access to one case beyond their units and their own cases, e.g. a substitute's
    during a holiday: given by the social manager with a reason, in force from `starts_on` through
    `ends_on` and then ended by itself, or withdrawn earlier (accesscontrol.grants).

    The only stored access to a case: a caseworker's access through the case's unit or as its caseworker
    is read from the case itself (accesscontrol.scoping), never copied. Not django-guardian's permission
    rows: a grant needs an encrypted reason, an end date and a withdrawal, which those rows cannot hold, and
    scoping asks the database for "in force today", which guardian's checker does not."""

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="access_grants")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="case_grants", verbose_name=_("handläggare"))
    reason = EncryptedTextField(_("skäl"), max_length=text_limits.NOTE)
    starts_on = models.DateField(_("gäller från"))
    ends_on = models.DateField(_("gäller till och med"))
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = CaseAccessGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("tillfällig åtkomst till ärende")
        verbose_name_plural = _("tillfälliga åtkomster till ärenden")
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["user", "ends_on"])]


class IdentityProviderDevice(Device):
    """The municipality's identity provider as a second factor: a user signed in through OpenID Connect
    whose ID token proves multi-factor authentication is verified with this device. It accepts no
    token typed into Samsyn (django-otp's default `verify_token` refuses every token)."""

    class Meta:
        verbose_name = _("inloggning via kommunens identitetsleverantör")


class AccessRequest(models.Model):
    """A change by the sysadmin that would give someone access to personal data, waiting for the
    manager's decision (behörighetsbeslut): new roles, a new e-mail address or a reset login of a user
    holding such roles. Nothing of it takes effect until it is approved (accesscontrol.approvals)."""

    class Kind(models.TextChoices):
        ROLES = "roles", _("Nya roller")
        EMAIL = "email", _("Ny e-postadress")
        RESET = "reset", _("Återställd inloggning")

    class Side(models.TextChoices):
        SOCIAL_SERVICES = "social_services", _("Socialtjänsten")
        POLICE = "police", _("Polisen")

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar på beslut")
        APPROVED = "approved", _("Godkänd och genomförd")
        REJECTED = "rejected", _("Avslagen")

    agreement = models.ForeignKey(
        "casework.Agreement", models.PROTECT, related_name="access_requests", verbose_name=_("överenskommelse")
    )
    user = models.ForeignKey(User, models.CASCADE, related_name="access_requests", verbose_name=_("användare"))
    kind = models.CharField(_("ändring"), max_length=10, choices=Kind.choices)
    side = models.CharField(_("beslutas av"), max_length=20, choices=Side.choices)
    roles = models.JSONField(_("roller"), default=list, blank=True)
    email = models.EmailField(_("ny e-postadress"), blank=True)
    previous_email = models.EmailField(_("tidigare e-postadress"), blank=True)
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("begärd av")
    )
    requested_at = models.DateTimeField(_("begärd"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("beslutad av")
    )
    decided_at = models.DateTimeField(_("beslutad"), null=True, blank=True)
    # The notice to the previous address is owed from this moment until it is e-mailed (accesscontrol.tasks).
    notice_due_since = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("behörighetsärende")
        verbose_name_plural = _("behörighetsärenden")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.user}"
