"""The domain of the collaboration: agreements, persons, cases, interventions, follow-ups, meetings,
field work, consents and disclosures.

Models hold data and small derived properties; workflows live in `services`, reads in `selectors`.
Personal data and every free text are encrypted fields (encryption.fields); what is counted in
statistics (dates, category, status, unit, birth year, gender, area, intervention type, outcome)
stays in the clear.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from accesscontrol.visibility import FIELD_CLASS_LABELS
from casework.querysets import ConsentQuerySet, DisclosureQuerySet, ValidityQuerySet
from config import text_limits
from config.text_limits import LimitedTextField
from encryption.fields import (
    EncryptedCharField,
    EncryptedJSONField,
    EncryptedModel,
    EncryptedTextField,
)


class Category(models.TextChoices):
    LIFESTYLE = "lifestyle", _("Kriminalitet som livsstil")
    SVANSEN = "svansen", _("Svansen")


class Gender(models.TextChoices):
    GIRL = "girl", _("Flicka/kvinna")
    BOY = "boy", _("Pojke/man")
    OTHER = "other", _("Annat")
    UNKNOWN = "unknown", _("Okänt")


class OrganisationKind(models.TextChoices):
    SOCIAL_SERVICES = "social_services", _("Socialtjänsten")
    POLICE = "police", _("Polisen")


# --- The agreement: everything that differs between collaborations is data ----------------------------


class Agreement(models.Model):
    """An agreement between a municipality's social services and a local police area."""

    name = models.CharField(_("namn"), max_length=200)
    social_services = models.ForeignKey(
        "accesscontrol.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("socialtjänst")
    )
    police = models.ForeignKey(
        "accesscontrol.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("polis")
    )
    starts_on = models.DateField(_("gäller från"))
    ends_on = models.DateField(_("gäller till"), null=True, blank=True)
    lifestyle_label = models.CharField(
        _("benämning, livsstil"), max_length=100, default=gettext_noop("Kriminalitet som livsstil")
    )
    svansen_label = models.CharField(_("benämning, svansen"), max_length=100, default=gettext_noop("Svansen"))
    min_age = models.PositiveSmallIntegerField(_("lägsta ålder"), default=13)
    max_age = models.PositiveSmallIntegerField(_("högsta ålder"), default=25)
    follow_up_opens_months = models.PositiveSmallIntegerField(_("uppföljning tidigast (månader)"), default=3)
    follow_up_closes_months = models.PositiveSmallIntegerField(_("uppföljning senast (månader)"), default=6)
    minutes_need_police_approval = models.BooleanField(_("protokollet justeras även av polisen"), default=True)

    class Meta:
        verbose_name = _("överenskommelse")
        verbose_name_plural = _("överenskommelser")
        ordering = ["-starts_on", "name"]

    def __str__(self):
        return self.name

    @property
    def ended(self) -> bool:
        """Its last day has passed: the agreement reads as ended and only its cases' follow-ups are written
        (accesscontrol.policies); its periods stop at its end (casework.periods)."""
        return self.ends_on is not None and self.ends_on < timezone.localdate()

    def category_label(self, category: str) -> str:
        """The agreement's own name for the category; the default names are shown in the reader's language."""
        label = self.lifestyle_label if category == Category.LIFESTYLE else self.svansen_label
        return gettext(label) if label else label  # gettext("") would return the catalogue's header


class Target(models.Model):
    """One target of an agreement, e.g. at least 4 svansen cases identified per quarter."""

    class Metric(models.TextChoices):
        MEETINGS = "meetings", _("Samverkansmöten på ledningsnivå")
        LIFESTYLE_IDENTIFIED = "lifestyle_identified", _("Identifierade ärenden, livsstil")
        SVANSEN_IDENTIFIED = "svansen_identified", _("Identifierade ärenden, svansen")
        SVANSEN_OFFERED_SHARE = "svansen_offered_share", _("Andel svansenungdomar som erbjudits insats (%)")
        FOLLOW_UP_IN_WINDOW_SHARE = "follow_up_in_window_share", _("Andel uppföljningar inom 3–6 månader (%)")
        CONCERN_TALKS = "concern_talks", _("Genomförda orossamtal")
        SVANSEN_REACHED = "svansen_reached", _("Svansenungdomar nådda av fältgruppen")
        HOT_SPOT_VISITS = "hot_spot_visits", _("Tillsynsbesök på hot spots")

    class Period(models.TextChoices):
        QUARTER = "quarter", _("per kvartal")
        TERTIAL = "tertial", _("per tertial")
        YEAR = "year", _("per år")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField(_("mått"), max_length=40, choices=Metric.choices)
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    value = models.PositiveIntegerField(_("målvärde"))

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        constraints = [models.UniqueConstraint(fields=["agreement", "metric"], name="target_unique_metric")]

    def __str__(self):
        return f"{self.get_metric_display()} ≥ {self.value} {self.get_period_display()}"


