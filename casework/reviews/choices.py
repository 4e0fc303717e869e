from django.db import models


class ReviewKind(models.TextChoices):
    PLANNED = "planned", "Planned"
    REQUESTED = "requested", "Requested"
    UNPLANNED = "unplanned", "Unplanned"


class ReviewReason(models.TextChoices):
    """The national list (CLD Review_Reason, R1): planned, and the unplanned sub-reasons."""

    PLANNED = "planned", "Planned"
    HOSPITAL = "unplanned_hospital", "Unplanned - Hospital (planned and unplanned episodes)"
    CARER = "unplanned_carer", "Unplanned - Carer related"
    SAFEGUARDING = "unplanned_safeguarding", "Unplanned - Safeguarding concern"
    OTHER = "unplanned_other", "Unplanned - Other reason"
    PROVIDER_FAILURE = "unplanned_provider_failure", "Unplanned - Provider failure"
    COMMISSIONING = "unplanned_commissioning", "Unplanned - Change in commissioning arrangements"


class ReviewStatus(models.TextChoices):
    DUE = "due", "Due"
    IN_PROGRESS = "in_progress", "In progress"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
    COMPLETE = "complete", "Complete"
    CANCELLED = "cancelled", "Cancelled"


# A review not yet finished: a case has at most one.
OPEN_STATUSES = (ReviewStatus.DUE, ReviewStatus.IN_PROGRESS, ReviewStatus.AWAITING_SIGN_OFF)


class OutcomeMet(models.TextChoices):
    MET = "met", "Met"
    PARTLY = "partly", "Partly met"
    NOT_MET = "not_met", "Not met"


class ReviewDecision(models.TextChoices):
    NO_CHANGE = "no_change", "No change"
    REVISE_PLAN = "revise_plan", "Revise the plan"
    REASSESS = "reassess", "Reassess"
    END_SERVICES = "end_services", "End services"
    CLOSE = "close", "Close"


class PersonSigner(models.TextChoices):
    PERSON = "person", "The person"
    REPRESENTATIVE = "representative", "Their representative"
    NOT_SIGNED = "not_signed", "Not signed (with the reason)"


class RequestedBy(models.TextChoices):
    PERSON = "person", "The person"
    CARER = "carer", "A carer or relative"
    PROVIDER = "provider", "A provider"
    DUTY_DESK = "duty_desk", "The duty desk"
