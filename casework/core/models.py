from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    """Created and modified at and by, for every domain record."""

    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """A version number that every write bumps, so that a stale edit is detected instead of lost."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class ReferenceCounter(models.Model):
    """The last number handed out for a kind of reference in a year (e.g. case references)."""

    name = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "year"], name="reference_counter_unique")]