class Area(models.Model):
    """A district of the municipality, used for hot spots and (coarsely) in statistics."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(_("namn"), max_length=100)

    class Meta:
        verbose_name = _("område")
        verbose_name_plural = _("områden")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["agreement", "name"], name="area_unique_name")]

    def __str__(self):
        return self.name


class InterventionType(models.Model):
    """An entry of the agreement's catalogue of documented interventions."""

    class Setting(models.TextChoices):
        HOME_BASED = "home_based", _("Hemmaplan")
        INSTITUTIONAL = "institutional", _("Institution")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="intervention_types")
    code = models.SlugField(_("kod"), max_length=40)
    name = models.CharField(_("namn"), max_length=200)
    description = LimitedTextField(_("beskrivning"), blank=True, max_length=text_limits.NOTE)
    setting = models.CharField(_("typ"), max_length=20, choices=Setting.choices, default=Setting.HOME_BASED)
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("insatstyp")
        verbose_name_plural = _("insatskatalog")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["agreement", "code"], name="intervention_type_unique_code")]

    def __str__(self):
        return self.name


class Tariff(models.Model):
    """A price of an intervention type for a year, with its source: what the municipality pays and
    what it costs society (for SiS the fee covers only about two thirds)."""

    class PriceUnit(models.TextChoices):
        DAY = "day", _("per dygn")
        MONTH = "month", _("per månad")
        OCCASION = "occasion", _("per tillfälle")
        ONE_OFF = "one_off", _("per insats")

    intervention_type = models.ForeignKey(InterventionType, on_delete=models.CASCADE, related_name="tariffs")
    year = models.PositiveSmallIntegerField(_("år"))
    price_unit = models.CharField(_("enhet"), max_length=10, choices=PriceUnit.choices, default=PriceUnit.DAY)
    municipal_cost = models.DecimalField(_("kommunens kostnad (kr)"), max_digits=12, decimal_places=2)
    societal_cost = models.DecimalField(_("samhällets kostnad (kr)"), max_digits=12, decimal_places=2)
    source = LimitedTextField(_("källa"), max_length=text_limits.NOTE)

    class Meta:
        verbose_name = _("taxa")
        verbose_name_plural = _("taxor")
        ordering = ["intervention_type__name", "-year"]
        constraints = [models.UniqueConstraint(fields=["intervention_type", "year"], name="tariff_unique_year")]

    def __str__(self):
        return f"{self.intervention_type} {self.year}: {self.municipal_cost} kr {self.get_price_unit_display()}"


