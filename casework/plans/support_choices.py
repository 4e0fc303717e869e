from django.db import models


class SupportPlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    SUPERSEDED = "superseded", "Superseded"


class BudgetManagement(models.TextChoices):
    DIRECT_PAYMENT = "direct_payment", "Direct payment"
    COUNCIL_MANAGED = "council_managed", "Council-managed"
    INDIVIDUAL_SERVICE_FUND = "individual_service_fund", "Individual service fund"


class PersonSigner(models.TextChoices):
    PERSON = "person", "The person"
    REPRESENTATIVE = "representative", "Their representative"
    NOT_SIGNED = "not_signed", "Not signed (with the reason)"


class ServiceFrequency(models.TextChoices):
    WEEKLY = "weekly", "Each week"
    FOUR_WEEKLY = "four_weekly", "Every four weeks"
    ONE_OFF = "one_off", "Once"


class ServiceStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    RUNNING = "running", "Running"
    SUSPENDED = "suspended", "Suspended"
    ENDED = "ended", "Ended"


class SuspensionReason(models.TextChoices):
    HOSPITAL_ADMISSION = "hospital_admission", "Hospital admission"
    RESPITE = "respite", "Respite agreed in the plan"
    OTHER = "other", "Other (say why)"
