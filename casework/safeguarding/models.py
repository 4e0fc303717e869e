from django.db import models

from casework.core.models import TimeStampedModel
from casework.safeguarding.choices import AtRisk


class SafeguardingConcern(TimeStampedModel):
    """A safeguarding concern: routed to the organisation's safeguarding team as a task due today.

    The strictest access in Casework: only the safeguarding team, the allocated worker and managers see it.
    """

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="safeguarding_concerns")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="safeguarding_concerns")
    contact = models.ForeignKey("contacts.ContactEvent", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    at_risk = models.CharField(max_length=8, choices=AtRisk.choices)
    at_risk_name = models.CharField(max_length=200, blank=True, help_text="If not the person on the record")
    what_happened = models.TextField(help_text="What was seen or said, in the words used")
    immediate_danger = models.BooleanField()
    called_999 = models.BooleanField(default=False)
    abuse_types = models.JSONField(default=list)
    routed_to_team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()

    class Meta:
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["case", "raised_at"], name="safeguarding_case_idx"),
                   models.Index(fields=["person", "raised_at"], name="safeguarding_person_idx")]
