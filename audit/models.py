"""Audit and operations records."""

from django.db import models


class Heartbeat(models.Model):
    """When a periodic job last ran: /healthz reports the age of the beat's last tick."""

    name = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField()

    def __str__(self):
        return self.name
