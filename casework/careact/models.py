"""The Care Act steps recorded on a case: advocacy decisions, prevention, financial information, eligibility.

Every record is kept. A later record of the same kind supersedes the current one (superseded_at and
superseded_by are set, nothing is deleted), so the case keeps the history of each decision.
"""

from typing import TYPE_CHECKING, ClassVar, Self

from django.conf import settings
from django.db import models
from django.db.models import Q

from casework.careact.choices import AdvocacyActivity, EligibilityKind, FinancialInformationMethod
from casework.core.models import TimeStampedModel, VersionedModel


class CaseStepRecord(TimeStampedModel, VersionedModel):
    """A record on a case that a later one of the same kind supersedes."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    superseded_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    if TYPE_CHECKING:
        # Each concrete kind has Django's default manager; an abstract model has none to infer it from.
        objects: ClassVar[models.Manager[Self]]

    class Meta:
        abstract = True

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class AdvocacyDecision(CaseStepRecord):
    """Whether the person needs an independent advocate to be involved in an activity (Care Act s67, s68).

    An advocate is needed when the person would have substantial difficulty being involved in any of the four
    ways and nobody appropriate (not paid to care for them) can support them. Then a referral is made, and the
    activity waits until an advocate is in place or a team manager records an exception.
    """

    activity = models.CharField(max_length=24, choices=AdvocacyActivity.choices)
    difficulty_understanding = models.BooleanField(help_text="Understanding relevant information")
    difficulty_retaining = models.BooleanField(help_text="Retaining that information")
    difficulty_using_or_weighing = models.BooleanField(help_text="Using or weighing that information")
    difficulty_communicating = models.BooleanField(help_text="Communicating their views, wishes or feelings")
    appropriate_person = models.BooleanField(
        help_text="Someone appropriate, not paid to care for them, can support and represent them"
    )
    appropriate_person_name = models.CharField(max_length=200, blank=True)
    appropriate_person_relationship = models.CharField(max_length=100, blank=True)
    referral_to = models.CharField(max_length=200, blank=True, help_text="The advocacy service referred to")
    referral_on = models.DateField(null=True, blank=True)
    advocate_name = models.CharField(max_length=200, blank=True)
    advocate_organisation = models.CharField(max_length=200, blank=True)
    advocate_from = models.DateField(null=True, blank=True)
    exception_reason = models.TextField(blank=True)
    exception_at = models.DateTimeField(null=True, blank=True)
    exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(activity__in=AdvocacyActivity.values), name="advocacy_activity"
            ),
            models.UniqueConstraint(
                fields=["case", "activity"],
                condition=Q(superseded_at__isnull=True),
                name="advocacy_one_current_per_activity",
            ),
            models.CheckConstraint(
                condition=Q(appropriate_person=False)
                | (~Q(appropriate_person_name="") & ~Q(appropriate_person_relationship="")),
                name="advocacy_appropriate_person_named",
            ),
            # Needed (a difficulty and nobody appropriate) means a referral, to someone, on a date.
            models.CheckConstraint(
                condition=Q(appropriate_person=True)
                | Q(
                    difficulty_understanding=False,
                    difficulty_retaining=False,
                    difficulty_using_or_weighing=False,
                    difficulty_communicating=False,
                )
                | (~Q(referral_to="") & Q(referral_on__isnull=False)),
                name="advocacy_referral_when_needed",
            ),
            models.CheckConstraint(
                condition=Q(advocate_from__isnull=True) | ~Q(advocate_name=""), name="advocacy_advocate_named"
            ),
            models.CheckConstraint(
                condition=Q(exception_at__isnull=True)
                | (~Q(exception_reason="") & Q(exception_by__isnull=False)),
                name="advocacy_exception_explained",
            ),
        ]
        indexes = [models.Index(fields=["case", "activity", "superseded_at"], name="advocacy_case_idx")]

    @property
    def has_substantial_difficulty(self) -> bool:
        return any(
            (
                self.difficulty_understanding,
                self.difficulty_retaining,
                self.difficulty_using_or_weighing,
                self.difficulty_communicating,
            )
        )

    @property
    def advocate_needed(self) -> bool:
        return self.has_substantial_difficulty and not self.appropriate_person

    @property
    def advocate_in_place(self) -> bool:
        return self.advocate_from is not None

    @property
    def has_exception(self) -> bool:
        return self.exception_at is not None

    @property
    def difficulties(self) -> list[str]:
        """The areas of substantial difficulty, in words."""
        return [
            words
            for flag, words in (
                (self.difficulty_understanding, "understanding relevant information"),
                (self.difficulty_retaining, "retaining that information"),
                (self.difficulty_using_or_weighing, "using or weighing that information"),
                (self.difficulty_communicating, "communicating their views, wishes or feelings"),
            )
            if flag
        ]


class PreventionRecord(CaseStepRecord):
    """The prevention and community services considered before long-term support, and why they were not
    enough (Care Act s2: long-term support only once prevention has been explored)."""

    services_considered = models.TextField(blank=True, help_text="Free text, one service a line")
    # Snapshots of directory services, as directory.selectors.service_signpost_snapshot gives them.
    directory_services = models.JSONField(default=list, blank=True)
    why_not_enough = models.TextField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(superseded_at__isnull=True), name="prevention_one_current"
            ),
            models.CheckConstraint(condition=~Q(why_not_enough=""), name="prevention_says_why"),
        ]

    @property
    def services_list(self) -> list[str]:
        return [line.strip() for line in self.services_considered.splitlines() if line.strip()]


class FinancialInformationRecord(CaseStepRecord):
    """Information about charging and financial assessment given to the person: how and when (Care Act s4)."""

    method = models.CharField(max_length=16, choices=FinancialInformationMethod.choices)
    given_on = models.DateField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(superseded_at__isnull=True),
                name="financial_information_one_current",
            ),
            models.CheckConstraint(
                condition=Q(method__in=FinancialInformationMethod.values), name="financial_information_method"
            ),
        ]


class EligibilityDetermination(CaseStepRecord):
    """An eligibility determination (Care Act s13): what was found, what the criteria give, what the worker
    decided and why. Both results are kept; they differ only with a reason saying why."""

    kind = models.CharField(max_length=8, choices=EligibilityKind.choices)
    # Adults: needs arise from or relate to an impairment or illness. Carers: from providing necessary care.
    condition_1 = models.BooleanField()
    health_deteriorating = models.BooleanField(
        default=False, help_text="Carers: health is, or is at risk of, deteriorating"
    )
    # {outcome code: [ways]} for each outcome the person is unable to achieve (see eligibility.py).
    outcomes = models.JSONField(default=dict, blank=True)
    significant_impact_on_wellbeing = models.BooleanField()
    cared_for = models.CharField(max_length=200, blank=True, help_text="Carers: who they care for")
    computed_eligible = models.BooleanField()
    computed_reasons = models.JSONField(default=list)
    computed_outcomes = models.JSONField(default=list, help_text="The outcomes that counted")
    confirmed_eligible = models.BooleanField()
    reason = models.TextField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EligibilityKind.values), name="eligibility_kind"),
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(superseded_at__isnull=True),
                name="eligibility_one_current_per_kind",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="eligibility_has_reason"),
            models.CheckConstraint(
                condition=Q(kind="carer") | Q(health_deteriorating=False),
                name="eligibility_health_for_carers",
            ),
        ]

    @property
    def differs(self) -> bool:
        return self.computed_eligible != self.confirmed_eligible
