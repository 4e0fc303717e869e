from django.db import models
from django.db.models import Q

from casework.assessments.choices import NeedCategory
from casework.core.models import TimeStampedModel, VersionedModel


class NeedDefinition(TimeStampedModel, VersionedModel):
    """A need that every partner of an initiative records the same way (SAVVI Need Definition).

    Kept by the lead organisation's initiative admins. A definition is retired, never deleted: needs recorded
    against it keep pointing at it.
    """

    initiative = models.ForeignKey("accounts.Initiative", on_delete=models.PROTECT, related_name="need_definitions")
    code = models.SlugField(max_length=50, help_text="Stable, for exports and the API: lower case, no spaces")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=24, choices=NeedCategory.choices)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["category", "name"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "code"], name="need_definition_code_unique"),
            models.UniqueConstraint(fields=["initiative", "name"], name="need_definition_name_unique"),
            models.CheckConstraint(condition=Q(category__in=NeedCategory.values), name="need_definition_category"),
            models.CheckConstraint(condition=~Q(code="") & ~Q(name=""), name="need_definition_named"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None
