"""What the reports keep: the cost index, the register of released statistics tables, and the long
reports built in the background (stored encrypted until they expire)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config import text_limits
from config.text_limits import LimitedTextField


class CostIndex(models.Model):
    """One version of an index value for a year (e.g. SCB's KPI or SKR's PKV), used to bring a tariff of one
    year to the prices of another. An agreement's own series wins over the global one (agreement empty),
    which only the instance administrator keeps. A corrected value is a new version from `valid_from`; the
    cost comparison of a year uses the version in force then (reports.costs.Prices)."""

    agreement = models.ForeignKey(
        "casework.Agreement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cost_indexes",
        verbose_name=_("överenskommelse"),
        help_text=_("Tom: gäller alla överenskommelser som inte har en egen indexserie."),
    )
    name = models.CharField(_("index"), max_length=100, help_text=_("t.ex. KPI, årsmedeltal (1980=100)"))
    year = models.PositiveSmallIntegerField(_("år"))
    value = models.DecimalField(_("indexvärde"), max_digits=10, decimal_places=2)
    source = LimitedTextField(_("källa"), max_length=text_limits.NOTE)
    valid_from = models.DateField(_("gäller från"), default=timezone.localdate)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kostnadsindex")
        verbose_name_plural = _("kostnadsindex")
        ordering = ["agreement_id", "year", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "year", "valid_from"], name="cost_index_unique_version"),
            models.UniqueConstraint(
                fields=["year", "valid_from"],
                condition=models.Q(agreement__isnull=True),
                name="cost_index_unique_global_version",
            ),
            models.CheckConstraint(condition=models.Q(value__gt=0), name="cost_index_positive"),
        ]

    def __str__(self):
        return f"{self.name} {self.year}: {self.value}"


class ReleasedTable(models.Model):
    """The register of released statistics: one row per revision of a catalogue table for a period.

    `cells` and `rows` hold the protected values exactly as management saw them; the digests fingerprint the
    records behind them, so a change in the data gives a new revision (computed by the same deterministic
    cell-key noise, never a fresh random draw) and an unchanged table is served from here as it was.
    A new revision is made only on a fixed revision day, and only when what the table shows has changed."""

    agreement = models.ForeignKey("casework.Agreement", on_delete=models.CASCADE, related_name="released_tables")
    table = models.CharField(max_length=60)
    definition = models.JSONField(help_text="Catalogue version and the categories of the table.")
    period = models.CharField(max_length=10)
    revision = models.PositiveIntegerField()
    cells = models.JSONField(help_text="Per cell: published status and value, and a digest of its records.")
    rows = models.JSONField(help_text="The published rows, as management saw them.")
    basis_digest = models.CharField(max_length=64)
    released_at = models.DateTimeField(auto_now_add=True)
    # The fixed revision day (`disclosure_control.schedule.revision_day`) this version stands for: it is served as
    # released until the next revision day, whatever changes in the records meanwhile.
    revised_for = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["agreement_id", "table", "period", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "table", "period", "revision"], name="released_table_revision")
        ]
        indexes = [models.Index(fields=["agreement", "period"])]

    def __str__(self):
        return f"{self.table} {self.period} rev. {self.revision}"


# A downloaded report's name says what it is in Swedish, as the interface does (stable, not translated).
FILE_NAMES = {"follow_up": "uppfoljning", "costs": "kostnader", "statistics": "statistik"}


class ReportJob(models.Model):
    """A long report built by a worker. The finished file is sealed (AES-GCM, bound to this row) and
    deleted when it expires; the row stays as the record that the report was made."""

    class Kind(models.TextChoices):
        FOLLOW_UP = "follow_up", _("Uppföljning av överenskommelsen")
        COSTS = "costs", _("Kostnadsjämförelse")
        STATISTICS = "statistics", _("Statistikkatalog (anonymiserad)")

    class Format(models.TextChoices):
        PDF = "pdf", _("PDF")
        XLSX = "xlsx", _("Excel (XLSX)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("I kö")
        RUNNING = "running", _("Pågår")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Misslyckades")
        EXPIRED = "expired", _("Borttagen (för gammal)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agreement = models.ForeignKey("casework.Agreement", on_delete=models.CASCADE, related_name="report_jobs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="report_jobs")
    kind = models.CharField(_("rapport"), max_length=20, choices=Kind.choices)
    file_format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    first_year = models.PositiveSmallIntegerField(_("från och med år"))
    last_year = models.PositiveSmallIntegerField(_("till och med år"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # The sealed file (encryption.crypto token) and the cases whose data it holds (ids, for the access log).
    sealed_file = models.TextField(blank=True, default="", editable=False)
    case_ids = models.JSONField(default=list, editable=False)
    # A follow-up keeps the figures it handed out (reports.revisions): per measure and period the figure and
    # the ids of the cases behind it. The next report of the same agreement and years is compared with it;
    # the same figures keep the version number, changed ones make the next version, which `revises` it and
    # lists in `changes` which figures changed (before and after) and the cases behind each change. Who
    # recorded what, and when, is read from the change log (audit) when it is shown, never copied here.
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    revises = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    figures = models.JSONField(default=dict, editable=False)
    changes = models.JSONField(default=list, editable=False)

    class Meta:
        verbose_name = _("lång rapport")
        verbose_name_plural = _("långa rapporter")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.first_year}–{self.last_year}"

    @property
    def revised(self) -> bool:
        """A new version whose figures differ from the report it revises."""
        return bool(self.changes)

    @property
    def filename(self) -> str:
        years = str(self.first_year) if self.first_year == self.last_year else f"{self.first_year}-{self.last_year}"
        version = f"-v{self.version}" if self.version > 1 else ""
        return f"samsyn-{FILE_NAMES[self.kind]}-{years}{version}.{self.file_format}"
