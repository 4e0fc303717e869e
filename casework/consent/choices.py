from django.db import models


class BasisKind(models.TextChoices):
    """Why a person's data may be shared: their consent, or a lawful basis that does not need it."""

    CONSENT = "consent", "Consent"
    LAWFUL_BASIS = "lawful_basis", "Lawful basis without consent"


class GivenBy(models.TextChoices):
    PERSON = "person", "The person"
    REPRESENTATIVE = "representative", "A representative"


class LawfulBasis(models.TextChoices):
    """The UK GDPR Article 6(1) bases a council or its partners share care data on without consent."""

    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation (UK GDPR Article 6(1)(c))"
    VITAL_INTERESTS = "vital_interests", "Vital interests (UK GDPR Article 6(1)(d))"
    PUBLIC_TASK = "public_task", "Public task (UK GDPR Article 6(1)(e))"
    LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests (UK GDPR Article 6(1)(f))"


class DataCategory(models.TextChoices):
    """What a basis lets the responsible organisation share with the organisations it covers."""

    CONTACT_DETAILS = "contact_details", "Contact details"
    NEEDS = "needs", "Needs"
    ASSESSMENT_SUMMARY = "assessment_summary", "Assessment summary"


DATA_CATEGORY_HINTS = {
    DataCategory.CONTACT_DETAILS: "Name, address, phone, email, how they like to be contacted, their "
    "language and communication needs",
    DataCategory.NEEDS: "The needs referred, with the circumstances and instructions written for the "
    "organisation",
    DataCategory.ASSESSMENT_SUMMARY: "The summary of the person's situation and the response needed, from "
    "the latest completed assessment (never the answers)",
}


class BasisState(models.TextChoices):
    """Where a basis stands on a given day (rules.state_on)."""

    LIVE = "live", "Live"
    NOT_YET = "not_yet", "Not yet given"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"
