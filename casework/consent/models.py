from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from casework.consent import rules
from casework.consent.choices import BasisKind, DataCategory, GivenBy, LawfulBasis
from casework.core.models import TimeStampedModel, VersionedModel


class ConsentRecord(TimeStampedModel, VersionedModel):
    """The basis for sharing a person's data from a case: their consent (or a named representative's), or a
    lawful basis without consent with who decided and why. It covers a purpose, some organisations of the
    initiative and some categories of data, from the day it was given until it expires or is withdrawn."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="consent_records")
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consent_records",
        help_text="The case's person, when it has one",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The organisation holding the case, which recorded it",
    )
    kind = models.CharField(max_length=16, choices=BasisKind.choices)
    given_by = models.CharField(max_length=16, choices=GivenBy.choices, blank=True)
    representative_name = models.CharField(max_length=200, blank=True)
    representative_authority = models.CharField(
        max_length=300,
        blank=True,
        help_text="Their relationship to the person and their authority to consent",
    )
    lawful_basis = models.CharField(max_length=24, choices=LawfulBasis.choices, blank=True)
    decided_by_name = models.CharField(max_length=200, blank=True)
    decided_by_role = models.CharField(
        max_length=200, blank=True, help_text="For example, Caldicott guardian"
    )
    decision_reason = models.TextField(blank=True)
    purpose = models.TextField()
    organisations = models.ManyToManyField("accounts.Organisation", related_name="consent_records_covering")
    data_categories = models.JSONField(default=list)
    given_on = models.DateField(help_text="The day consent was given or the decision made")
    expires_on = models.DateField(null=True, blank=True, help_text="Nothing is shared on or after this day")
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_by_name = models.CharField(max_length=200, blank=True, help_text="Who withdrew it")
    withdrawal_reason = models.TextField(blank=True)
    withdrawal_recorded_at = models.DateTimeField(null=True, blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=BasisKind.values), name="consent_kind"),
            models.CheckConstraint(
                condition=Q(kind="consent", given_by__in=GivenBy.values, lawful_basis="")
                | (
                    Q(kind="lawful_basis", given_by="", lawful_basis__in=LawfulBasis.values)
                    & ~Q(decided_by_name="")
                    & ~Q(decided_by_role="")
                    & ~Q(decision_reason="")
                ),
                name="consent_given_or_decided",
            ),
            models.CheckConstraint(
                condition=~Q(given_by="representative") | ~Q(representative_name=""),
                name="consent_representative_named",
            ),
            models.CheckConstraint(condition=~Q(purpose=""), name="consent_purpose"),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("given_on")),
                name="consent_expires_after_given",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("given_on")),
                name="consent_withdrawn_after_given",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True, withdrawal_recorded_at__isnull=True)
                | Q(withdrawn_on__isnull=False, withdrawal_recorded_at__isnull=False),
                name="consent_withdrawal_recorded",
            ),
        ]
        indexes = [models.Index(fields=["case", "given_on"], name="consent_case_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.given_on.isoformat()}"

    def get_absolute_url(self) -> str:
        return reverse("consent:consent_detail", args=[self.pk])

    def terms(self) -> rules.Terms:
        """The record as plain values for rules.py (uses prefetched organisations when there are any)."""
        return rules.Terms(
            given_on=self.given_on,
            expires_on=self.expires_on,
            withdrawn_on=self.withdrawn_on,
            organisation_ids=frozenset(org.pk for org in self.organisations.all()),
            data_categories=frozenset(self.data_categories),
        )

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_on is not None

    @property
    def given_by_words(self) -> str:
        """Who gave it or decided, in a phrase: "The person", "Jane Doe (daughter, LPA)", "A. Smith, …"."""
        if self.kind == BasisKind.LAWFUL_BASIS:
            return ", ".join(filter(None, [self.decided_by_name, self.decided_by_role]))
        if self.given_by == GivenBy.REPRESENTATIVE:
            authority = f" ({self.representative_authority})" if self.representative_authority else ""
            return f"{self.representative_name}{authority}"
        return "The person"

    @property
    def kind_words(self) -> str:
        if self.kind == BasisKind.LAWFUL_BASIS:
            return f"Lawful basis without consent: {self.get_lawful_basis_display()}"
        if self.given_by == GivenBy.REPRESENTATIVE:
            return "Consent given by a representative"
        return "Consent given by the person"

    @property
    def data_category_labels(self) -> list[str]:
        return [DataCategory(c).label for c in DataCategory.values if c in self.data_categories]
