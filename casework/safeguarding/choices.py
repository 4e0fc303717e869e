from django.db import models


class AtRisk(models.TextChoices):
    ADULT = "adult", "An adult"
    CHILD = "child", "A child"


class AbuseType(models.TextChoices):
    """The types of abuse and neglect in the Care and Support Statutory Guidance (section 14)."""

    PHYSICAL = "physical", "Physical abuse"
    DOMESTIC = "domestic", "Domestic abuse"
    SEXUAL = "sexual", "Sexual abuse"
    PSYCHOLOGICAL = "psychological", "Psychological or emotional abuse"
    FINANCIAL = "financial", "Financial or material abuse"
    MODERN_SLAVERY = "modern_slavery", "Modern slavery"
    DISCRIMINATORY = "discriminatory", "Discriminatory abuse"
    ORGANISATIONAL = "organisational", "Organisational abuse"
    NEGLECT = "neglect", "Neglect and acts of omission"
    SELF_NEGLECT = "self_neglect", "Self-neglect"


class Routing(models.TextChoices):
    """Where a concern went: never nowhere (the local authority holds the duty, Care Act 2014 s42)."""

    OWN_TEAM = "own_team", "The safeguarding team of the organisation that raised it"
    LEAD_TEAM = "lead_team", "The lead organisation's safeguarding team (the raiser's organisation has none)"
    NO_TEAM = "no_team", "No safeguarding team anywhere: the lead organisation's managers and admins"
