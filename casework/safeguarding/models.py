from django.db import models
from django.db.models import Q

from casework.core.models import TimeStampedModel
from casework.safeguarding.choices import AtRisk, Routing


def routed_to_words(team, organisation) -> str:
    """Who received a concern, in words: "Safeguarding Team, Wessex County Council", or with no team the
    lead's managers and admins."""
    if team is not None:
        return f"{team.name}, {organisation.name}"
    return f"the managers and organisation admins of {organisation.name}"


class SafeguardingConcern(TimeStampedModel):
    """A safeguarding concern: routed to a safeguarding team as a task due today (services.concern_raise).

    The team is the raiser's organisation's, else the lead organisation's; with neither the concern still
    stands and the lead's managers and admins are alerted. The strictest access in Casework: only the team
    it went to, the allocated worker and managers see it.
    """

    # Whose concern it is: the organisation holding the case, else the raiser's. Its managers see it.
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    raised_by_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="safeguarding_concerns"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="safeguarding_concerns"
    )
    contact = models.ForeignKey(
        "contacts.ContactEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The referral a delivery organisation raised it from (it never opens the case or the person).
    referral = models.ForeignKey(
        "referrals.Referral", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at_risk = models.CharField(max_length=8, choices=AtRisk.choices)
    at_risk_name = models.CharField(max_length=200, blank=True, help_text="If not the person on the record")
    what_happened = models.TextField(help_text="What was seen or said, in the words used")
    immediate_danger = models.BooleanField()
    called_999 = models.BooleanField(default=False)
    abuse_types = models.JSONField(default=list)
    routing = models.CharField(max_length=12, choices=Routing.choices)
    routed_to_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    # None only when no safeguarding team could be found (routing "no_team").
    routed_to_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField()

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(routing__in=Routing.values), name="safeguarding_routing_valid"
            ),
            models.CheckConstraint(
                condition=(Q(routing=Routing.NO_TEAM) & Q(routed_to_team__isnull=True))
                | (~Q(routing=Routing.NO_TEAM) & Q(routed_to_team__isnull=False)),
                name="safeguarding_routed_to_a_team_unless_none",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "raised_at"], name="safeguarding_case_idx"),
            models.Index(fields=["person", "raised_at"], name="safeguarding_person_idx"),
            # The safeguarding team's list: its concerns, newest first.
            models.Index(fields=["routed_to_team", "raised_at"], name="safeguarding_team_idx"),
        ]

    @property
    def routed_to_name(self) -> str:
        return routed_to_words(self.routed_to_team, self.routed_to_organisation)

    @property
    def routing_notice(self) -> str:
        """What the raiser is told of where the concern went."""
        if self.routing == Routing.OWN_TEAM:
            return f"The concern has been sent to {self.routed_to_name}, due today."
        if self.routing == Routing.LEAD_TEAM:
            return (
                f"Your organisation has no safeguarding team, so the concern has been sent to the lead "
                f"organisation's: {self.routed_to_name}, due today."
            )
        return (
            f"No safeguarding team could be found, so the concern has been recorded and sent to "
            f"{self.routed_to_name}. Phone your safeguarding lead now as well."
        )
