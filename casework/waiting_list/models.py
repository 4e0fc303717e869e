from django.conf import settings
from django.db import models
from django.db.models import Q

from casework.cases.choices import Priority
from casework.core.models import TimeStampedModel, VersionedModel
from casework.waiting_list.choices import ExitReason, ListKind, Rag, Trigger


class Timescale(TimeStampedModel):
    """How many working days an organisation allows, on one list and at one priority, before allocation."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="timescales"
    )
    list_kind = models.CharField(max_length=24, choices=ListKind.choices)
    priority = models.CharField(max_length=10, choices=Priority.choices)
    working_days = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "list_kind", "priority"], name="timescale_unique"
            ),
            models.CheckConstraint(
                condition=Q(working_days__gte=1) & Q(working_days__lte=365), name="timescale_days_range"
            ),
        ]


class WaitingListEntry(TimeStampedModel, VersionedModel):
    """A case (a new request, a request for a review or a service) waiting on one of an organisation's
    lists."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="waiting_entries")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    list_kind = models.CharField(max_length=24, choices=ListKind.choices)
    priority = models.CharField(max_length=10, choices=Priority.choices)
    rag = models.CharField(max_length=8, choices=Rag.choices)
    rag_reason = models.TextField()
    crisis = models.BooleanField(default=False, help_text="Respond within 24 to 48 hours")
    # Whether the person (or someone for them) can tell us when things change: if not, they are actively
    # reviewed while they wait (as are red ratings).
    can_report_changes = models.BooleanField(default=True)
    area = models.CharField(max_length=8, blank=True)
    received_on = models.DateField()
    due_on = models.DateField()
    triaged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    triaged_at = models.DateTimeField()
    exited_on = models.DateField(null=True, blank=True)
    exit_reason = models.CharField(max_length=24, choices=ExitReason.choices, blank=True)
    # When the next "still waiting" letter is due (the organisation's interval after the last).
    next_letter_on = models.DateField(null=True, blank=True)
    # Active review: for a red rating, or someone who cannot tell us when things change, the next review date.
    next_review_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "list_kind"],
                condition=Q(exited_on__isnull=True),
                name="one_open_entry_per_list",
            ),
            models.CheckConstraint(condition=Q(rag__in=Rag.values), name="waiting_rag"),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("received_on")), name="waiting_due_after_receipt"
            ),
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True, exit_reason="")
                | Q(exited_on__isnull=False) & ~Q(exit_reason=""),
                name="waiting_exit_reason",
            ),
        ]
        indexes = [
            # The waiting list page: an organisation's open entries by due date.
            # Counting the list by priority reads this index alone (priority is carried in it).
            models.Index(
                fields=["organisation", "due_on", "id"],
                condition=Q(exited_on__isnull=True),
                # Every filter of the list's form: its counts, filtered, read the index alone (issue 14).
                include=["priority", "rag", "list_kind", "team", "area"],
                name="waiting_open_idx",
            ),
            models.Index(fields=["case", "exited_on"], name="waiting_case_idx"),
            models.Index(
                fields=["next_letter_on"], condition=Q(exited_on__isnull=True), name="waiting_letter_idx"
            ),
            models.Index(
                fields=["next_review_on"], condition=Q(exited_on__isnull=True), name="waiting_review_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} {self.get_list_kind_display().lower()}"

    @property
    def is_open(self) -> bool:
        return self.exited_on is None

    @property
    def needs_active_review(self) -> bool:
        """West Sussex: reviewed while waiting if red, or if they cannot tell us when things change."""
        return self.rag == "red" or not self.can_report_changes


class Reprioritisation(models.Model):
    """A change to a waiting entry's priority or rating: old and new values, who, when, why."""

    entry = models.ForeignKey(WaitingListEntry, on_delete=models.CASCADE, related_name="reprioritisations")
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    reason = models.TextField()
    old_priority = models.CharField(max_length=10, choices=Priority.choices)
    new_priority = models.CharField(max_length=10, choices=Priority.choices)
    old_rag = models.CharField(max_length=8, choices=Rag.choices)
    new_rag = models.CharField(max_length=8, choices=Rag.choices)
    old_due_on = models.DateField()
    new_due_on = models.DateField()
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.old_priority}/{self.old_rag} → {self.new_priority}/{self.new_rag}"


class WaitingListSettings(TimeStampedModel):
    """An organisation's rules for its waiting lists beyond the timescales."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="waiting_list_settings"
    )
    escalation_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Alerted when a breach is still waiting after the second period",
    )
    second_level_working_days = models.PositiveSmallIntegerField(default=5)
    still_waiting_letter_days = models.PositiveSmallIntegerField(default=28)
    active_review_days = models.PositiveSmallIntegerField(default=14)

    class Meta:
        verbose_name_plural = "waiting list settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(second_level_working_days__gte=1), name="second_level_positive"
            ),
            models.CheckConstraint(
                condition=Q(still_waiting_letter_days__gte=7), name="letter_interval_week"
            ),
            models.CheckConstraint(condition=Q(active_review_days__gte=1), name="review_interval_positive"),
        ]


class Escalation(models.Model):
    """A breached due date escalated once: level 1 to the team managers, level 2 to the escalation contact."""

    entry = models.ForeignKey(WaitingListEntry, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField()
    breached_due_on = models.DateField(help_text="The due date that passed: a new due date is a new breach")
    raised_at = models.DateTimeField()
    notified = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    alerted = models.CharField(max_length=500, blank=True, help_text="Who was told, as the case says it")
    task = models.ForeignKey("tasks.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["raised_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "level", "breached_due_on"], name="escalation_once_per_breach"
            ),
            models.CheckConstraint(condition=Q(level__in=[1, 2]), name="escalation_level"),
        ]

    def __str__(self) -> str:
        return f"Level {self.level} escalation of entry {self.entry_id} (due {self.breached_due_on})"
