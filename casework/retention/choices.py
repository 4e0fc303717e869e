from django.db import models


class Covers(models.TextChoices):
    """What a record class covers: each is one query over one kind of record (rules.py)."""

    ADVICE_ONLY = "advice_only", "Information and advice only (a person with contacts and no case)"
    CLOSED_CASE = "closed_case", "Case records (a closed case)"
    DECEASED = "deceased", "Case records of a person who has died"
    DIRECT_PAYMENT = "direct_payment", "Direct payment records (a case whose direct payment ended)"


class Trigger(models.TextChoices):
    LAST_CONTACT = "last_contact", "Last contact"
    CLOSURE = "closure", "Closure"
    DEATH = "death", "Death"
    DIRECT_PAYMENT_END = "direct_payment_end", "End of a direct payment"


class PeriodUnit(models.TextChoices):
    YEARS = "years", "Years"
    MONTHS = "months", "Months"


class Action(models.TextChoices):
    """What happens when the period has run (Records Management Code of Practice: never without appraisal)."""

    REVIEW = "review", "Review"
    DESTROY = "destroy", "Destroy"
    KEEP = "keep", "Keep permanently"


class HoldReason(models.TextChoices):
    INQUIRY = "inquiry", "Public inquiry"
    LITIGATION = "litigation", "Litigation"
    OMBUDSMAN = "ombudsman", "Ombudsman complaint (LGSCO)"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Decision(models.TextChoices):
    """The outcome of an appraisal: destroy, retain with justification, or retain for longer."""

    DESTROY = "destroy", "Destroy"
    KEEP = "keep", "Keep (retain with justification)"
    EXTEND = "extend", "Extend (review again later)"


class RecordKind(models.TextChoices):
    PERSON = "person", "Person"
    CASE = "case", "Case"


# The trigger each kind of record class is counted from.
TRIGGER_OF = {
    Covers.ADVICE_ONLY: Trigger.LAST_CONTACT,
    Covers.CLOSED_CASE: Trigger.CLOSURE,
    Covers.DECEASED: Trigger.DEATH,
    Covers.DIRECT_PAYMENT: Trigger.DIRECT_PAYMENT_END,
}
KIND_OF = {
    Covers.ADVICE_ONLY: RecordKind.PERSON,
    Covers.CLOSED_CASE: RecordKind.CASE,
    Covers.DECEASED: RecordKind.CASE,
    Covers.DIRECT_PAYMENT: RecordKind.CASE,
}