class LegalBasis(models.Model):
    """One version of a secrecy-breaking provision, as data with its validity, since the rules change (2013,
    2025). The versions of a provision share its `code` and follow each other without overlap; a changed rule
    is a new version from a date, and a disclosure keeps the version it was decided under
    (casework.services.legal_bases). Shared by every agreement, kept by the instance administrator."""

    code = models.SlugField(_("kod"), max_length=40)
    label = models.CharField(_("benämning"), max_length=200)
    law_reference = models.CharField(_("lagrum"), max_length=100)
    requires_consent = models.BooleanField(_("kräver samtycke"), default=False)
    age_limit = models.PositiveSmallIntegerField(
        _("gäller bara under ålder"), null=True, blank=True, help_text=_("t.ex. 21 för OSL 10 kap. 18 a §")
    )
    valid_from = models.DateField(_("gäller från"))
    valid_to = models.DateField(_("gäller till"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("rättslig grund för utlämnande")
        verbose_name_plural = _("rättsliga grunder för utlämnande")
        ordering = ["law_reference", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["code", "valid_from"], name="legal_basis_unique_version")]

    def __str__(self):
        return f"{self.label} ({self.law_reference})"


# --- Persons and cases ----------------------------------------------------------------------------------


class Person(EncryptedModel):
    """A young person. Identity is encrypted; the blind indexes find them by exact personnummer or name."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="persons")
    personal_number = EncryptedCharField(_("personnummer/samordningsnummer"), max_length=13)
    personal_number_index = models.CharField(max_length=100, editable=False)
    first_name = EncryptedCharField(_("förnamn"))
    last_name = EncryptedCharField(_("efternamn"))
    name_index = models.CharField(max_length=100, editable=False, db_index=True)
    birth_year = models.PositiveSmallIntegerField(_("födelseår"))
    gender = models.CharField(_("kön"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    area = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("område"))
    contact = EncryptedJSONField(_("kontaktuppgifter"), default=dict, blank=True, max_length=text_limits.NOTE)
    guardians = EncryptedJSONField(_("vårdnadshavare"), default=list, blank=True, max_length=text_limits.NOTE)
    # A fixed random key per person for the cell-key method of the statistics (reports.disclosure).
    statistics_key = models.FloatField(editable=False, default=0.0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "personal_number_index"], name="person_unique_personal_number")
        ]

    def __str__(self):
        # Used in logs and audit entries: no personal data.
        return f"Person {str(self.pk)[:8]}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def personal_number_display(self) -> str:
        """YYYYMMDD-NNNN, from the stored twelve digits."""
        number = self.personal_number
        return f"{number[:8]}-{number[8:]}"


class CaseStatus(models.TextChoices):
    PROPOSED = "proposed", _("Föreslagen")
    ACTIVE = "active", _("Aktuell")
    NOT_IDENTIFIED = "not_identified", _("Ej identifierad")
    CLOSED = "closed", _("Avslutad")


OPEN_STATUSES = (CaseStatus.PROPOSED, CaseStatus.ACTIVE)


class RealisticAlternative(models.TextChoices):
    NONE = "", _("Inte bedömt")
    HVB = "hvb", _("HVB-hem")
    SIS_OPEN = "sis_open", _("SiS, öppen avdelning")
    SIS_LOCKED = "sis_locked", _("SiS, låsbar avdelning")


class CloseReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Målen uppnådda")
    MOVED = "moved", _("Flyttat")
    DECLINED = "declined", _("Tackat nej")
    AGED_OUT = "aged_out", _("Fyllt 21/25 år")
    OTHER = "other", _("Annat")


class Case(EncryptedModel):
    """A person proposed for, and then identified in, a category of the agreement."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="cases")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    number = models.CharField(_("ärendenummer"), max_length=20, editable=False)
    category = models.CharField(_("kategori"), max_length=20, choices=Category.choices)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposed_cases")
    proposed_by_kind = models.CharField(_("föreslagen av"), max_length=20, choices=OrganisationKind.choices)
    proposed_on = models.DateField(_("föreslagen"))
    proposal_reason = EncryptedTextField(_("skäl för förslaget"), max_length=text_limits.REASONING)
    meeting = models.ForeignKey(
        "Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="identified_cases"
    )
    raised_on = models.DateField(_("aktualiseringsdatum"), null=True, blank=True)
    # The category the meeting identified the case in: targets count identifications by it, so a later
    # category change (an event on the timeline) does not rewrite a past quarter's figures.
    identified_category = models.CharField(
        _("identifierad som"), max_length=20, choices=Category.choices, blank=True, default=""
    )
    unit = models.ForeignKey(
        "accesscontrol.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("ansvarig enhet"),
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("handläggare"),
    )
    police_assessment = EncryptedTextField(
        _("polisens bedömning"), blank=True, default="", max_length=text_limits.REASONING
    )
    police_priority = models.BooleanField(_("prioriterad av polisen"), default=False)
    social_assessment = EncryptedTextField(
        _("socialtjänstens bedömning"), blank=True, default="", max_length=text_limits.REASONING
    )
    realistic_alternative = models.CharField(
        _("realistiskt alternativ till hemmaplan"),
        max_length=20,
        choices=RealisticAlternative.choices,
        blank=True,
        default=RealisticAlternative.NONE,
    )
    records_reference = EncryptedCharField(_("diarienummer i verksamhetssystemet"), blank=True, default="")
    closed_on = models.DateField(_("avslutad"), null=True, blank=True)
    close_reason = models.CharField(
        _("avslutsorsak"), max_length=20, choices=CloseReason.choices, blank=True, default=""
    )
    # Set and lifted by services.cases.set_legal_hold (with its reason on the timeline); stops the purge.
    legal_hold = models.BooleanField(_("spärrad mot gallring"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")
        ordering = ["-proposed_on", "number"]
        indexes = [
            models.Index(fields=["agreement", "status", "category"]),
            models.Index(fields=["agreement", "raised_on"]),
            # The case list's default order (casework.selectors.cases.case_list_query): its first pages are
            # read from here, in order, not sorted from every case of the agreement.
            models.Index(fields=["agreement", "-proposed_on", "number", "id"], name="casework_case_list_order"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="case_unique_number"),
            # A person has at most one active case per agreement, and at most one open case (proposed or
            # active) per proposing organisation: a police proposal may stand beside a social-services case
            # the police may not know of (that the social services know a youth is secret towards the
            # police, OSL 26 kap. 1 §); the meeting then handles it, never by identifying a second case.
            models.UniqueConstraint(
                fields=["agreement", "person"],
                condition=models.Q(status="active"),
                name="case_one_active_per_person",
            ),
            models.UniqueConstraint(
                fields=["agreement", "person", "proposed_by_kind"],
                condition=models.Q(status__in=["proposed", "active"]),
                name="case_one_open_per_person_and_proposer",
            ),
        ]
        default_permissions = ("add", "change", "view")

    def __str__(self):
        return f"Ärende {self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def category_label(self) -> str:
        return self.agreement.category_label(self.category)


class CaseEvent(EncryptedModel):
    """An entry of the case's timeline. Category changes, closings and reopenings are events,
    never silent edits."""

    class Kind(models.TextChoices):
        PROPOSED = "proposed", _("Föreslagen")
        IDENTIFIED = "identified", _("Identifierad vid samverkansmöte")
        NOT_IDENTIFIED = "not_identified", _("Inte identifierad")
        CATEGORY_CHANGED = "category_changed", _("Kategori ändrad")
        ASSIGNED = "assigned", _("Ansvar ändrat")
        POLICE_ASSESSMENT = "police_assessment", _("Polisens bedömning")
        SOCIAL_ASSESSMENT = "social_assessment", _("Socialtjänstens bedömning")
        INTERVENTION_OFFERED = "intervention_offered", _("Insats erbjuden")
        INTERVENTION_ANSWERED = "intervention_answered", _("Svar på insats")
        FOLLOW_UP = "follow_up", _("Uppföljning")
        FIELD_CONTACT = "field_contact", _("Fältkontakt")
        REVIEWED = "reviewed", _("Behandlad vid samverkansmöte")
        DECISION = "decision", _("Beslut")
        DISCLOSURE = "disclosure", _("Utlämnande till polisen")
        DISCLOSURE_WITHDRAWN = "disclosure_withdrawn", _("Utlämnande återkallat")
        CONSENT = "consent", _("Samtycke")
        CLOSED = "closed", _("Avslutad")
        REOPENED = "reopened", _("Återöppnad")
        LEGAL_HOLD_SET = "legal_hold_set", _("Spärrad mot gallring")
        LEGAL_HOLD_LIFTED = "legal_hold_lifted", _("Spärr mot gallring hävd")
        PERSON_DETAILS_CHANGED = "person_details_changed", _("Personuppgifter ändrade")
        PERSONAL_NUMBER_REPLACED = "personal_number_replaced", _("Samordningsnummer ersatt med personnummer")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    occurred_on = models.DateField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Structured, non-personal facts (from/to category, close reason, ids of related rows).
    data = models.JSONField(default=dict, blank=True)
    # Carries a step's note, or a copy of an assessment or a decision: the largest of them.
    note = EncryptedTextField(_("anteckning"), blank=True, default="", max_length=text_limits.REASONING)

    class Meta:
        ordering = ["occurred_on", "recorded_at"]
        indexes = [models.Index(fields=["case", "occurred_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_on}"


class Intervention(EncryptedModel):
    """An intervention from the catalogue offered to a case, and the answer."""

    class Response(models.TextChoices):
        PENDING = "pending", _("Inget svar ännu")
        ACCEPTED = "accepted", _("Tackat ja")
        DECLINED = "declined", _("Tackat nej")
        NO_ANSWER = "no_answer", _("Inget svar")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="interventions")
    intervention_type = models.ForeignKey(InterventionType, on_delete=models.PROTECT, verbose_name=_("insats"))
    offered_on = models.DateField(_("erbjuden"))
    response = models.CharField(_("svar"), max_length=20, choices=Response.choices, default=Response.PENDING)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("slut"), null=True, blank=True)
    provider = EncryptedCharField(_("utförare"), blank=True, default="")
    occasions = models.PositiveIntegerField(_("antal tillfällen"), null=True, blank=True)
    note = EncryptedTextField(_("anteckning"), blank=True, default="", max_length=text_limits.NOTE)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("insats")
        verbose_name_plural = _("insatser")
        ordering = ["offered_on", "created_at"]

    def __str__(self):
        return f"{self.intervention_type} ({self.offered_on})"


class FollowUp(EncryptedModel):
    """The 3–6-month follow-up: every perspective, what helped and hindered, and an outcome."""

    class Outcome(models.TextChoices):
        IMPROVED = "improved", _("Förbättrad")
        UNCHANGED = "unchanged", _("Oförändrad")
        WORSENED = "worsened", _("Försämrad")
        UNKNOWN = "unknown", _("Vet inte")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    written_on = models.DateField(_("datum"))
    youth_view = EncryptedTextField(_("ungdomens egen bild (och föräldrarnas)"), max_length=text_limits.DECISION)
    social_view = EncryptedTextField(_("socialtjänstens bild"), max_length=text_limits.DECISION)
    police_view = EncryptedTextField(_("polisens bild"), blank=True, default="", max_length=text_limits.DECISION)
    partners_view = EncryptedTextField(
        _("samverkanspartners bild"), blank=True, default="", max_length=text_limits.DECISION
    )
    helped = EncryptedTextField(_("vad har hjälpt"), blank=True, default="", max_length=text_limits.DECISION)
    hindered = EncryptedTextField(_("vad har hindrat"), blank=True, default="", max_length=text_limits.DECISION)
    collaboration = EncryptedTextField(
        _("bedömning av samverkan"), blank=True, default="", max_length=text_limits.DECISION
    )
    outcome = models.CharField(_("utfall"), max_length=20, choices=Outcome.choices)
    late = models.BooleanField(_("skriven efter fönstret"), default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("uppföljning")
        verbose_name_plural = _("uppföljningar")
        ordering = ["written_on"]

    def __str__(self):
        return f"Uppföljning {self.written_on}"


class Correction(EncryptedModel):
    """A correction of a saved record: a follow-up, a social or police assessment, a field contact
    (casework.services.corrections). The record and its timeline entry hold the corrected version; the
    earlier version is kept here, encrypted, and shown with the entry to those who read the record's field
    class, marked "Rättad <datum> av <namn>: skäl". Counts read the record, so a correction counts once."""

    class Kind(models.TextChoices):
        FOLLOW_UP = "follow_up", _("Uppföljning")
        SOCIAL_ASSESSMENT = "social_assessment", _("Socialtjänstens bedömning")
        POLICE_ASSESSMENT = "police_assessment", _("Polisens bedömning")
        FIELD_CONTACT = "field_contact", _("Fältkontakt")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="corrections")
    # The timeline entry of the corrected record (for an assessment, the entry is the record).
    event = models.ForeignKey(CaseEvent, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    record_id = models.UUIDField()
    # The earlier version: its date is not personal data, its content is (encrypted).
    previous_on = models.DateField(_("tidigare datum"))
    # The longest earlier version is a follow-up: its seven parts, each within its own limit, as JSON.
    previous = EncryptedJSONField(_("tidigare version"), max_length=10 * text_limits.DECISION)
    reason = EncryptedTextField(_("skäl till rättelsen"), max_length=text_limits.NOTE)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    corrected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rättelse")
        verbose_name_plural = _("rättelser")
        ordering = ["corrected_at"]
        indexes = [models.Index(fields=["record_id"])]

    def __str__(self):
        return f"Rättelse {self.corrected_at:%Y-%m-%d}"


# --- Meetings and minutes -------------------------------------------------------------------------------


class Meeting(EncryptedModel):
    """A quarterly management-level meeting and its minutes (draft → approved → locked)."""

    class MinutesStatus(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        APPROVED = "approved", _("Justerat")

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("datum"))
    location = EncryptedCharField(_("plats"), blank=True, default="")
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("ordförande")
    )
    held = models.BooleanField(_("genomfört"), default=False)
    reasoning = EncryptedTextField(
        _("strategiska resonemang"), blank=True, default="", max_length=text_limits.REASONING
    )
    minutes_status = models.CharField(max_length=10, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT)
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the chair cancels the planned meeting (services.meetings.cancel_meeting); the reason is a
    # MeetingChange. A cancelled meeting is never the next meeting and takes no minutes.
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The calendar invitation's SEQUENCE (RFC 5545): raised at each reschedule and at the cancellation.
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("samverkansmöte")
        verbose_name_plural = _("samverkansmöten")
        ordering = ["-held_on"]

    def __str__(self):
        return f"Samverkansmöte {self.held_on}"

    @property
    def locked(self) -> bool:
        return self.minutes_status == self.MinutesStatus.APPROVED

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None


class MeetingChange(EncryptedModel):
    """A planned meeting moved to another day (and perhaps place) or cancelled, with the chair's reason:
    the meeting's own record of it, shown on its page ("Flyttat från …: skäl", "Inställt: skäl")."""

    class Kind(models.TextChoices):
        MOVED = "moved", _("Flyttat")
        CANCELLED = "cancelled", _("Inställt")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_held_on = models.DateField(_("tidigare datum"))
    to_held_on = models.DateField(_("nytt datum"), null=True, blank=True)
    from_location = EncryptedCharField(_("tidigare plats"), blank=True, default="")
    reason = EncryptedTextField(_("skäl"), max_length=text_limits.NOTE)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.from_held_on}"


class StandingParticipant(models.Model):
    """A user of the agreement who takes part in every meeting (the police's youth investigators, say):
    "Kopiera deltagare från förra mötet" adds them too. Kept by the chair on the participants page."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="standing_participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agreement", "user"], name="standing_participant_once")]

    def __str__(self):
        return str(self.user)


class MeetingParticipant(EncryptedModel):
    """A participant: a Samsyn user, or an external person named with organisation and role."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    name = EncryptedCharField(_("namn"), blank=True, default="")
    organisation = EncryptedCharField(_("organisation"), blank=True, default="")
    role_title = EncryptedCharField(_("roll"), blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=models.Q(user__isnull=False), name="participant_user_once"
            )
        ]

    def __str__(self):
        # Also the change log's object_repr: never the external participant's (encrypted) name.
        return str(self.user) if self.user_id else "Extern deltagare"


class MeetingItem(models.Model):
    """A case on a meeting's agenda and how it was dealt with."""

    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("Nytt förslag")
        FOLLOW_UP = "follow_up", _("Uppföljning")
        REVIEW = "review", _("Genomgång")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meeting_items")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The chair's order of the agenda, prepared before the meeting day (services.meetings.move_item);
    # items of equal position follow the case number.
    position = models.PositiveIntegerField(default=0)
    # Taken off this meeting's agenda by the chair before the day: the case waits for a later meeting.
    # The row stays so that refreshing the agenda does not put it back (services.meetings.set_item_aside).
    set_aside = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="meeting_item_once")]


