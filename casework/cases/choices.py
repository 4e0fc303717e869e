from django.db import models


class CaseStatus(models.TextChoices):
    """SAVVI / FHIR EpisodeOfCare status."""

    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    FINISHED = "finished", "Finished"
    CANCELLED = "cancelled", "Cancelled"


class CaseStage(models.TextChoices):
    INTAKE = "intake", "Intake"
    AWAITING_ALLOCATION = "awaiting_allocation", "Awaiting allocation"
    CONTACT = "contact", "Contact"
    ASSESSMENT = "assessment", "Assessment"
    PLANNING = "planning", "Planning"
    SUPPORT = "support", "Support"
    REVIEW = "review", "Review"
    CLOSING = "closing", "Closing"


class CaseOrigin(models.TextChoices):
    RISK_INDEX = "risk_index", "Risk index"
    SELF_REFERRAL = "self_referral", "Self-referral"
    THIRD_PARTY_CONCERN = "third_party_concern", "Concern raised by someone else"
    PROFESSIONAL_REFERRAL = "professional_referral", "Professional referral"
    HOSPITAL_DISCHARGE = "hospital_discharge", "Hospital discharge"
    REVIEW = "review", "Review"


class Priority(models.TextChoices):
    URGENT = "urgent", "Urgent"
    NORMAL = "normal", "Normal"
    LOW = "low", "Low"


PRIORITY_RANK = {Priority.URGENT: 0, Priority.NORMAL: 1, Priority.LOW: 2}


class AssignmentRole(models.TextChoices):
    PRIMARY = "primary", "Primary worker"
    SECONDARY = "secondary", "Secondary worker"
    CASE_MANAGER = "case_manager", "Case manager (oversight)"


OPEN_STATUSES = (CaseStatus.PLANNED, CaseStatus.ACTIVE, CaseStatus.ON_HOLD)
