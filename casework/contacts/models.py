from django.db import models
from django.db.models import Q

from casework.contacts.choices import (
    AbsenceKind,
    AdviceOutcome,
    ContactMethod,
    ContactOutcome,
    ContactRole,
    Direction,
    OnBehalfKind,
)
from casework.core.models import TimeStampedModel


class ContactEvent(TimeStampedModel):
    """A contact with or about a person (SAVVI Contact Event), on a case or on the person alone.

    Attempts to reach someone to arrange a visit are contact events with `is_scheduling_attempt`: together
    they are the case's scheduling log.
    """

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )
    occurred_at = models.DateTimeField()
    direction = models.CharField(max_length=10, choices=Direction.choices)
    method = models.CharField(max_length=16, choices=ContactMethod.choices)
    contact_role = models.CharField(max_length=24, choices=ContactRole.choices)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_details = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=16, choices=ContactOutcome.choices)
    summary = models.TextField(blank=True)
    is_scheduling_attempt = models.BooleanField(default=False)
    # For a scheduling attempt: when the next attempt to reach the person is planned.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Information and advice (TLAP): what was given, which services were signposted (a snapshot of each,
    # as Open Referral UK advises, because directories change), and whether that resolved the contact.
    advice_given = models.TextField(blank=True)
    signposted = models.JSONField(default=list, blank=True)
    resolved_at_first_contact = models.BooleanField(default=False)
    # The duty to explain charging early (Care Act; Wokingham procedure).
    financial_information_given = models.BooleanField(default=False)
    # A letter or email received: where the original is kept (the record is a proportionate summary of it).
    original_held_at = models.CharField(max_length=300, blank=True)
    # A letter or email addressed to a named worker or team: passed on only if they are allocated to the
    # person or responsible (passed_on), as for a call asking for them; None when addressed to nobody.
    addressed_to_user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    addressed_to_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    passed_on = models.BooleanField(null=True, blank=True)
    # The check that the advice helped (a task made with the contact): its outcome, by whom and when.
    advice_outcome = models.CharField(max_length=16, choices=AdviceOutcome.choices, blank=True)
    advice_outcome_note = models.TextField(blank=True)
    advice_checked_at = models.DateTimeField(null=True, blank=True)
    advice_checked_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False) | Q(person__isnull=False), name="contact_is_about_someone"
            ),
            models.CheckConstraint(
                condition=Q(addressed_to_user__isnull=True) | Q(addressed_to_team__isnull=True),
                name="contact_addressed_to_one",
            ),
            models.CheckConstraint(
                condition=(
                    Q(addressed_to_user__isnull=True)
                    & Q(addressed_to_team__isnull=True)
                    & Q(passed_on__isnull=True)
                )
                | (
                    (Q(addressed_to_user__isnull=False) | Q(addressed_to_team__isnull=False))
                    & Q(passed_on__isnull=False)
                ),
                name="contact_passed_on_when_addressed",
            ),
            models.CheckConstraint(
                condition=(Q(advice_outcome="") & Q(advice_checked_at__isnull=True))
                | (Q(advice_outcome__in=AdviceOutcome.values) & Q(advice_checked_at__isnull=False)),
                name="contact_advice_checked_with_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "occurred_at"], name="contact_case_idx"),
            models.Index(fields=["person", "occurred_at"], name="contact_person_idx"),
        ]


class ContactStrategy(models.Model):
    """How an initiative first contacts the people of a risk category (SAVVI: visit, phone, letter)."""

    initiative = models.ForeignKey(
        "accounts.Initiative", on_delete=models.PROTECT, related_name="contact_strategies"
    )
    risk_category = models.ForeignKey("cases.RiskCategory", on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=16, choices=ContactMethod.choices)
    guidance = models.CharField(max_length=300, blank=True, help_text="What the first contact should do")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "risk_category"], name="one_strategy_per_risk_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.risk_category}: {self.get_method_display()}"


class WorkerAbsence(TimeStampedModel):
    """A worker away from work: the duty desk shows who is available today and when someone is back."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="absences")
    kind = models.CharField(max_length=16, choices=AbsenceKind.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="absence_ends_after_it_starts"
            )
        ]
        indexes = [models.Index(fields=["user", "end_date"], name="absence_user_idx")]


class Message(models.Model):
    """A message to a worker, usually left by the duty desk about a contact they could not take."""

    to_user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="messages_received")
    from_user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages_sent"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    contact = models.ForeignKey(
        ContactEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    told_person = models.CharField(
        max_length=300, blank=True, help_text="What the person was told about when to expect a call back"
    )
    sent_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["to_user", "read_at"], name="message_inbox_idx")]

    def __str__(self) -> str:
        sent = f" on {self.sent_at:%Y-%m-%d %H:%M}" if self.sent_at else ""
        return f"Message to user {self.to_user_id}{sent}"


class OnBehalfAction(TimeStampedModel):
    """Something done for the allocated worker while they were away; they are alerted by a message.

    Until support plans exist, suspending or restarting a service and arranging respite are recorded as
    requests with their details, for the worker to confirm.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="actions_on_behalf")
    kind = models.CharField(max_length=24, choices=OnBehalfKind.choices)
    details = models.TextField()
    for_worker = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    effective_on = models.DateField()

    class Meta:
        ordering = ["-created_at", "-id"]
