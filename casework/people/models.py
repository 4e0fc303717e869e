import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from casework.core.models import ClockDateTimeField, TimeStampedModel, VersionedModel
from casework.people.choices import (
    AccessibleFormat,
    ContactMethod,
    Ethnicity,
    Gender,
    HouseholdRole,
    RelationshipKind,
    Sex,
)
from casework.people.identifiers import postcode_district, validate_nhs_number, validate_postcode


class Address(models.Model):
    address_line_1 = models.CharField("Address line 1", max_length=200, blank=True)
    address_line_2 = models.CharField("Address line 2", max_length=200, blank=True)
    town = models.CharField("Town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True, validators=[validate_postcode])
    uprn = models.BigIntegerField(
        "UPRN", null=True, blank=True, help_text="Unique Property Reference Number, if known"
    )

    class Meta:
        abstract = True

    @property
    def postcode_district(self) -> str:
        return postcode_district(self.postcode)

    @property
    def address_lines(self) -> list[str]:
        return [line for line in (self.address_line_1, self.address_line_2, self.town, self.postcode) if line]


RESTRICTED_NAME = "Restricted record"


class Person(TimeStampedModel, VersionedModel, Address):
    # Not fields: set by the people selectors for the user reading the record (shown_name reads the first).
    name_revealed: bool
    break_glass_grant: "BreakGlassGrant | None"

    initiative = models.ForeignKey("accounts.Initiative", on_delete=models.PROTECT, related_name="people")
    created_by_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="people_created"
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    other_names = models.CharField(
        max_length=200, blank=True, help_text="Previous or alternative names, aliases"
    )
    # Phonetic keys for finding likely matches; kept in step with the names by the services.
    given_name_key = models.CharField(max_length=20, blank=True, editable=False)
    family_name_key = models.CharField(max_length=20, blank=True, editable=False)
    date_of_birth = models.DateField(null=True, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    # NULL means "not known": the unique constraint below holds only for known numbers, so many people
    # may have none, where "" would collide.
    nhs_number = models.CharField(  # noqa: DJ001 (NULL is "unknown", exempt from the unique constraint)
        "NHS number", max_length=10, null=True, blank=True, validators=[validate_nhs_number]
    )
    local_identifier = models.CharField(max_length=64, blank=True)
    sex = models.CharField(max_length=16, choices=Sex.choices, blank=True)
    gender = models.CharField(max_length=32, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(max_length=40, choices=Ethnicity.choices, blank=True)
    preferred_language = models.CharField(max_length=60, blank=True, default="English")
    interpreter_needed = models.BooleanField(default=False)
    communication_needs = models.TextField(blank=True)
    accessible_format = models.CharField(max_length=16, choices=AccessibleFormat.choices, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    preferred_contact_method = models.CharField(max_length=16, choices=ContactMethod.choices, blank=True)
    is_restricted = models.BooleanField(
        default=False, help_text="Needs extra protection: only named users may open the full record"
    )

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["nhs_number"], condition=Q(nhs_number__isnull=False), name="person_nhs_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(date_of_death__isnull=True)
                | Q(date_of_birth__isnull=True)
                | Q(date_of_death__gte=models.F("date_of_birth")),
                name="person_death_not_before_birth",
            ),
        ]
        indexes = [
            models.Index(
                fields=["initiative", "date_of_birth", "family_name_key"], name="person_dob_name_idx"
            ),
            models.Index(
                fields=["initiative", "family_name_key", "date_of_birth"], name="person_name_dob_idx"
            ),
            models.Index(fields=["initiative", "postcode"], name="person_postcode_idx"),
            models.Index(fields=["created_by_organisation"], name="person_created_org_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("people:person_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def name_withheld(self) -> bool:
        """A restricted person's name is withheld wherever their case or household is shown, unless the
        selector that loaded them found the user named on the restriction
        (people.selectors.person_names_reveal)."""
        return self.is_restricted and not getattr(self, "name_revealed", False)

    @property
    def shown_name(self) -> str:
        return RESTRICTED_NAME if self.name_withheld else self.full_name

    @property
    def birth_year(self) -> int | None:
        return self.date_of_birth.year if self.date_of_birth else None

    def age_on(self, day: datetime.date) -> int | None:
        if not self.date_of_birth:
            return None
        end = min(day, self.date_of_death) if self.date_of_death else day
        before_birthday = (end.month, end.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return end.year - self.date_of_birth.year - int(before_birthday)

    def clean(self) -> None:
        today = datetime.date.today()
        errors: dict[str, str] = {}
        if self.date_of_birth:
            if self.date_of_birth > today:
                errors["date_of_birth"] = "Date of birth must be today or in the past"
            elif self.date_of_birth.year < 1890:
                errors["date_of_birth"] = "Date of birth must be after 1890"
        if self.date_of_death:
            if self.date_of_death > today:
                errors["date_of_death"] = "Date of death must be today or in the past"
            elif self.date_of_birth and self.date_of_death < self.date_of_birth:
                errors["date_of_death"] = "Date of death must be the same as or after the date of birth"
        if errors:
            raise ValidationError(errors)


class PersonRestrictedAccess(models.Model):
    """A user named to open a restricted person's full record."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="restricted_access")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="restricted_people"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = ClockDateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "user"], name="restricted_access_unique")]

    def __str__(self) -> str:
        return f"User {self.user_id} named on restricted person {self.person_id}"


class Household(TimeStampedModel, VersionedModel, Address):
    initiative = models.ForeignKey("accounts.Initiative", on_delete=models.PROTECT, related_name="households")
    created_by_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="households_created"
    )
    name = models.CharField(max_length=200, blank=True, help_text="For example, 'Patel family'")

    class Meta:
        indexes = [models.Index(fields=["initiative", "postcode"], name="household_postcode_idx")]

    def __str__(self) -> str:
        return self.name or ", ".join(self.address_lines[:2]) or f"Household {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("people:household_detail", args=[self.pk])


class HouseholdMembership(TimeStampedModel):
    """A person living in a household from start_date until end_date (open while they still live there)."""

    # Not a field: whether the reading user may open the person's record (people.selectors.household_members).
    can_open: bool

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="household_memberships")
    role = models.CharField(max_length=32, choices=HouseholdRole.choices, default=HouseholdRole.OTHER)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            # A person lives in one household at a time; earlier ones stay as history.
            models.UniqueConstraint(
                fields=["person"], condition=Q(end_date__isnull=True), name="one_current_household_per_person"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["household", "end_date"], name="household_member_idx")]

    @property
    def is_current(self) -> bool:
        return self.end_date is None


class PersonRelationship(TimeStampedModel):
    """`related_person` is `person`'s carer, family member, advocate, appropriate person, attorney or
    other."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    related_person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="relationships_as_related"
    )
    kind = models.CharField(max_length=32, choices=RelationshipKind.choices)
    description = models.CharField(
        max_length=200, blank=True, help_text="For example, 'daughter' or 'neighbour'"
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(person=models.F("related_person")), name="relationship_not_self"
            ),
            models.UniqueConstraint(
                fields=["person", "related_person", "kind"],
                condition=Q(end_date__isnull=True),
                name="relationship_current_unique",
            ),
        ]


class BreakGlassGrant(models.Model):
    """Time-limited access to a full record without a relationship, given on a stated reason and reviewed
    later."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="break_glass_grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    opened_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["user", "person", "expires_at"], name="break_glass_active_idx"),
            models.Index(fields=["organisation", "reviewed_at"], name="break_glass_review_idx"),
        ]

    def __str__(self) -> str:
        until = f" until {self.expires_at:%Y-%m-%d %H:%M}" if self.expires_at else ""
        return f"Break-glass access by user {self.user_id} to person {self.person_id}{until}"


class IndexSearchResult(models.Model):
    """A person shown to a user in an index search, whose card that user may open until expires_at.

    Cards are reached only from a search the same user made (ADR 3): walking ids finds nothing.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "person"], name="index_search_result_unique")]

    def __str__(self) -> str:
        return f"Person {self.person_id} found by user {self.user_id}"
