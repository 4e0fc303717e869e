"""An organisation's charging figures: its own version of a tax year's rate table (charging/rates.py)."""

from __future__ import annotations

from django.db import models

from casework.core.models import TimeStampedModel


class ChargingFigures(TimeStampedModel):
    """One version of an organisation's figures for a tax year: every figure of the table as
    {name: {"amount": "23250", "to_confirm": false}}. A change is a new version (number + 1); the versions
    before stay as they were, so what an assessment used can always be shown."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    tax_year = models.CharField(max_length=7)
    number = models.PositiveIntegerField()
    figures = models.JSONField(default=dict)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["organisation", "tax_year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "tax_year", "number"], name="charging_figures_one_number"
            ),
        ]

    def __str__(self) -> str:
        return f"Charging figures {self.tax_year} v{self.number} of {self.organisation_id}"
