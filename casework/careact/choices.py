from django.db import models


class AdvocacyActivity(models.TextChoices):
    """The Care Act processes that cannot start until independent advocacy is decided (s67, s68)."""

    ASSESSMENT = "assessment", "Assessment"
    REVIEW = "review", "Review"
    SAFEGUARDING_ENQUIRY = "safeguarding_enquiry", "Safeguarding enquiry"


class FinancialInformationMethod(models.TextChoices):
    """How the information about charging and financial assessment was given."""

    LEAFLET = "leaflet", "Leaflet or factsheet"
    VERBAL = "verbal", "Told them (in person or by phone)"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    OTHER = "other", "Another way"


class EligibilityKind(models.TextChoices):
    ADULT = "adult", "Adult with needs for care and support (regulation 2)"
    CARER = "carer", "Carer (regulation 3)"
