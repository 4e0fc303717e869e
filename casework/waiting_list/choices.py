from django.db import models


class ListKind(models.TextChoices):
    """What the person is waiting for (West Sussex: assessment, a service, a review, hospital discharge)."""

    ASSESSMENT = "assessment", "Waiting for an assessment"
    SERVICE = "service", "Waiting for a service"
    REVIEW = "review", "Waiting for a review"
    HOSPITAL_DISCHARGE = "hospital_discharge", "Hospital discharge pathway"


class Rag(models.TextChoices):
    """The risk rating given on receipt (red: urgent unmitigated risk)."""

    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class ExitReason(models.TextChoices):
    ALLOCATED = "allocated", "Allocated to a worker"
    SERVICE_STARTED = "service_started", "Service started"
    REVIEWED = "reviewed", "Reviewed"
    NO_LONGER_NEEDED = "no_longer_needed", "No longer needed"
    CASE_CLOSED = "case_closed", "Case closed"


class Trigger(models.TextChoices):
    """Why a waiting entry was looked at again."""

    CONCERN = "concern", "A concern was raised"
    CALL = "call", "The person or their representative called"
    LIST_REVIEW = "list_review", "A review of the waiting list"
    OTHER = "other", "Something else"


# Default allocation timescales in working days, by priority (an organisation admin may change them per list).
DEFAULT_WORKING_DAYS = {"urgent": 2, "normal": 20, "low": 60}
# A crisis is responded to within 24 to 48 hours, whatever the list: calendar days, not working days.
CRISIS_RESPONSE_DAYS = 2
# "Due soon": within this many working days of the due date.
DUE_SOON_WORKING_DAYS = 3

# The lists a case leaves when it is first given a worker: it was waiting to be allocated.
ALLOCATION_LISTS = (ListKind.ASSESSMENT, ListKind.HOSPITAL_DISCHARGE)
