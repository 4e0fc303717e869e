"""Append-only, hash-chained records of every change (AuditEvent) and every view of personal data
(AccessEvent)."""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Audit events are append-only: they cannot be updated.")

    def delete(self):
        raise TypeError("Audit events are append-only: they cannot be deleted.")


class ChainedEvent(models.Model):
    sequence = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verb = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # The person the event is about, when there is one: the key for "who has seen or changed this record".
    person_id = models.BigIntegerField(null=True, blank=True)
    # The case the event belongs to, when there is one: the key for the case timeline.
    case_id = models.BigIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    channel = models.CharField(max_length=16, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("Audit events are append-only: they cannot be changed once written.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("Audit events are append-only: they cannot be deleted.")


class AuditEvent(ChainedEvent):
    """A create, change or state change: who, on behalf of which organisation, what, before and after, why."""

    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["sequence"]
        indexes = [
            models.Index(fields=["person_id", "sequence"]),
            models.Index(fields=["case_id", "sequence"]),
            models.Index(fields=["object_type", "object_id", "sequence"]),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.verb} {self.object_type} {self.object_id}".rstrip()


class AccessEvent(ChainedEvent):
    """A view of personal data: a full record, an index card, a search, an API read.

    Written unchained by the request (one INSERT, no lock: see ADR 7); chain_pending_access_events later
    gives it its sequence and hashes, in id order, before anything verifies or reads the trail.
    """

    # Empty until the event is chained; then set once and never changed. (Nullable here, unlike on the base
    # class: hence the ignores.)
    sequence = models.BigIntegerField(unique=True, null=True, blank=True)  # type: ignore[assignment]
    # NULL, not "", while pending: many pending events share no value, and unique ignores NULLs.
    prev_hash = models.CharField(max_length=64, null=True, blank=True)  # type: ignore[assignment]  # noqa: DJ001
    hash = models.CharField(  # type: ignore[assignment]  # noqa: DJ001
        max_length=64, unique=True, null=True, blank=True
    )
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        # Recording order; the chain order (sequence) follows it, but is only known once chained.
        ordering = ["id"]
        indexes = [
            models.Index(fields=["person_id", "id"], name="audit_access_person_idx"),
            models.Index(fields=["actor", "id"], name="audit_access_actor_idx"),
            # The events still to chain: small, and the chaining step reads it in id order.
            models.Index(
                fields=["id"], condition=models.Q(sequence__isnull=True), name="audit_access_pending_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sequence__isnull=True, prev_hash__isnull=True, hash__isnull=True)
                | models.Q(sequence__isnull=False, prev_hash__isnull=False, hash__isnull=False),
                name="audit_access_chained_whole_or_not_at_all",
            ),
        ]

    def __str__(self) -> str:
        place = f"#{self.sequence}" if self.sequence is not None else f"pending {self.pk}"
        return f"{place} {self.verb} {self.object_type} {self.object_id}".rstrip()


class ChainHead(models.Model):
    """The last link of each chain; locked while an event is appended so the chain never forks."""

    name = models.CharField(max_length=32, primary_key=True)
    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"{self.name} chain, last #{self.last_sequence}"
