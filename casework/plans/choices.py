from django.db import models


class FinancialAssessmentStatus(models.TextChoices):
    STARTED = "started", "Started"
    COMPLETED = "completed", "Completed"


class AssessmentPath(models.TextChoices):
    NON_RESIDENTIAL = "non_residential", "Care at home or in the community"
    RESIDENTIAL = "residential", "Permanent residential care"
    LIGHT_TOUCH = "light_touch", "Light-touch (the full cost)"
