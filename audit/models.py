"""Audit and operations records."""

from django.db import models


class Heartbeat(models.Model):
    """When a periodic job last ran: /healthz reports the age of the beat's last tick."""

    name = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField()

    def __str__(self):
        return self.name


class AccessLogEntry(models.Model):
    """One read of personal data (or a denied attempt): who, in which role, which persons and cases
    (internal ids only), which field classes, which page or export, when, from where."""

    class Outcome(models.TextChoices):
        SHOWN = "shown", "shown"
        DENIED = "denied", "denied"

    at = models.DateTimeField(db_index=True)
    user_id = models.BigIntegerField(null=True, db_index=True)
    username = models.CharField(max_length=150, blank=True)
    roles = models.JSONField(default=list)
    agreement_id = models.BigIntegerField(null=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SHOWN)
    page = models.CharField(max_length=200)
    path = models.CharField(max_length=500)
    export = models.BooleanField(default=False)
    case_ids = models.JSONField(default=list)
    person_ids = models.JSONField(default=list)
    field_classes = models.JSONField(default=list)
    session_key_hash = models.CharField(max_length=64, blank=True)
    address = models.GenericIPAddressField(null=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["at", "pk"]
