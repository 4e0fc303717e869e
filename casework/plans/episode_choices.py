from django.db import models


class CrisisOutcome(models.TextChoices):
    STAYED_AT_HOME = "stayed_at_home", "Stayed at home"
    ADMISSION_AVOIDED = "admission_avoided", "Hospital admission avoided"
    ADMITTED = "admitted_to_hospital", "Admitted to hospital (not avoided)"
    TO_ENABLEMENT = "discharged_to_enablement", "Discharged to enablement"


class ReferralSource(models.TextChoices):
    COMMUNITY = "community", "Community"
    HOSPITAL_DISCHARGE = "hospital_discharge", "Hospital discharge"
    CRISIS = "crisis", "Crisis response"


class EnablementOutcome(models.TextChoices):
    NO_ONGOING_NEEDS = "no_ongoing_needs", "No ongoing needs"
    ONGOING_NEEDS = "ongoing_needs", "Ongoing needs (eligible)"
    ENDED_EARLY = "ended_early", "Ended early"


class EndedEarlyReason(models.TextChoices):
    ADMITTED_TO_HOSPITAL = "admitted_to_hospital", "Admitted to hospital"
    DECLINED = "declined", "Declined further enablement"
    DIED = "died", "Died"
    MOVED_AWAY = "moved_away", "Moved away"
    LONG_TERM_CARE = "long_term_care", "Moved to long-term care"
    OTHER = "other", "Another reason"