class Decision(EncryptedModel):
    """A decision of a meeting: what, who, by when; optionally about one case."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="decisions")
    what = EncryptedTextField(_("beslut"), max_length=text_limits.DECISION)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ansvarig"),
    )
    responsible_text = EncryptedCharField(_("ansvarig (annan)"), blank=True, default="")
    due_on = models.DateField(_("klart senast"), null=True, blank=True)
    done_on = models.DateField(_("klart"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("beslut")
        verbose_name_plural = _("beslut")
        ordering = ["created_at"]


class MinutesApproval(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="approvals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    as_chair = models.BooleanField(default=False)
    as_police = models.BooleanField(default=False)
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="approval_once")]


class MinutesAddendum(EncryptedModel):
    """A correction after approval: the original stays as it was."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="addenda")
    text = EncryptedTextField(_("tillägg"), max_length=text_limits.DECISION)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]


# --- Field work -----------------------------------------------------------------------------------------


class HotSpot(models.Model):
    """A school or public place with a clear risk of recruitment. Places are not personal data."""

    class Kind(models.TextChoices):
        SCHOOL = "school", _("Skola")
        PUBLIC_PLACE = "public_place", _("Offentlig plats")
        OTHER = "other", _("Annan plats")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="hot_spots")
    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    area = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("område"))
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("hot spot")
        verbose_name_plural = _("hot spots")
        ordering = ["name"]

    def __str__(self):
        return self.name


