from django.db import models

from casework.core.models import TimeStampedModel, VersionedModel


class NamedArea(models.Model):
    """A named area of an initiative ("Wokingham town") made of postcode districts."""

    initiative = models.ForeignKey(
        "accounts.Initiative", on_delete=models.PROTECT, related_name="named_areas"
    )
    name = models.CharField(max_length=100)
    postcode_districts = models.JSONField(default=list)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["initiative", "name"], name="named_area_unique")]

    def __str__(self) -> str:
        return self.name


class AllocationRule(TimeStampedModel, VersionedModel):
    """One rule of the lead organisation's allocation policy. Rules are tried in order; the first match wins.

    Conditions left empty match anything. The rule picks `organisation`, or when that is empty, the
    responsible organisation that covers the case's area and has every capability the rule needs. A rule
    with `use_existing_relationship` picks the organisation that already has an open or recent case
    with the person.
    """

    initiative = models.ForeignKey(
        "accounts.Initiative", on_delete=models.PROTECT, related_name="allocation_rules"
    )
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    risk_categories = models.ManyToManyField("cases.RiskCategory", blank=True, related_name="+")
    areas = models.JSONField(default=list, blank=True, help_text="Postcode districts or named areas")
    required_capabilities = models.JSONField(default=list, blank=True)
    use_existing_relationship = models.BooleanField(default=False)
    recent_days = models.PositiveIntegerField(default=365, help_text="How recent a closed case still counts")
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["initiative_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class AllocationPolicy(TimeStampedModel, VersionedModel):
    """The initiative's fallback: where a case goes when no rule matches. Required before allocating."""

    initiative = models.OneToOneField(
        "accounts.Initiative", on_delete=models.PROTECT, related_name="allocation_policy"
    )
    fallback_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
