from django.conf import settings
from django.db import models
from django.db.models import F

from casework.core import clock
from casework.core.errors import ConflictError


class ClockDateTimeField(models.DateTimeField):
    """A DateTimeField whose auto_now / auto_now_add take the time from casework.core.clock.now(), so that a
    moved clock (tests, the demo's histories in the past) dates the record as well as its audit event.

    It deconstructs as a plain DateTimeField: the schema and the migrations are the same.
    """

    def pre_save(self, model_instance, add):
        if self.auto_now or (self.auto_now_add and add):
            value = clock.now()
            setattr(model_instance, self.attname, value)
            return value
        return super().pre_save(model_instance, add)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateTimeField", args, kwargs


class TimeStampedModel(models.Model):
    """Created and modified at and by, for every domain record."""

    created_at = ClockDateTimeField(auto_now_add=True)
    modified_at = ClockDateTimeField(auto_now=True)
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

    def write_if_version(self, *, version: int, fields: dict, user, stale_message: str) -> dict:
        """Write `fields` only if the row is still at `version`, bump it, and mirror the write on self.

        Returns {field: {"before", "after"}} for the audit event, which the caller records in the same
        transaction. Raises ConflictError (nothing written) when somebody else wrote first.
        """

        changes = {name: {"before": getattr(self, name), "after": value} for name, value in fields.items()}
        now = clock.now()
        updated = (
            type(self)
            ._default_manager.filter(pk=self.pk, version=version)
            .update(**fields, version=F("version") + 1, modified_by=user, modified_at=now)
        )
        if not updated:
            raise ConflictError(stale_message)
        for name, value in fields.items():
            setattr(self, name, value)
        self.version, self.modified_at = version + 1, now
        return changes


class ReferenceCounter(models.Model):
    """The last number handed out for a kind of reference in a year (e.g. case references)."""

    name = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "year"], name="reference_counter_unique")]

    def __str__(self) -> str:
        return f"{self.name} {self.year}: {self.last_value}"


class ScheduledJob(models.Model):
    """When a scheduled job is next due. The worker that takes the row (locked) enqueues the job once."""

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class JobFailure(models.Model):
    """A background job that failed on its last try, for the organisation admin (and IT) to see and act on."""

    job = models.CharField(max_length=100)
    arguments = models.JSONField(default=dict)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField()
    error = models.TextField()
    traceback = models.TextField(blank=True)
    failed_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-failed_at", "-id"]
        indexes = [models.Index(fields=["organisation", "resolved_at"], name="job_failure_org_idx")]

    def __str__(self) -> str:
        return f"{self.job} failed {self.failed_at:%Y-%m-%d %H:%M}"


class RateLimitWindow(models.Model):
    """How many requests of a kind (a key: an address's failed tokens, a user's index searches) were counted
    in the window that ends at `ends_at`. In the database, so that every worker and server counts together; a
    row whose window has ended means nothing and is purged (core.rate_limits_purge)."""

    key = models.CharField(max_length=120, primary_key=True)
    count = models.PositiveIntegerField()
    ends_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.key}: {self.count} until {self.ends_at:%Y-%m-%d %H:%M:%S}"