class HotSpotVisit(EncryptedModel):
    hot_spot = models.ForeignKey(HotSpot, on_delete=models.CASCADE, related_name="visits", verbose_name=_("plats"))
    visited_on = models.DateField(_("datum"))
    youths_present = models.PositiveSmallIntegerField(_("antal ungdomar på plats"), default=0)
    observations = EncryptedTextField(_("iakttagelser"), blank=True, default="", max_length=text_limits.NOTE)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tillsynsbesök")
        verbose_name_plural = _("tillsynsbesök")
        ordering = ["-visited_on"]


class FieldContact(EncryptedModel):
    """An outreach contact, an orossamtal or a parent contact; linked to a svansen case or anonymous
    (counted, without identity)."""

    class Kind(models.TextChoices):
        OUTREACH = "outreach", _("Uppsökande kontakt")
        CONCERN_TALK = "concern_talk", _("Orossamtal")
        PARENT_CONTACT = "parent_contact", _("Föräldrakontakt")

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="field_contacts")
    kind = models.CharField(_("typ av kontakt"), max_length=20, choices=Kind.choices)
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="field_contacts", verbose_name=_("ärende")
    )
    anonymous_youths = models.PositiveSmallIntegerField(_("antal anonyma ungdomar"), default=0)
    occurred_on = models.DateField(_("datum"))
    with_youth = models.BooleanField(_("med ungdomen"), default=True)
    with_parents = models.BooleanField(_("med föräldrar"), default=False)
    hot_spot = models.ForeignKey(HotSpot, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("plats"))
    area = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("område"))
    note = EncryptedTextField(_("anteckning"), blank=True, default="", max_length=text_limits.NOTE)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fältkontakt")
        verbose_name_plural = _("fältkontakter")
        ordering = ["-occurred_on", "-created_at"]
        indexes = [models.Index(fields=["agreement", "occurred_on", "kind"])]


