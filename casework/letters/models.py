from django.conf import settings
from django.db import models
from django.db.models import Q

from casework.core.models import TimeStampedModel
from casework.letters.choices import LetterKind, LetterStatus


class LetterTemplate(TimeStampedModel):
    """An organisation's wording of one kind of letter. The words live in versions; the newest is used."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="letter_templates"
    )
    kind = models.CharField(max_length=24, choices=LetterKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="letter_template_unique")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class LetterTemplateVersion(models.Model):
    """One version of a template: a subject and an HTML body with {{ placeholders }}. Never changed once
    written."""

    template = models.ForeignKey(LetterTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="HTML with placeholders such as {{ person.full_name }}")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["template_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="letter_version_unique")]

    def __str__(self) -> str:
        return f"{self.template}, version {self.number}"


class Letter(models.Model):
    """A letter sent to a person: the PDF as sent, the template version, and how it went.

    `effect_key` makes sending idempotent: a job that runs twice finds its letter already here.
    """

    effect_key = models.CharField(max_length=120, unique=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="letters"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="letters")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    template_version = models.ForeignKey(
        LetterTemplateVersion, on_delete=models.PROTECT, related_name="letters"
    )
    kind = models.CharField(max_length=24, choices=LetterKind.choices)
    subject = models.CharField(max_length=200)
    addressed_to = models.TextField(help_text="The name and address as printed")
    large_print = models.BooleanField(default=False, help_text="Flag for the printer")
    accessible_format = models.CharField(max_length=16, blank=True)
    html = models.TextField(help_text="The letter as rendered, before it became the PDF")
    pdf = models.BinaryField()
    pdf_size = models.PositiveIntegerField()
    backend = models.CharField(max_length=40)
    backend_reference = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=8, choices=LetterStatus.choices, default=LetterStatus.SENT)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when Casework sent it on its own",
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["case", "sent_at"], name="letter_case_idx"),
            models.Index(fields=["person", "sent_at"], name="letter_person_idx"),
        ]
        constraints = [models.CheckConstraint(condition=~Q(effect_key=""), name="letter_effect_key")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.person_id} on {self.sent_at:%Y-%m-%d}"
