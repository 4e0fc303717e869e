"""Crisis (rapid response) and enablement (reablement) episodes on a case (docs/adr/0020)."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q

from casework.core.models import TimeStampedModel, VersionedModel
from casework.plans.charging.enablement import free_until
from casework.plans.episode_choices import CrisisOutcome, EnablementOutcome, EndedEarlyReason, ReferralSource


class CrisisEpisode(TimeStampedModel, VersionedModel):
    """A sudden and severe change in the person's need, and the rapid response to it: when it was asked for,
    when the response started (within hours), who responded and, once closed, the outcome."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    response_started_at = models.DateTimeField()
    responded_by = models.CharField(max_length=200, help_text="Who responded: a team or people")
    summary = models.TextField(blank=True)
    outcome = models.CharField(max_length=32, choices=CrisisOutcome.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome_notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(response_started_at__gte=F("requested_at")), name="crisis_response_after_request"
            ),
            models.CheckConstraint(
                condition=Q(outcome="", closed_at__isnull=True)
                | (Q(outcome__in=CrisisOutcome.values) & Q(closed_at__isnull=False)),
                name="crisis_outcome_when_closed",
            ),
        ]
        indexes = [models.Index(fields=["case", "requested_at"], name="crisis_case_idx")]

    def __str__(self) -> str:
        return f"Crisis episode on {self.case_id}"

    @property
    def response_hours(self) -> float:
        """Hours from the request to the start of the response."""
        return round((self.response_started_at - self.requested_at).total_seconds() / 3600, 1)


class EnablementEpisode(TimeStampedModel, VersionedModel):
    """Up to 6 weeks of free enablement: where it came from, its dates, goals and weekly notes, and how it
    ended. A planned end beyond 6 weeks carries the reason the worker gave."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    referral_source = models.CharField(max_length=32, choices=ReferralSource.choices)
    crisis_episode = models.ForeignKey(
        CrisisEpisode, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField()
    planned_end_on = models.DateField()
    over_six_weeks_reason = models.TextField(blank=True)
    goals = models.JSONField(default=list, blank=True, help_text="The person's goals, in their words")
    ended_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=32, choices=EnablementOutcome.choices, blank=True)
    ended_early_reason = models.CharField(max_length=32, choices=EndedEarlyReason.choices, blank=True)
    outcome_notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_on__isnull=True), name="enablement_one_open_per_case"
            ),
            models.CheckConstraint(
                condition=Q(planned_end_on__gte=F("started_on")), name="enablement_planned_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, outcome="")
                | (Q(ended_on__gte=F("started_on")) & Q(outcome__in=EnablementOutcome.values)),
                name="enablement_outcome_when_ended",
            ),
            models.CheckConstraint(
                condition=Q(outcome="ended_early", ended_early_reason__in=EndedEarlyReason.values)
                | (~Q(outcome="ended_early") & Q(ended_early_reason="")),
                name="enablement_early_reason_when_early",
            ),
        ]
        indexes = [models.Index(fields=["case", "started_on"], name="enablement_case_idx")]

    def __str__(self) -> str:
        return f"Enablement episode on {self.case_id}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None

    @property
    def free_until(self) -> datetime.date:
        return free_until(self.started_on)


class EnablementNote(TimeStampedModel):
    """A weekly progress note on an enablement episode."""

    episode = models.ForeignKey(EnablementEpisode, on_delete=models.PROTECT, related_name="notes")
    week_starting = models.DateField()
    progress = models.TextField()

    class Meta:
        ordering = ["week_starting", "id"]

    def __str__(self) -> str:
        return f"Enablement note for the week of {self.week_starting}"