class ConcernTalkFollowUp(EncryptedModel):
    """How the youth and the parents received an orossamtal."""

    class Reception(models.TextChoices):
        POSITIVE = "positive", _("Positivt")
        MIXED = "mixed", _("Blandat")
        NEGATIVE = "negative", _("Negativt")
        UNKNOWN = "unknown", _("Vet inte")

    contact = models.OneToOneField(FieldContact, on_delete=models.CASCADE, related_name="concern_follow_up")
    followed_up_on = models.DateField(_("datum"))
    # Blank for whoever did not take part in the orossamtal (FieldContact.with_youth / with_parents).
    youth_reception = models.CharField(_("ungdomens mottagande"), max_length=20, choices=Reception.choices, blank=True)
    parents_reception = models.CharField(
        _("föräldrarnas mottagande"), max_length=20, choices=Reception.choices, blank=True
    )
    note = EncryptedTextField(_("anteckning"), blank=True, default="", max_length=text_limits.NOTE)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")


# --- Consent and disclosure -------------------------------------------------------------------------------


class Consent(EncryptedModel):
    """Consent that waives secrecy (OSL 12 kap. 2 §). Not the data-protection legal basis."""

    class GivenBy(models.TextChoices):
        YOUTH = "youth", _("Ungdomen")
        GUARDIAN = "guardian", _("Vårdnadshavare")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    given_by = models.CharField(_("lämnat av"), max_length=20, choices=GivenBy.choices)
    giver_name = EncryptedCharField(_("namn på den som samtyckt"))
    given_on = models.DateField(_("datum"))
    scope = models.JSONField(_("omfattning (fältklasser)"), default=list)
    purpose = EncryptedTextField(_("syfte"), blank=True, default="", max_length=text_limits.NOTE)
    expires_on = models.DateField(_("gäller till"), null=True, blank=True)
    document_reference = EncryptedCharField(_("referens till blankett"), blank=True, default="")
    withdrawn_on = models.DateField(_("återkallat"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("samtycke")
        verbose_name_plural = _("samtycken")
        ordering = ["-given_on"]


class Disclosure(EncryptedModel):
    """Field classes of one case made visible to the police, with the legal basis and who decided."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="disclosures")
    field_classes = models.JSONField(_("uppgifter som lämnas ut"), default=list)
    legal_basis = models.ForeignKey(LegalBasis, on_delete=models.PROTECT, verbose_name=_("rättslig grund"))
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="disclosures")
    assessment = EncryptedTextField(_("bedömning"), max_length=text_limits.DECISION)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(_("beslutsdatum"))
    decided_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("utlämnande")
        verbose_name_plural = _("utlämnanden")
        ordering = ["-decided_at"]


# --- Attachments ----------------------------------------------------------------------------------------


class CaseAttachment(EncryptedModel):
    """A document of a case (a signed consent, a written request, a decision), sealed in chunks with the
    field-encryption keyring (encryption.crypto.seal_stream), bound to the case and this row; its file
    name is an encrypted field. Who reads it follows `field_class`, chosen by the uploader, through the
    visibility matrix: the police read it only where a disclosure in force shares that class. Purged
    with its case (cascade)."""

    class Kind(models.TextChoices):
        CONSENT = "consent", _("Undertecknat samtycke")
        REQUEST = "request", _("Skriftlig begäran")
        DECISION = "decision", _("Beslut")
        OTHER = "other", _("Annan handling")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("typ av handling"), max_length=20, choices=Kind.choices)
    # An accesscontrol.visibility.FieldClass (casework.services.attachments.ATTACHMENT_CLASSES).
    field_class = models.CharField(_("uppgiftsklass"), max_length=30)
    file_name = EncryptedCharField(_("filnamn"))
    content_type = models.CharField(max_length=50, editable=False)
    size = models.PositiveIntegerField(_("storlek (byte)"), editable=False)
    key_id = models.CharField(max_length=100, editable=False)
    sealed_content = models.BinaryField(editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")
        ordering = ["uploaded_at"]

    def __str__(self):
        # Also the change log's object_repr: never the (encrypted) file name.
        return f"Bilaga {str(self.pk)[:8]}"

    @property
    def field_class_label(self) -> str:
        return str(FIELD_CLASS_LABELS.get(self.field_class, self.field_class))


# --- Reminders ----------------------------------------------------------------------------------------


class Notification(models.Model):
    """A reminder to one user, in the app and (if the user wants it) by e-mail. Its text holds counts and
    a link, never personal data. The unique key makes a re-run of the reminder job harmless."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_wanted = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"]), models.Index(fields=["email_wanted", "emailed_at"])]


