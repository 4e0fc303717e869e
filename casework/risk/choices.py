from django.db import models


class SourceFormat(models.TextChoices):
    SAVVI_CSV = "savvi_csv", "SAVVI attribute CSV"
    CSV = "csv", "Council extract (CSV)"
    JSON_LINES = "jsonl", "Council extract (JSON Lines)"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Failed"


class Resolution(models.TextChoices):
    """Who an imported record is about, as far as matching has gone."""

    UNRESOLVED = "unresolved", "Not matched yet"
    LINKED = "linked", "Linked to a person"
    NEW_PERSON = "new_person", "A new person"
    IN_REVIEW = "in_review", "Waiting for clerical review"


class AttributeType(models.TextChoices):
    """SAVVI's Attribute.Type (the CSV writes them capitalised: Circumstance, Event, Service, Risk)."""

    CIRCUMSTANCE = "circumstance", "Circumstance"
    EVENT = "event", "Event"
    SERVICE = "service", "Service"
    RISK = "risk", "Risk"
