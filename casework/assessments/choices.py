from django.db import models


class NeedCategory(models.TextChoices):
    """Broad groups of need, so that the initiative can count needs across partners."""

    DAILY_LIVING = "daily_living", "Daily living and personal care"
    FOOD_AND_SHOPPING = "food_and_shopping", "Food and shopping"
    MONEY = "money", "Money and debt"
    HOUSING = "housing", "Housing and home"
    HEALTH = "health", "Health and wellbeing"
    CONNECTION = "connection", "Loneliness and social connection"
    CARERS = "carers", "Carers"
    SAFETY = "safety", "Safety"
    OTHER = "other", "Other"


class NeedStatus(models.TextChoices):
    """SAVVI need statuses: identified by the assessment, then updated by whoever meets the need."""

    IDENTIFIED = "identified", "Identified"
    PLANNED = "planned", "Planned"
    BEING_MANAGED = "being_managed", "Being managed"
    RESOLVED = "resolved", "Resolved"
    NO_LONGER_RELEVANT = "no_longer_relevant", "No longer relevant"
    REJECTED = "rejected", "Rejected"


# Needs in these statuses are finished with: a case whose needs are all finished can close as "needs met".
FINISHED_NEED_STATUSES = frozenset({NeedStatus.RESOLVED, NeedStatus.NO_LONGER_RELEVANT, NeedStatus.REJECTED})


class AssessmentStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


class AssessmentMethod(models.TextChoices):
    """How the assessment was carried out (CLD Method_of_Assessment, simplified)."""

    FACE_TO_FACE = "face_to_face", "Face to face"
    PHONE = "phone", "Phone or video"
    SUPPORTED_SELF = "supported_self", "Supported self-assessment"
    JOINT = "joint", "Joint with another organisation"
    ONLINE = "online", "Online self-service"