# --- Retention (gallring) ---------------------------------------------------------------------------


class RetentionRule(models.Model):
    """A retention rule, as data: what it covers, how long, under which law, and when it applies."""

    class RecordType(models.TextChoices):
        CASE_DATA = "case_data", _("Ärendeuppgifter (sammanställning)")
        ACCESS_LOG = "access_log", _("Åtkomstlogg")
        CHANGE_LOG = "change_log", _("Ändringslogg")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="retention_rules")
    record_type = models.CharField(_("uppgifter"), max_length=20, choices=RecordType.choices)
    years = models.PositiveSmallIntegerField(_("år efter att förhållandena upphört"))
    complete_by_end_of_following_year = models.BooleanField(
        _("gallras senast vid utgången av året därpå"), default=True
    )
    legal_reference = models.CharField(_("lagrum"), max_length=200)
    valid_from = models.DateField(_("gäller från"))
    valid_to = models.DateField(_("gäller till"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("gallringsregel")
        verbose_name_plural = _("gallringsregler")
        ordering = ["record_type", "-valid_from"]

    def __str__(self):
        return gettext("%(records)s, %(years)s år, från %(start)s") % {
            "records": self.get_record_type_display(),
            "years": self.years,
            "start": f"{self.valid_from:%Y-%m-%d}",
        }


class PurgeRecord(models.Model):
    """What the purges of one day removed under one rule, in counts only. Each purged case adds to it in
    its own transaction, so even a purge interrupted halfway has every purged case on record."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="purges")
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="purges")
    run_on = models.DateField()
    purged_at = models.DateTimeField(auto_now=True)
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-run_on"]
        constraints = [models.UniqueConstraint(fields=["agreement", "rule", "run_on"], name="purge_record_per_day")]


class HistoricCount(models.Model):
    """Anonymous counts kept for statistics after the cases behind them were purged."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="historic_counts")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    measure = models.CharField(max_length=60)
    dimension = models.CharField(max_length=60, blank=True, default="")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "year", "quarter", "measure", "dimension"], name="historic_count_unique"
            )
        ]


class CaseImport(models.Model):
    """One upload of a municipality's old list (casework.imports): who, when, how many rows, what it made.

    The file itself is kept only sealed (AES-GCM under the field-encryption keyring, bound to this row)
    between the preview and the import, and the seal is cleared when the import finishes, fails or is
    cancelled; the row stays as the record, with the file's SHA-256, never its content."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Förhandsgranskas")
        QUEUED = "queued", _("I kö")
        RUNNING = "running", _("Pågår")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Misslyckades")
        CANCELLED = "cancelled", _("Avbruten")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="imports")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    file_sha256 = models.CharField(_("filens SHA-256"), max_length=64)
    file_size = models.PositiveIntegerField(_("filens storlek (byte)"))
    rows = models.PositiveIntegerField(_("rader"), default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    progress = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Counts of what the import made and left; no personal data.
    counts = models.JSONField(default=dict, blank=True)
    # Why a confirmed import made nothing (a row number and the rule that refused it; no personal data).
    failure = LimitedTextField(blank=True, default="", max_length=text_limits.NOTE)
    sealed_file = models.TextField(blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("importer")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"Import {str(self.pk)[:8]}"
