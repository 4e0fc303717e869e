"""The ONS population an initiative's admin loads, for the ASCOF rates per 100,000 (2B, 2C; ADR 24)."""

from django.db import models
from django.db.models import Q

from casework.core.models import TimeStampedModel


class AgeBand(models.TextChoices):
    ADULTS_18_64 = "18_64", "18 to 64"
    ADULTS_65_PLUS = "65_plus", "65 and over"


class PopulationEstimate(TimeStampedModel):
    """ONS mid-year population estimate of the council's area for one year and age band (the ASCOF 2B and
    2C denominators). Loaded from a CSV by the lead's initiative admin; a later load of the same year and
    band replaces the figure."""

    initiative = models.ForeignKey("accounts.Initiative", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(help_text="The mid-year of the estimate, e.g. 2024")
    age_band = models.CharField(max_length=8, choices=AgeBand.choices)
    population = models.PositiveIntegerField()
    area_code = models.CharField(max_length=9, blank=True, help_text="The ONS area code, e.g. E10000030")
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["initiative", "-year", "age_band"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "year", "age_band"], name="population_one_per_year_and_band"
            ),
            models.CheckConstraint(condition=Q(age_band__in=AgeBand.values), name="population_age_band"),
            models.CheckConstraint(condition=Q(population__gt=0), name="population_positive"),
        ]

    def __str__(self) -> str:
        return f"Population {self.get_age_band_display()} in {self.year}"
