"""Code lists of the directory: Open Referral UK 3.0 enumerations, and the needs Casework searches by."""

import uuid

from django.db import models


class ServiceStatus(models.TextChoices):
    # The values are Open Referral UK's, spaces and all.
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    DEFUNCT = "defunct", "Closed for good"
    TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"


# What the Find a service page offers: services that a person could be signposted to today or soon.
OPEN_STATUSES = (ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED)


class LocationType(models.TextChoices):
    PHYSICAL = "physical", "Physical"
    POSTAL = "postal", "Postal"
    VIRTUAL = "virtual", "Virtual"


class AddressType(models.TextChoices):
    PHYSICAL = "physical", "Physical"
    POSTAL = "postal", "Postal"
    VIRTUAL = "virtual", "Virtual"


class Need(models.TextChoices):
    """The "Casework needs" vocabulary: a service's needs are attributes linking it to these terms."""

    ACCESS_TO_SHOPPING = "access_to_shopping", "Access to shopping"
    BENEFITS = "benefits", "Benefits"
    CARERS_SUPPORT = "carers_support", "Carers support"
    DEBT_ADVICE = "debt_advice", "Debt advice"
    FOOD = "food", "Food"
    FUEL_POVERTY = "fuel_poverty", "Fuel poverty"
    HOUSING = "housing", "Housing"
    LONELINESS = "loneliness", "Loneliness"
    MENTAL_HEALTH = "mental_health", "Mental health"
    MOBILITY_EQUIPMENT = "mobility_equipment", "Mobility equipment"
    PERSONAL_CARE = "personal_care", "Personal care"
    TRANSPORT = "transport", "Transport"


# The needs taxonomy has fixed ids, so every Casework directory (and every feed built for one) agrees on them.
_NEEDS_NAMESPACE = uuid.UUID("6c1f8a52-3a0e-4d1b-9c55-0b7d4f2e9a11")
NEEDS_TAXONOMY_ID = uuid.uuid5(_NEEDS_NAMESPACE, "taxonomy")
NEEDS_TAXONOMY_NAME = "Casework needs"


def need_term_id(code: str) -> uuid.UUID:
    """The fixed term id of a need (or of a narrower term under one) in the Casework needs taxonomy."""
    return uuid.uuid5(_NEEDS_NAMESPACE, f"term/{code}")
