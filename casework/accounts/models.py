from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db import models

from casework.accounts.choices import Capability, OrganisationKind, OrganisationType, Role
from casework.core.models import ClockDateTimeField, TimeStampedModel


class Initiative(TimeStampedModel):
    """A vulnerability initiative: one lead organisation and its partners sharing one index of people."""

    name = models.CharField(max_length=200, unique=True)
    lead_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="initiatives_led"
    )

    def __str__(self) -> str:
        return self.name


class Organisation(TimeStampedModel):
    name = models.CharField(max_length=200)
    initiative = models.ForeignKey(
        Initiative, null=True, blank=True, on_delete=models.PROTECT, related_name="organisations"
    )
    organisation_type = models.CharField(
        max_length=32, choices=OrganisationType.choices, default=OrganisationType.OTHER
    )
    # An organisation can hold several roles in an initiative (lead, responsible, delivery).
    kinds = models.JSONField(default=list, blank=True)
    # Postcode districts ("RG40") or named areas ("Wokingham town") that the organisation covers.
    areas = models.JSONField(default=list, blank=True)
    capabilities = models.JSONField(default=list, blank=True)
    identifier = models.CharField(
        max_length=64, blank=True, help_text="e.g. GSS code, Companies House or charity number"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "name"], name="organisation_name_unique_in_initiative"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def has_kind(self, kind: OrganisationKind | str) -> bool:
        return str(kind) in self.kinds

    @property
    def kind_labels(self) -> list[str]:
        return [OrganisationKind(k).label for k in self.kinds if k in OrganisationKind.values]

    @property
    def capability_labels(self) -> list[str]:
        return [Capability(c).label for c in self.capabilities if c in Capability.values]


class Team(TimeStampedModel):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    is_safeguarding = models.BooleanField(default=False)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique_in_organisation")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.name})"


class User(AbstractUser):
    """A person who uses Casework. What they may do comes from their memberships."""

    job_title = models.CharField(max_length=200, blank=True)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


# Whoever is asking: a signed-in user, or nobody (policies answer "no" for an anonymous visitor).
AnyUser = User | AnonymousUser


class Membership(TimeStampedModel):
    """A user's role in an organisation (and optionally a team). One row per role."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "team", "role"], name="membership_unique"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "role"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} at {self.organisation}"


class ApiToken(models.Model):
    """A bearer token for the API. Only a hash is stored; the token is shown once, when it is issued."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64)
    created_at = ClockDateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
